"""Audit events stay append-only, with one exception the database itself checks: shredding a member
(PI-3, CHILD-2) may turn an event about them into an anonymous one — the member and the event's
subject and details dropped, its time and kind kept, and the actor dropped only if it was them.
Anything else (another change, any removal) is refused as before."""

from django.db import migrations

TABLE = "security_auditevent"
MESSAGE = "audit events are append-only"
SHREDDED = "shredded"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION security_audit_event_refuse() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
       AND NEW.member_id IS NULL AND NEW.subject_ref = '{SHREDDED}' AND NEW.details = '{{}}'::jsonb
       AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql
"""

PG_STRICT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION security_audit_event_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql
"""

SQLITE_PSEUDONYMIZED = (
    f"NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.member_id IS NULL "
    f"AND NEW.subject_ref = '{SHREDDED}' AND NEW.details = '{{}}' "
    "AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id)"
)


def allow_pseudonymizing(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
                f"WHEN NOT ({SQLITE_PSEUDONYMIZED}) "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def refuse_every_update(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_STRICT_FUNCTION)
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


class Migration(migrations.Migration):
    dependencies = [("security", "0006_breaches_recorded_with_their_proof")]

    operations = [migrations.RunPython(allow_pseudonymizing, refuse_every_update)]
