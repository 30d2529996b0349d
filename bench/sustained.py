"""Sustained booking at a fixed arrival rate: p50/p99/p99.9, errors and the rate achieved, with
latency counted from each request's due time (bench/openloop.py says why and how).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/sustained.py
    .venv/bin/python bench/sustained.py --sqlite            # the embedded default, 16 clients

PostgreSQL (the default; run bench/generate.py on the database first): 333 bookings/s, Doctolib's
record peak, for 300 s, each request a different open slot booked by one of thousands of
signed-in members (each booking at most 8 times, never two slots at one time; the per-member
limits lifted and messages left to workers, as bench/booking_http.py does); the bookings are removed afterwards. Target:
p99 <= 100 ms and no error.

``--bare``: the same arrival rate served by the bare Django project (bench/floor) running, for each
``POST /api/book``, the transaction pgbench runs for the booking (bench/booking_http.py), statement
by statement through Django's connection, no ORM, no session: Django's own ceiling for the target
on this machine, beside which IndigoMed's figure is read.

``--sqlite``: the same bookings on the embedded database with the demo's data (seeded once into
``--var-dir``), by 16 clients each sending its next booking as soon as the last is answered
(``--rate 0``, closed loop), for 120 s, served by gunicorn with 16 threads in all (``gthread-8``)
so that 16 bookings meet at the database at once. Target: no ``database is locked`` (counted in
the server's log) and no error; p99 reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booking_http as booking
import openloop
from harness import OUT, SERVERS, serve, server, server_command, warm_up, wrk


def sqlite_slots(count: int) -> list[tuple[int, str, dt.datetime]]:
    """Open future slots the demo's calendars offer to any new patient, each with a reason of no
    protected kind that its practitioner sees (the embedded database's version of
    ``booking_http.slot_pools``, which is written for PostgreSQL)."""
    from django.utils import timezone

    from indigomed.directory.models import Practitioner
    from indigomed.scheduling.models import Slot

    reasons: dict[int, str] = {}
    for practitioner in Practitioner.objects.prefetch_related("specialties__visit_reasons"):
        usable = [r.slug for s in practitioner.specialties.all() for r in s.visit_reasons.all() if not r.tags]
        if usable:
            reasons[practitioner.pk] = usable[0]
    slots = (
        Slot.objects.filter(
            is_open=True,
            starts_at__gt=timezone.now() + dt.timedelta(days=2),
            visit_type__is_active=True,
            visit_type__patients__in=["any", "new"],
            visit_type__reasons=None,
            role__practitioner_id__in=list(reasons),
        )
        .order_by("role_id", "starts_at")
        .values_list("id", "role__practitioner_id", "starts_at")[:count]
    )
    return [(slot_id, reasons[practitioner], starts_at) for slot_id, practitioner, starts_at in slots]


def sqlite_cleanup(member_ids: list[int]) -> None:
    """The benchmark's bookings removed from the embedded database, their slots open again."""
    from django.db import connection, transaction

    marks = ", ".join(["%s"] * len(member_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (
            f"DELETE FROM records_bookingdetails WHERE member_id IN ({marks})",
            f"DELETE FROM privacy_carerelationship WHERE member_id IN ({marks})",
            f"UPDATE scheduling_slot SET is_open = 1 WHERE id IN "
            f"(SELECT slot_id FROM scheduling_appointment WHERE member_id IN ({marks}))",
            f"DELETE FROM scheduling_appointment WHERE member_id IN ({marks})",
        ):
            cursor.execute(statement, member_ids)  # nosec: only placeholders are formatted in


def bookings_needed(rate: float, seconds: float) -> int:
    """Bookings a run may send: at the rate, or as many as a fast closed loop could make."""
    return int(rate * seconds * 1.05) + 100 if rate else int(400 * seconds)


def prepare_sqlite(var_dir: Path) -> None:
    """The embedded database, migrated and seeded with the demo's data once."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["INDIGOMED_VAR_DIR"] = str(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="the embedded database with the demo's data")
    parser.add_argument("--bare", action="store_true", help="bare Django running pgbench's booking SQL instead")
    parser.add_argument("--rate", type=float, help="bookings per second (0: closed loop); 333, or 0 with --sqlite")
    parser.add_argument("--seconds", type=float, help="300, or 120 with --sqlite")
    parser.add_argument("--connections", type=int, help="at most this many at once: 256, or 16 with --sqlite")
    parser.add_argument("--processes", type=int, default=1, help="the generator's processes (1 or 2)")
    parser.add_argument("--server", choices=SERVERS, help="sync-1, or gthread-8 with --sqlite")
    parser.add_argument("--var-dir", type=Path, default=OUT / "sqlite-var", help="the embedded database's folder")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress, even into a file
    rate = args.rate if args.rate is not None else (0 if args.sqlite else 333)
    seconds = args.seconds or (120 if args.sqlite else 300)
    connections = args.connections or (16 if args.sqlite else 256)
    # On SQLite, as many requests in the server at once as clients (2 workers of 8 threads on 2
    # cores), so that 16 bookings really contend for the database's one write lock.
    args.server = args.server or ("gthread-8" if args.sqlite else "sync-1")
    for name in ("BOOKING_LIMIT_PER_PRACTITIONER", "BOOKING_LIMIT_TOTAL", "BOOKING_RATE_LIMIT"):
        os.environ.setdefault(name, "1000000000")
    os.environ.setdefault("MESSAGES_DELIVER_ON_COMMIT", "0")
    database_url = "" if args.sqlite else os.environ.get("DATABASE_URL", "")
    if args.sqlite and args.bare:
        sys.exit("--bare runs pgbench's SQL on PostgreSQL: leave out --sqlite.")
    if args.sqlite:
        prepare_sqlite(args.var_dir)
    elif not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled, or pass --sqlite.")
    if args.bare:
        result, elapsed = bare_run(database_url, args, rate=rate, seconds=seconds, connections=connections)
        load = (rate, seconds, connections)
        report(result, elapsed, args, load, where="PostgreSQL, bare Django + pgbench's booking SQL", locked=None)
        return
    needed = bookings_needed(rate, seconds)
    # As many members as a peak hour's bookers: none books more than 8 times in the run, within
    # the 10 upcoming visits the product lets a member hold, so that what each booking reads of
    # its member's holdings is what a real member's is (a few rows, not hundreds).
    # (The embedded database's demo calendars have too few slots for that: there, 200 each.)
    members = max(64, math.ceil(needed / (200 if args.sqlite else 8)))
    sessions, member_ids = booking.setup_members(members)
    pool = max(needed * 3, members * 300) if args.sqlite else needed * 3
    if args.sqlite:
        sqlite_cleanup(member_ids)
        order = booking.dealt(sqlite_slots(pool), members)
    else:
        booking.cleanup(database_url, member_ids)
        slots, _ = booking.slot_pools(pool, 1000)
        order = booking.dealt(slots, members)
    if len(order) < needed and rate:
        sys.exit(f"Only {len(order)} slots for {needed} bookings: generate more slots, or lower --rate/--seconds.")
    log = OUT / ("sustained-sqlite-server.log" if args.sqlite else "sustained-server.log")
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with server(database_url, args.server, log=log) as base:
            host_port = base.split("//", 1)[1]
            host, port = host_port.rsplit(":", 1)
            cookies = [f"sessionid={key}" for key, _ in sessions]
            warm_up(base, "/api/appointments", cookies=cookies[:64])
            requests = [
                openloop.request_bytes(
                    "POST",
                    "/api/appointments",
                    host_port,
                    {
                        "Content-Type": "application/json",
                        "Cookie": f"sessionid={sessions[i % members][0]}; csrftoken={sessions[i % members][1]}",
                        "X-CSRFToken": sessions[i % members][1],
                    },
                    json.dumps({"slot_id": slot_id, "visit_reason": reason}).encode(),
                )
                for i, (slot_id, reason) in enumerate(order)
            ]
            started = time.monotonic()
            result = openloop.run(
                (host, int(port)),
                requests,
                rate=rate,
                seconds=seconds,
                connections=connections,
                processes=args.processes,
            )
            elapsed = time.monotonic() - started
    finally:
        if args.sqlite:
            sqlite_cleanup(member_ids)
        else:
            booking.cleanup(database_url, member_ids)
    locked = log.read_text(errors="replace").count("database is locked")
    where = f"SQLite ({args.var_dir})" if args.sqlite else "PostgreSQL"
    report(result, elapsed, args, (rate, seconds, connections), where=where, locked=locked)


def bare_run(
    database_url: str, args: argparse.Namespace, *, rate: float, seconds: float, connections: int
) -> tuple[openloop.Result, float]:
    """The open loop against the bare Django project running pgbench's booking transaction per POST
    (bench/floor, ``pgbench-sql``), on pgbench's pool of slots and members; its bookings removed."""
    import django

    from cycle import bare_booking_env

    django.setup()
    needed = bookings_needed(rate, seconds)
    members = booking.pgbench_members(database_url, 2000)
    member_ids = list(range(members[0], members[1] + 1))
    booking.cleanup(database_url, member_ids)
    env = bare_booking_env(database_url, members, slots=needed * 3)
    try:
        with serve(server_command(args.server, "floor.wsgi", "{port}"), env) as base:
            host_port = base.split("//", 1)[1]
            host, port = host_port.rsplit(":", 1)
            warm_up(base, "/api/appointments")
            # Connections opened and statements prepared before the clock starts, as IndigoMed's are.
            wrk(base, ["/api/book"], method="POST", connections=8, seconds=2)
            request = openloop.request_bytes("POST", "/api/book", host_port)
            started = time.monotonic()
            result = openloop.run(
                (host, int(port)),
                [request] * needed,
                rate=rate,
                seconds=seconds,
                connections=connections,
                processes=args.processes,
            )
            return result, time.monotonic() - started
    finally:
        booking.cleanup(database_url, member_ids)


def report(
    result: openloop.Result,
    elapsed: float,
    args: argparse.Namespace,
    load: tuple[float, float, int],
    *,
    where: str,
    locked: int | None,
) -> None:
    """What the run measured, printed and written to ``bench/out``; ``load`` is (rate, seconds, connections)."""
    rate, seconds, connections = load
    s = result.summary()
    loop = f"open loop at {rate:g}/s" if rate else f"closed loop, {connections} clients"
    print(f"sustained booking on {where}, {args.server}, {loop}, {seconds:g} s ({elapsed:.0f} s wall)")
    print(
        f"  {s['requests']:.0f} requests, achieved {s['achieved_rps']:.1f}/s; latency from the due time: "
        f"p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, p99.9 {s['p999_ms']:.1f} ms, max {s['max_ms']:.0f} ms"
    )
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items(), key=str))
    logged = "" if locked is None else f"; 'database is locked' in the server's log: {locked}"
    print(f"  answers: {statuses}; errors {s['errors']:.0f}{logged}")
    print(
        f"  generator: {s['cpu_s']:.1f} CPU s over {args.processes} process(es), {100 * s['cpu_share']:.1f} % of "
        f"one core, {s['cpu_us_per_request']:.0f} us a request; {s['late']:.0f} sent over 10 ms late"
    )
    if rate:
        verdict = s["p99_ms"] <= 100 and s["errors"] == 0 and s["achieved_rps"] >= 0.98 * rate
        whose = " (IndigoMed's target, on Django's own ceiling)" if args.bare else ""
        print(f"  target{whose}: {rate:g}/s held, p99 <= 100 ms, no error: {'met' if verdict else 'NOT met'}")
    else:
        print(f"  target: no 'database is locked', no error: {'met' if not locked and not s['errors'] else 'NOT met'}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    record = {"database": where, "server": args.server, "bare": args.bare, "rate": rate, "seconds": seconds}
    record |= {**s, "locked": locked}
    (OUT / f"sustained-{stamp}.json").write_text(json.dumps({**record, "statuses": dict(result.statuses)}))


if __name__ == "__main__":
    main()
