"""Booking throughput over HTTP on PostgreSQL, as a ratio to pgbench running the same transaction.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/booking_http.py

Run bench/generate.py on that database first. Signed-in members POST /api/appointments, each
request for a different open slot, through gunicorn (2 sync workers) driven by wrk; then
pgbench runs the booking's own SQL (insert the appointment guarded by the unique index, close
the slot, refresh the practitioner's next open time, record the care relationship, store the sealed
booking details) with the same number of clients. Both
book slots from their own pool, and the bookings are removed afterwards. Target: >= 40 %.
No member is given two slots at one time (a member cannot hold overlapping appointments), the
operator's per-member limits are lifted, and messages are left to workers as in production, so
what is measured is the booking itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, gunicorn, need, run_wrk, signed_in_session

sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")

# pgbench reads a colon followed by a name as a variable, even inside quotes and comments: the
# literals below have none.
PGBENCH_SQL = """
\\set slot random({first}, {last})
\\set member random({first_member}, {last_member})
BEGIN;
INSERT INTO scheduling_appointment (public_id, member_id, slot_id, role_id, visit_type_id,
    starts_at, ends_at, status, booked_at, status_changed_at, rescheduled_from_id)
SELECT gen_random_uuid(), :member, s.id, s.role_id, s.visit_type_id, s.starts_at, s.ends_at,
    'booked', now(), now(), NULL
FROM scheduling_slot s WHERE s.id = :slot AND s.is_open ON CONFLICT DO NOTHING;
UPDATE scheduling_slot SET is_open = false WHERE id = :slot;
UPDATE directory_practitionerrole r SET next_open_at = (
    SELECT min(o.starts_at) FROM scheduling_slot o WHERE o.role_id = r.id AND o.is_open AND o.starts_at > now())
