"""Audit events (invariant 2c): every change, who made it, when, references only. The database
refuses to change or remove one, like the ledger's rows; holding no personal value, an event needs
no removal when a member's data is crypto-shredded."""

import django.utils.timezone
from django.db import migrations, models

TABLE = "security_auditevent"
MESSAGE = "audit events are append-only"


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION security_audit_event_refuse() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
                END
                $$ LANGUAGE plpgsql
                """
            )
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION security_audit_event_refuse()"
            )
        elif connection.vendor == "sqlite":
            for action in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS security_audit_event_refuse()")
        elif connection.vendor == "sqlite":
            for action in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}")


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0004_door_legal_demand_categories"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "actor_user_id",
                    models.BigIntegerField(blank=True, help_text="Who made the change; empty for IndigoMed", null=True),
                ),
                ("action", models.CharField(max_length=40)),
                (
                    "member_id",
                    models.BigIntegerField(blank=True, help_text="The member the change concerns, if any", null=True),
                ),
                (
                    "subject_ref",
                    models.CharField(help_text="What changed, as a reference: appointment:<id>", max_length=80),
                ),
                ("details", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["-at", "-id"], name="audit_event_newest"),
                    models.Index(fields=["member_id", "-at"], name="audit_event_member_newest"),
                    models.Index(fields=["action", "-at"], name="audit_event_action_newest"),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
