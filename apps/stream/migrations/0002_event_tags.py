from django.db import migrations, models

BATCH = 5000


def tags_backfill(apps, schema_editor):
    """Give stored events the tags the stream's filters used to read from the payload.

    Those filters read `genre` (a list) and `decade_category` of any event, so resuming
    over events stored before tags existed filters as it did.
    """
    Event = apps.get_model("stream", "Event")
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(Event._meta.db_table)
        schema_editor.execute(
            f"""
            UPDATE {table} SET tags = jsonb_strip_nulls(jsonb_build_object(
                'genre', CASE WHEN jsonb_typeof(payload -> 'genre') = 'array'
                              THEN payload -> 'genre' END,
                'decade', CASE WHEN coalesce(payload ->> 'decade_category', '') <> ''
                               THEN jsonb_build_array(payload ->> 'decade_category') END
            ))
            WHERE payload ? 'genre' OR payload ? 'decade_category'
            """
        )
        return
    after = 0
    while True:
        rows = list(Event.objects.filter(id__gt=after).order_by("id")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.tags = _tags_of(row.payload)
        Event.objects.bulk_update(rows, ["tags"])
        after = rows[-1].id


def _tags_of(payload) -> dict:
    if not isinstance(payload, dict):
        return {}
    tags = {}
    if isinstance(payload.get("genre"), list):
        tags["genre"] = [str(genre) for genre in payload["genre"]]
    if payload.get("decade_category"):
        tags["decade"] = [str(payload["decade_category"])]
    return tags


class Migration(migrations.Migration):
    dependencies = [("stream", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="tags",
            field=models.JSONField(blank=True, default=dict, verbose_name="tags"),
        ),
        migrations.RunPython(tags_backfill, migrations.RunPython.noop, elidable=True),
    ]
