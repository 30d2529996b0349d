"""The database itself refuses a member two appointments that overlap, with any practitioner (BOOK-2).

PostgreSQL: an exclusion constraint over the member and the appointment's time range, for the
statuses that hold the member's time (booked, checked in); ``btree_gist`` lets the member's id
take part in the GiST index. SQLite: triggers that refuse inserting such an appointment, or
making one hold the member's time again (reactivating it, moving it, giving it to another
member). Appointments that already overlap when this runs on SQLite are left as they are and
keep their status changes; on PostgreSQL the migration stops and says how many there are, so the
practice moves them first: none is dropped silently.
"""

from django.db import migrations

MESSAGE = "the member already holds an appointment at that time"
CONSTRAINT = "appointment_member_never_double_booked"
HOLDING = "('booked', 'checked_in')"
# The member's other holding appointments that overlap the new row's time (an inserted row has no
# id yet; an updated one is not compared with itself).
OVERLAPPING_ANY = """EXISTS (
    SELECT 1 FROM scheduling_appointment a
    WHERE a.member_id = NEW.member_id AND a.status IN ('booked', 'checked_in')
      AND a.starts_at < NEW.ends_at AND a.ends_at > NEW.starts_at
)"""
OVERLAPPING_OTHER = OVERLAPPING_ANY.replace("a.ends_at > NEW.starts_at", "a.ends_at > NEW.starts_at AND a.id <> NEW.id")
ALREADY_OVERLAPPING = """
SELECT COUNT(*) FROM scheduling_appointment a JOIN scheduling_appointment b
  ON a.member_id = b.member_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in')
"""


def create_guard(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(ALREADY_OVERLAPPING)
            (overlapping,) = cursor.fetchone()
            if overlapping:
                raise RuntimeError(
                    f"{overlapping} pairs of appointments overlap for one member; cancel or move one of "
                    "each pair, then run the migration again."
                )
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            cursor.execute(
                f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT} "
                "EXCLUDE USING gist (member_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
                f"WHERE (status IN {HOLDING})"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER scheduling_appointment_member_free_insert "
                "BEFORE INSERT ON scheduling_appointment "
                f"WHEN NEW.status IN {HOLDING} AND {OVERLAPPING_ANY} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
            cursor.execute(
                "CREATE TRIGGER scheduling_appointment_member_free_update "
                "BEFORE UPDATE OF status, starts_at, ends_at, member_id ON scheduling_appointment "
                f"WHEN NEW.status IN {HOLDING} AND (OLD.status NOT IN {HOLDING} OR OLD.starts_at <> NEW.starts_at "
                f"OR OLD.ends_at <> NEW.ends_at OR OLD.member_id <> NEW.member_id) "
                f"AND {OVERLAPPING_OTHER} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def drop_guard(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS scheduling_appointment_member_free_insert")
            cursor.execute("DROP TRIGGER IF EXISTS scheduling_appointment_member_free_update")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0006_slot_holds")]

    operations = [migrations.RunPython(create_guard, drop_guard)]
