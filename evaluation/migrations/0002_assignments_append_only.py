"""Recorded assignments and runs are append-only: the database refuses UPDATE and DELETE
(UPDATE only on SQLite, the development default)."""

from django.db import migrations

TABLES = ("evaluation_assignment", "evaluation_assignmentrun")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION evaluation_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'recorded assignments are append-only (%)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION evaluation_refuse_change();"
                )
        elif connection.vendor == "sqlite":
            # UPDATE only: Django's flush (between transactional tests) empties SQLite tables
            # with DELETE, where PostgreSQL's TRUNCATE passes row triggers by.
            for table in TABLES:
                for action in ("UPDATE",):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'recorded assignments are append-only'); END;"
                    )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            elif connection.vendor == "sqlite":
                for action in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action};")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS evaluation_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_experiments_and_assignments")]

    operations = [migrations.RunPython(forwards, backwards)]
