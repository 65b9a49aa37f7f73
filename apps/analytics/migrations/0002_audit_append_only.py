"""The audit trail refuses UPDATE (and, in PostgreSQL, DELETE) in the database itself, whatever
the client: the admin, a shell, a script. SQLite keeps DELETE, which its test flush needs."""

from django.db import migrations

POSTGRES = [
    """
CREATE OR REPLACE FUNCTION analytics_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER analytics_audit_append_only
    BEFORE UPDATE OR DELETE ON analytics_auditevent
    FOR EACH ROW EXECUTE FUNCTION analytics_audit_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS analytics_audit_append_only ON analytics_auditevent",
    "DROP FUNCTION IF EXISTS analytics_audit_append_only()",
]
SQLITE = [
    """CREATE TRIGGER analytics_audit_append_only BEFORE UPDATE ON analytics_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (UPDATE refused)'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS analytics_audit_append_only"]


def _run(schema_editor, postgres, sqlite):
    for statement in postgres if schema_editor.connection.vendor == "postgresql" else sqlite:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES, SQLITE)


def backward(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_visits_audit")]
    operations = [migrations.RunPython(forward, backward)]