WHERE r.id = (SELECT role_id FROM scheduling_slot WHERE id = :slot);
INSERT INTO privacy_carerelationship (member_id, recipient_ref, source_ref, established_at)
VALUES (:member, 'practitioner-bench', 'appointment:' || CAST(:slot AS text), now()) ON CONFLICT DO NOTHING;
INSERT INTO records_bookingdetails (member_id, appointment_public_id, reason, insurance)
VALUES (:member, gen_random_uuid(), decode(md5(CAST(:slot AS text)), 'hex'), NULL);
COMMIT;
"""

WRK_LUA = """
local bodies = {%s}
local cookies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local i = ((counter - 1) %% #bodies) + 1
  local c = cookies[((counter - 1) %% #cookies) + 1]
  return wrk.format("POST", "/api/appointments",
    {["Content-Type"] = "application/json", ["Cookie"] = c.cookie, ["X-CSRFToken"] = c.token}, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d duration_us=%%d non2xx=%%d socket_errors=%%d p50_us=%%d p95_us=%%d p99_us=%%d\\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def setup_members(count: int, prefix: str = "bench-member") -> tuple[list[tuple[str, str]], list[int]]:
    """Members with live sessions: (session key, csrf token); and their ids (pgbench books as the first)."""
    import secrets

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the data may predate the code's latest migrations
    from indigomed.accounts.models import Member, User
    from indigomed.accounts.services import create_member_profile
    from indigomed.records.sign_in import sign_in_key

    sessions = []
    users = []
    for i in range(count):
        email = f"{prefix}-{i}@bench.indigomed.test"
        # No password: the benchmark's members are signed in by their sessions alone (and hashing
        # one costs more than the thousands of members a sustained run needs can wait for).
        user = User.objects.filter(email=sign_in_key(email)).first() or User.objects.create_user(email, None)
        if not Member.objects.filter(user=user).exists():
            create_member_profile(user=user, name=f"Bench Member {i}", date_of_birth=dt.date(1980, 1, 1), country="US")
        sessions.append((signed_in_session(user, "django.contrib.auth.backends.ModelBackend"), secrets.token_hex(16)))
        users.append(user)

    return sessions, [user.pk for user in users]


def slot_pools(http_count: int, pg_count: int) -> tuple[list[tuple[int, str, dt.datetime]], tuple[int, int]]:
    """Open future slots for HTTP (with a visit reason each practitioner sees) and an id range for pgbench."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id, vr.slug, s.starts_at, s.role_id FROM scheduling_slot s
            JOIN directory_practitionerrole r ON r.id = s.role_id
            JOIN directory_practitioner_specialties ps ON ps.practitioner_id = r.practitioner_id
            JOIN LATERAL (SELECT slug FROM directory_visitreason v WHERE v.specialty_id = ps.specialty_id
                          ORDER BY v.id LIMIT 1) vr ON true
            WHERE s.is_open AND s.starts_at > now() + interval '2 days'
              AND NOT EXISTS (SELECT 1 FROM scheduling_appointment a WHERE a.slot_id = s.id)
            ORDER BY s.role_id, s.starts_at LIMIT %s
            """,
            [http_count],
        )
        rows = cursor.fetchall()
        http = [(slot_id, reason, starts_at) for slot_id, reason, starts_at, _ in rows]
        last_role = max(role_id for *_, role_id in rows)
        # pgbench's pool: slots of the practitioners after those HTTP books.
        cursor.execute(
            "SELECT min(id), max(id) FROM (SELECT id FROM scheduling_slot WHERE is_open "
            "AND starts_at > now() + interval '2 days' AND role_id > %s ORDER BY id LIMIT %s) t",
            [last_role, pg_count],
        )
        first, last = cursor.fetchone()
    return http, (first, last)


def dealt(slots: list[tuple[int, str, dt.datetime]], members: int) -> list[tuple[int, str]]:
    """The slots in the order they are sent: request i goes out as member i mod ``members``, and no
    member is given two slots at one time, so bookings succeed instead of measuring the refusal of
    a member's overlapping appointments. The slots of each start time go to different members, the
    next member in turn each time, so that every member gets about as many as the others."""
    by_time: dict[dt.datetime, list[tuple[int, str]]] = {}
    for slot_id, reason, starts_at in slots:
        by_time.setdefault(starts_at, []).append((slot_id, reason))
    hands: list[list[tuple[int, str]]] = [[] for _ in range(members)]
    turn = 0
    for same_time in by_time.values():
        for slot in same_time[:members]:
            hands[turn].append(slot)
            turn = (turn + 1) % members
    rounds = min(len(hand) for hand in hands)
    return [hands[m][k] for k in range(rounds) for m in range(members)]


def http_round(base: str, sessions, slots, *, connections: int, seconds: int) -> dict[str, float]:
    bodies = ", ".join(
        f'\'{{"slot_id": {sid}, "visit_reason": "{reason}"}}\'' for sid, reason in dealt(slots, len(sessions))
    )
    cookies = ", ".join(
        f'{{cookie = "sessionid={key}; csrftoken={token}", token = "{token}"}}' for key, token in sessions
    )
    values = run_wrk(base, "book", WRK_LUA % (bodies, cookies), connections=connections, seconds=seconds)
    booked = values["requests"] - values["non2xx"]
    return {
        "booked_per_s": booked / (values["duration_us"] / 1e6),
        "refused": values["non2xx"],
        "p50_ms": values["p50_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "errors": values["socket_errors"],
    }


FLOOR_LUA = """
local cookies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local c = cookies[((counter - 1) %% #cookies) + 1]
  return wrk.format("GET", "/api/appointments", {["Cookie"] = c.cookie})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d duration_us=%%d non2xx=%%d\\n", summary.requests, summary.duration, summary.errors.status))
end
"""


def floor_round(base: str, sessions, *, connections: int, seconds: int) -> float:
    """The framework's floor: an authenticated API read that does almost nothing (no bookings yet)."""
    cookies = ", ".join(f'{{cookie = "sessionid={key}"}}' for key, _ in sessions)
    values = run_wrk(base, "floor", FLOOR_LUA % cookies, connections=connections, seconds=seconds)
    return (values["requests"] - values["non2xx"]) / (values["duration_us"] / 1e6)


def pgbench_members(database_url: str, count: int) -> tuple[int, int]:
    """Accounts pgbench books for, one at random per transaction (ids ``first..last``): spread over
    many, like real bookings, so that a member's own appointments rarely overlap."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO accounts_user (password, is_superuser, public_id, email, display_name, is_active, "
            "is_staff, date_joined) SELECT '!', false, gen_random_uuid(), 'bench-pg-' || n || '@sealed.invalid', "
            "'', true, false, now() FROM generate_series(1, %s) n ON CONFLICT (email) DO NOTHING",
            [count],
        )
        first, last, found = conn.execute(
            "SELECT min(id), max(id), count(*) FROM accounts_user WHERE email LIKE 'bench-pg-%%@sealed.invalid'"
        ).fetchone()  # type: ignore[misc]
    if last - first + 1 != found:
        sys.exit("The pgbench accounts are not numbered in one run; drop them and run again.")
    return first, last


def pgbench_round(
    database_url: str, members: tuple[int, int], pool: tuple[int, int], *, clients: int, seconds: int
) -> float:
    script = Path(tempfile.mkdtemp()) / "book.sql"
    script.write_text(PGBENCH_SQL.format(first=pool[0], last=pool[1], first_member=members[0], last_member=members[1]))
    out = subprocess.run(
        [
            need("pgbench", "postgresql-client"),
            "-n",
            "-f",
            str(script),
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-M",
            "prepared",
            database_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]


def cleanup(database_url: str, member_ids: list[int]) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in (
            "DELETE FROM records_bookingdetails WHERE member_id = ANY(%s)",
            "DELETE FROM privacy_carerelationship WHERE member_id = ANY(%s)",
            "UPDATE scheduling_slot SET is_open = true WHERE id IN "
            "(SELECT slot_id FROM scheduling_appointment WHERE member_id = ANY(%s))",
            "DELETE FROM scheduling_appointment WHERE member_id = ANY(%s)",
        ):
            conn.execute(statement, [member_ids])
        # Tens of thousands of deleted rows would otherwise slow the next round's index scans.
        conn.execute("VACUUM ANALYZE scheduling_appointment, scheduling_slot, directory_practitionerrole")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    # What is measured is the booking's own work: the operator's limits on how much one member
    # holds would refuse the benchmark's few members after a handful of bookings, and messages
    # are delivered by workers, as in production, not by the web server after each commit.
    for name in ("BOOKING_LIMIT_PER_PRACTITIONER", "BOOKING_LIMIT_TOTAL", "BOOKING_RATE_LIMIT"):
        os.environ.setdefault(name, "1000000000")
    os.environ.setdefault("MESSAGES_DELIVER_ON_COMMIT", "0")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled.")
    sessions, members = setup_members(64)
    pg_members = pgbench_members(database_url, 2000)
    members = [*members, *range(pg_members[0], pg_members[1] + 1)]
    cleanup(database_url, members)
    http_rounds, pg_rounds = [], []
    try:
        with gunicorn(database_url, workers=2) as base:
            floor = median(
                floor_round(base, sessions, connections=args.clients, seconds=args.seconds) for _ in range(args.runs)
            )
            for _ in range(args.runs):
                slots, pool = slot_pools(60_000, 300_000)
                http_rounds.append(http_round(base, sessions, slots, connections=args.clients, seconds=args.seconds))
                pg_rounds.append(
                    pgbench_round(database_url, pg_members, pool, clients=args.clients, seconds=args.seconds)
                )
                cleanup(database_url, members)
    finally:
        cleanup(database_url, members)
    http = median(r["booked_per_s"] for r in http_rounds)
    pg = median(pg_rounds)
    print(f"booking over HTTP, {args.clients} clients, gunicorn 2 workers, median of {args.runs} runs")
    print(
        f"  HTTP bookings: {http:.0f}/s (p95 {median(r['p95_ms'] for r in http_rounds):.1f} ms, "
        f"refused {sum(r['refused'] for r in http_rounds):.0f}, socket errors {sum(r['errors'] for r in http_rounds):.0f})"
    )
    print(f"  pgbench, same transaction: {pg:.0f}/s")
    print(
        f"  floor, an authenticated GET that reads one empty list: {floor:.0f}/s ({100 * floor / pg:.1f} % of pgbench)"
    )
    print(f"  ratio: {100 * http / pg:.1f} %  target >= 40 %")


if __name__ == "__main__":
    main()
