"""The database itself refuses an appointment that holds a slot closed by time off (BOOK-1, BOOK-2).

A trigger on both engines refuses inserting a holding appointment, reactivating one or moving it
to another slot, when a time off of the slot's calendar overlaps the slot. Appointments booked
before the time off was added keep their status changes (check-in, completed, no-show).
"""

from django.db import migrations

MESSAGE = "that time is closed for time off and cannot be booked"
HOLDING = "('booked', 'checked_in', 'completed', 'no_show')"
# The slot's own times decide, not the appointment's copy of them, which a bypass could forge.
CLOSED = """EXISTS (
    SELECT 1 FROM scheduling_slot s
    JOIN scheduling_availabilityexception e ON e.role_id = s.role_id
    WHERE s.id = NEW.slot_id AND e.kind = 'time_off' AND e.starts_at < s.ends_at AND e.ends_at > s.starts_at
)"""


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION scheduling_refuse_closed_slot() RETURNS trigger AS $$
                BEGIN
                    IF NEW.status IN {HOLDING}
                       AND (TG_OP = 'INSERT' OR OLD.status NOT IN {HOLDING} OR OLD.slot_id <> NEW.slot_id)
                       AND {CLOSED} THEN
                        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                END
                $$ LANGUAGE plpgsql
                """
            )
            cursor.execute(
                "CREATE TRIGGER scheduling_appointment_slot_not_closed "
                "BEFORE INSERT OR UPDATE OF status, slot_id ON scheduling_appointment "
                "FOR EACH ROW EXECUTE FUNCTION scheduling_refuse_closed_slot()"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER scheduling_appointment_slot_not_closed_insert "
                "BEFORE INSERT ON scheduling_appointment "
                f"WHEN NEW.status IN {HOLDING} AND {CLOSED} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
            cursor.execute(
                "CREATE TRIGGER scheduling_appointment_slot_not_closed_update "
                "BEFORE UPDATE OF status, slot_id ON scheduling_appointment "
                f"WHEN NEW.status IN {HOLDING} AND (OLD.status NOT IN {HOLDING} OR OLD.slot_id <> NEW.slot_id) "
                f"AND {CLOSED} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS scheduling_appointment_slot_not_closed ON scheduling_appointment")
            cursor.execute("DROP FUNCTION IF EXISTS scheduling_refuse_closed_slot()")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS scheduling_appointment_slot_not_closed_insert")
            cursor.execute("DROP TRIGGER IF EXISTS scheduling_appointment_slot_not_closed_update")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_booking_details_sealed")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
