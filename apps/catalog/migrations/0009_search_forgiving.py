"""Search that forgives: people's folded names, every name refolded (accents and ё dropped),
and the trigram index (pg_trgm GIN indexes on PostgreSQL, FTS5 tables on SQLite)."""

from django.db import migrations, models

BATCH = 5_000


def _refold(apps, schema_editor):
    from apps.catalog.search.text import search_fold, search_text_build

    Title = apps.get_model("catalog", "Title")
    LocalizedTitle = apps.get_model("catalog", "LocalizedTitle")
    Person = apps.get_model("catalog", "Person")
    last = 0
    while batch := list(Person.objects.filter(pk__gt=last).order_by("pk").only("pk", "name")[:BATCH]):
        for person in batch:
            person.search_name = search_fold(person.name)
        Person.objects.bulk_update(batch, ["search_name"])
        last = batch[-1].pk
    last = 0
    while batch := list(
        Title.objects.filter(pk__gt=last).order_by("pk").only("pk", "primary_title", "original_title")[:BATCH]
    ):
        akas: dict[int, list[str]] = {}
        for title_id, name in (
            LocalizedTitle.objects.filter(title_id__in=[title.pk for title in batch])
            .order_by("title_id", "ordering", "pk")
            .values_list("title_id", "name")
        ):
            akas.setdefault(title_id, []).append(name)
        for title in batch:
            title.search_text = search_text_build(
                [title.primary_title, title.original_title, *akas.get(title.pk, [])]
            )
        Title.objects.bulk_update(batch, ["search_text"])
        last = batch[-1].pk


def _index_install(apps, schema_editor):
    from apps.catalog.search.index import search_index

    search_index().install()


def _index_drop(apps, schema_editor):
    statements = {
        "postgresql": [
            "DROP INDEX IF EXISTS catalog_title_search_trgm",
            "DROP INDEX IF EXISTS catalog_person_search_trgm",
        ],
        "sqlite": [
            "DROP TABLE IF EXISTS catalog_title_search",
            "DROP TABLE IF EXISTS catalog_person_search",
            *(
                f"DROP TRIGGER IF EXISTS {table}_search_{event}"
                for table in ("catalog_title", "catalog_person")
                for event in ("insert", "delete", "update")
            ),
        ],
    }
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_lists_sort_names")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(_refold, migrations.RunPython.noop),
        migrations.RunPython(_index_install, _index_drop),
    ]
