"""The database itself refuses to change or remove ledger and checkpoint rows (LEDGER-1)."""

from django.db import migrations

TABLES = ("privacy_disclosure", "privacy_ledgercheckpoint")
MESSAGE = "the disclosure ledger is append-only"


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION privacy_ledger_refuse() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
                END
                $$ LANGUAGE plpgsql
                """
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION privacy_ledger_refuse()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for action in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                    )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS privacy_ledger_refuse()")
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for action in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_authorizations_restrictions_ledger")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
