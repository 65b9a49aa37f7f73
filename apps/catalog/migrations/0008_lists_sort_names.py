from django.db import migrations, models
from django.db.models.functions import Left

from apps.catalog.names import NAME_FIELDS, NAME_MAX_LENGTH

# A list sorted by name reads its first page in index order; titles of the same name are
# put in the list's tie-break order by an incremental sort (PostgreSQL 13+), so the index
# holds the name alone and the daily vote updates never touch it. ICU collations exist on
# PostgreSQL only; SQLite's embedded catalogs are small enough to sort as they are.
_INDEXES = {
    "uk": "uk-x-icu",
    "ru": "ru-x-icu",
    "en": "en-x-icu",
}


def names_fill(apps, schema_editor) -> None:
    """Store every title's display names, by the rule enrichment keeps them by, in one UPDATE each."""
    from apps.catalog.selectors import display_name_expression

    Title = apps.get_model("catalog", "Title")
    LocalizedTitle = apps.get_model("catalog", "LocalizedTitle")
    for language, field in NAME_FIELDS.items():
        name = display_name_expression(language, akas=LocalizedTitle.objects)
        Title.objects.update(**{field: Left(name, NAME_MAX_LENGTH)})


def indexes_create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for language, collation in _INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS catalog_title_name_{language} ON catalog_title '
            f'((name_{language} COLLATE "{collation}"))'
        )


def indexes_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in _INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_title_name_{language}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_tmdb_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="title",
            name="name_en",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="title",
            name="name_ru",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="title",
            name="name_uk",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=500),
        ),
        migrations.RunPython(names_fill, migrations.RunPython.noop),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
