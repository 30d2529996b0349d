"""The request cycle beside Django's own: every figure as a ratio to what the framework does on the
same machine, in the same run (issue 14's benchmark).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/cycle.py
    ... bench/cycle.py --server granian                   # the same cycle behind another server
    ... bench/cycle.py --servers sync-1,sync-2,gthread,granian --runs 1   # which server wins
    ... bench/cycle.py --compare main~3                   # IndigoMed's lines on an older version too
    ... bench/cycle.py --only django,floor,list           # a few lines, for a quick look

Run bench/generate.py on that database first. One server of the chosen kind (``--server``, see
``harness.SERVERS``) each for: the bare Django project in bench/floor/ without middleware and with
Django's standard middleware, and IndigoMed (DEBUG off, persistent connections). wrk drives each
in turn with the same connections, run after run, so that all figures share the machine's load of
the moment; each figure is the median of ``--runs``:

- Django, no middleware / standard middleware: one JSON view answering ``[]`` (the floor: 100 %);
- Django signed in: the same middleware with database sessions in a PostgreSQL database of its
  own (``<name>_floor``), the view reading the signed-in user's (empty) permissions: Django's floor
  for the work IndigoMed's signed-in floor does (a session, a user, one list);
- Django and two bare statements: the standard middleware, and a view sending the two statements
  every signed-in API request needs (its session row, one list) on a persistent connection, no ORM:
  what those two round trips cost on this machine, the ceiling for any code around them;
- Django and a list's four bare statements: the same with the four a member's own list sends (the
  session row, the list, an access-log row committed on its own, the details): a list's ceiling;
- IndigoMed's floor: ``GET /api/appointments`` for signed-in members with no appointment;
- a member's own list: the same for members holding a few appointments each;
- the Connect calendar: ``GET /api/connect/calendar`` for a week of a practitioner signed in with
  a second factor, with those appointments on it;
- search: the 400 mixed searches of bench/search_http.py;
- booking: ``POST /api/appointments`` as bench/booking_http.py books (a different open slot each),
  beside pgbench running the booking's own SQL with as many clients;
- Django + that SQL: the bare project running pgbench's transaction, statement by statement through
  Django's connection (no ORM), for each ``POST /api/book``: what Django's request cycle leaves of
  pgbench's rate, the ceiling for any booking Django serves on this machine.

``--compare REF`` serves IndigoMed's own lines (floor, list, calendar, search, booking) with the code
of git revision REF too, each right after this version's in every run, and prints them in a second
table beside the same run's Django floors and pgbench: a change's effect measured under one load.
The database must carry this version's migrations; both versions read the same keys (``var/``).

``--servers`` runs the Django floor, IndigoMed's floor, booking and search on each server named
and says which serves most. Sustained load at a fixed arrival rate is bench/sustained.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booking_http as booking
from harness import (
    CORES,
    OUT,
    ROOT,
    SERVERS,
    medians,
    serve,
    server,
    server_command,
    signed_in_session,
    warm_up,
    wrk,
)
from search_http import ready, search_paths, unpack

# What each figure is, in the order printed.
LABELS = {
    "django-none": "Django, one JSON view, no middleware",
    "django": "Django, the same behind its standard middleware",
    "django-signed-in": "Django signed in: session, user, one list",
    "django-two-reads": "Django + two bare statements (session, list)",
    "django-list-statements": "Django + a list's four bare statements",
    "floor": "IndigoMed floor: GET /api/appointments, none",
    "list": "a member's own list, GET /api/appointments",
    "calendar": "Connect calendar, a practitioner's week",
    "search": "search, 400 mixed queries",
    "booking": "booking, POST /api/appointments",
    "pgbench": "pgbench, the booking's own SQL",
    "django-pgbench-sql": "Django + that SQL, statement by statement",
}
NAN = float("nan")
# The bare project's lines that are signed in: served from its own database, with its sessions.
SIGNED_IN_FLOORS = ("django-signed-in", "django-two-reads", "django-list-statements")


def floor_env(middleware: str) -> dict[str, str]:
    """The bare project's environment: ``middleware`` is ``none``, ``standard``, ``signed-in``,
    ``two-reads``, ``list-statements`` or ``pgbench-sql`` (bench/floor/settings.py)."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "bench"),
        "DJANGO_SETTINGS_MODULE": "floor.settings",
        "FLOOR_MIDDLEWARE": middleware,
        "FLOOR_DATABASE_URL": floor_database_url(),
    }


def bare_booking_env(database_url: str, members: tuple[int, int], *, slots: int) -> dict[str, str]:
    """The bare project's environment for ``pgbench-sql``: the benchmark's own database, and
    pgbench's pool of ``slots`` open slots and its members to draw from."""
    _, pool = booking.slot_pools(1000, slots)
    return floor_env("pgbench-sql") | {
        "FLOOR_DATABASE_URL": database_url,
        "FLOOR_BOOKING": ",".join(str(n) for n in (*pool, *members)),
    }


def floor_database_url() -> str:
    """The bare project's own database, beside the benchmark's (``<name>_floor``)."""
    return os.environ["DATABASE_URL"].rstrip("/") + "_floor"


FLOOR_SIGN_IN = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connection
with connection.cursor() as cursor:  # the access log of list-statements
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS floor_access "
        "(id bigserial PRIMARY KEY, at timestamptz NOT NULL, session_key text NOT NULL)"
    )
    cursor.execute("TRUNCATE floor_access")
keys = []
for i in range(64):
    user, _ = User.objects.get_or_create(username=f"floor-member-{i}")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
print(" ".join(keys))
"""


def floor_sessions() -> list[str]:
    """Signed-in sessions of the bare project's users, in its own database (made if missing)."""
    import psycopg

    url = floor_database_url()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    made = subprocess.run(
        [sys.executable, "-c", FLOOR_SIGN_IN],
        env=floor_env("signed-in"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [f"sessionid={key}" for key in made.stdout.split()]


def practice_world(appointments_each: int, members: int) -> dict[str, object]:
    """A practitioner who runs one calendar and signed in to Connect with a second factor, and
    ``members`` members each holding up to ``appointments_each`` appointments on that calendar
    within one week (as many as the week has open slots). Kept between runs."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection
    from django.utils import timezone

    from indigomed.accounts.models import User
    from indigomed.accounts.sessions import now
    from indigomed.directory.models import Practitioner, PractitionerRole
    from indigomed.records.sign_in import sign_in_key
    from indigomed.scheduling import services
    from indigomed.scheduling.models import Appointment, Slot

    sessions, member_ids = booking.setup_members(members, prefix="bench-list-member")
    with connection.cursor() as cursor:
        # The last calendar, far from the slots the booking benchmark takes from the first ones,
        # for a reason of no protected kind (which would need the member's signed consent).
        cursor.execute(
            """
            SELECT r.id, vr.slug FROM directory_practitionerrole r
            JOIN directory_practitioner_specialties ps ON ps.practitioner_id = r.practitioner_id
            JOIN LATERAL (SELECT slug, tags FROM directory_visitreason v WHERE v.specialty_id = ps.specialty_id
                          ORDER BY v.id LIMIT 1) vr ON true
            WHERE vr.tags = '[]'::jsonb ORDER BY r.id DESC LIMIT 1
            """
        )
        role_id, reason = cursor.fetchone()
    role = PractitionerRole.objects.select_related("facility").get(pk=role_id)
    wanted = appointments_each * members
    held = Appointment.objects.filter(member_id__in=member_ids, role=role, status="booked")
    # Made once: again only when gone (a new database) or about to pass.
    if not held.exists() or held.filter(starts_at__lt=timezone.now() + dt.timedelta(days=1)).exists():
        booking.cleanup(os.environ["DATABASE_URL"], member_ids)
        first = Slot.objects.filter(role=role, is_open=True, starts_at__gt=timezone.now() + dt.timedelta(days=2))
        start = first.order_by("starts_at").values_list("starts_at", flat=True).first()
        if start is None:
            sys.exit("No open slot on the last calendar: run bench/generate.py again.")
        week = first.filter(starts_at__lt=start + dt.timedelta(days=7)).order_by("starts_at")[:wanted]
        users = list(User.objects.filter(pk__in=member_ids).order_by("pk"))
        for k, slot in enumerate(week):
            services.book_appointment(
                actor=users[k % members], slot_id=slot.pk, visit_reason=reason, insurance_plan=None
            )
    first_day = held.order_by("starts_at").values_list("starts_at", flat=True).first() or timezone.now()
    day = first_day.astimezone(ZoneInfo(role.facility.timezone)).date()

    email = "bench-practitioner@bench.indigomed.test"
    user = User.objects.filter(email=sign_in_key(email)).first() or User.objects.create_user(email, None)
    Practitioner.objects.filter(user=user).exclude(pk=role.practitioner_id).update(user=None)
    Practitioner.objects.filter(pk=role.practitioner_id).update(user=user)
    factor = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if factor is None:
        factor = TOTP.activate(user, generate_totp_secret()).instance
    moment = now()
    calendar_key = signed_in_session(
        user,
        "django.contrib.auth.backends.ModelBackend",
        # The password, then the authenticator app's code, as allauth records a sign-in that
        # passed the second factor (accounts.second_factor.passed_second_factor reads it).
        **{
            AUTHENTICATION_METHODS_SESSION_KEY: [
                {"method": "password", "at": moment, "email": email},
                {"method": "mfa", "at": moment, "id": factor.pk, "type": "totp"},
            ],
            _AUTHENTICATION_METHODS_USER_SESSION_KEY: str(user.pk),
        },
    )
    return {
        "list_cookies": [f"sessionid={key}" for key, _ in sessions],
        "calendar_cookie": f"sessionid={calendar_key}",
        "calendar_path": f"/api/connect/calendar?day={day.isoformat()}&days=7",
        "appointments": held.count(),
        "member_ids": member_ids,
    }


def answered(base: str, path: str, cookie: str = "") -> object:
    """One request's JSON, checked to be a success, before it is measured."""
    request = Request(base + path, headers={"Cookie": cookie} if cookie else {})
    with urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def booking_figure(base: str, members: list[tuple[str, str]], args: argparse.Namespace) -> dict[str, float]:
    """One booking round on fresh slots, then its bookings removed."""
    slots, _ = booking.slot_pools(60_000, 300_000)
    try:
        r = booking.http_round(base, members, slots, connections=args.connections, seconds=args.seconds)
    finally:
        time.sleep(1)  # the last requests wrk left in flight commit first
        booking.cleanup(os.environ["DATABASE_URL"], args.cleanup_ids)
    errors = r["refused"] + r["errors"]
    return {
        "rps": r["booked_per_s"],
        "p50_ms": r["p50_ms"],
        "p95_ms": r["p95_ms"],
        "p99_ms": r["p99_ms"],
        "errors": errors,
    }


def bare_booking_figure(base: str, seconds: int, args: argparse.Namespace) -> dict[str, float]:
    """The bare project running pgbench's transaction per POST, then its bookings removed."""
    try:
        return wrk(base, ["/api/book"], method="POST", connections=args.connections, seconds=seconds)
    finally:
        time.sleep(1)  # the last requests wrk left in flight commit first
        booking.cleanup(os.environ["DATABASE_URL"], args.cleanup_ids)


def pgbench_figure(args: argparse.Namespace) -> dict[str, float]:
    _, pool = booking.slot_pools(1000, 300_000)
    try:
        tps = booking.pgbench_round(
            os.environ["DATABASE_URL"], args.pg_members, pool, clients=args.connections, seconds=args.seconds
        )
    finally:
        booking.cleanup(os.environ["DATABASE_URL"], args.cleanup_ids)
    return {"rps": tps, "p50_ms": NAN, "p95_ms": NAN, "p99_ms": NAN, "errors": 0.0}


def ratio(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole and not math.isnan(part) else ""


def of_ceiling(fig: dict[str, dict[str, float]], name: str, ceiling: str, what: str) -> str:
    """``name``'s share of the bare project's line that sends only its statements, if measured."""
    return f"; {ratio(fig[name]['rps'], fig[ceiling]['rps'])} of {what}" if ceiling in fig else ""


def target(name: str, fig: dict[str, dict[str, float]]) -> str:
    """The issue's target beside the figure, and whether it holds today."""
    floor = fig.get("django", {}).get("rps", NAN)
    if name in ("floor", "list") and "django" not in fig:
        return ""  # a share of a floor not measured in this run

    def said(ok: bool, text: str) -> str:
        return f"{text}: {'met' if ok else 'NOT met'}"

    if name == "floor":
        verdict = said(fig[name]["rps"] >= 0.5 * floor, ">= 50 % of Django's floor")
        return verdict + of_ceiling(fig, name, "django-two-reads", "two bare statements")
    if name == "list":
        verdict = said(fig[name]["rps"] >= 0.35 * floor, ">= 35 % of Django's floor")
        return verdict + of_ceiling(fig, name, "django-list-statements", "four bare statements")
    if name == "search":
        return said(fig[name]["rps"] >= 500 and fig[name]["p95_ms"] <= 50, ">= 500/s, p95 <= 50 ms")
    if name == "booking" and "pgbench" in fig:
        share = fig["booking"]["rps"] / fig["pgbench"]["rps"]
        verdict = said(share >= 0.25, f">= 25 % of pgbench (then 40 %): {100 * share:.0f} %")
        return verdict + of_ceiling(fig, name, "django-pgbench-sql", "Django + that SQL")
    if name == "django-pgbench-sql" and "pgbench" in fig:
        return f"{ratio(fig[name]['rps'], fig['pgbench']['rps'])} of pgbench: Django's ceiling for a booking"
    return ""


def table(title: str, fig: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"  {'':48} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'of floor':>8}  target")
    for name, label in LABELS.items():
        if name not in fig:
            continue
        f = fig[name]
        lat = " ".join(f"{f[k]:7.1f}" if not math.isnan(f[k]) else f"{'':>7}" for k in ("p50_ms", "p95_ms", "p99_ms"))
        of = ratio(f["rps"], fig["django"]["rps"]) if "django" in fig else ""
        print(f"  {label:48} {f['rps']:7.0f} {lat} {f['errors']:6.0f} {of:>8}  {target(name, fig)}")


def _own_gets(
    base: str, suffix: str, world: dict[str, object], cookies: list[str], args: argparse.Namespace
) -> dict[str, Callable[[int], dict[str, float]]]:
    """IndigoMed's GET lines served by ``base``, named with ``suffix``."""
    c = args.connections
    return {
        "floor" + suffix: lambda s: wrk(base, ["/api/appointments"], cookies=cookies, connections=c, seconds=s),
        "list" + suffix: lambda s: wrk(
            base, ["/api/appointments"], cookies=world["list_cookies"], connections=c, seconds=s
        ),
        "calendar" + suffix: lambda s: wrk(
            base, [world["calendar_path"]], cookies=[world["calendar_cookie"]], connections=c, seconds=s
        ),
        "search" + suffix: lambda s: wrk(base, args.search_paths, connections=c, seconds=s),
    }


# IndigoMed's own lines: with ``--compare`` each is also measured on the other version's code.
OWN_LINES = ("floor", "list", "calendar", "search", "booking")


def run_cycle(
    kind: str, names: list[str], world: dict[str, object], args: argparse.Namespace, other: Path | None = None
) -> dict:
    """Every figure in ``names`` on server ``kind``: servers up together, runs interleaved. With
    ``other`` (another version's ``src``), IndigoMed's own lines are measured on that code too, right
    after this version's in each run, under the name ``<line>@other``."""
    database_url = os.environ["DATABASE_URL"]
    with ExitStack() as stack:
        bases: dict[str, str] = {}
        if "django-none" in names:
            bases["django-none"] = stack.enter_context(
                serve(server_command(kind, "floor.wsgi", "{port}"), floor_env("none"))
            )
        if "django" in names:
            bases["django"] = stack.enter_context(
                serve(server_command(kind, "floor.wsgi", "{port}"), floor_env("standard"))
            )
        for name in SIGNED_IN_FLOORS:
            if name in names:
                bases[name] = stack.enter_context(
                    serve(server_command(kind, "floor.wsgi", "{port}"), floor_env(name.removeprefix("django-")))
                )
        if "django-pgbench-sql" in names:
            env = bare_booking_env(database_url, args.pg_members, slots=300_000)
            bases["django-pgbench-sql"] = stack.enter_context(serve(server_command(kind, "floor.wsgi", "{port}"), env))
        indigo = stack.enter_context(server(database_url, kind))
        indigos = {"": indigo}
        if other is not None:
            indigos["@other"] = stack.enter_context(server(database_url, kind, src=other))
        cookies = [f"sessionid={key}" for key, _ in args.sessions]
        for name, base in bases.items():
            signed_in = args.floor_cookies if name in SIGNED_IN_FLOORS else []
            answered(base, "/api/appointments", signed_in[0] if signed_in else "")
            warm_up(base, "/api/appointments", cookies=signed_in)
        for base in indigos.values():
            ready(base, "/api/search?what=cardiology&postal_code=10001&country=US")
            warm_up(base, "/api/appointments", cookies=cookies)
        gets: dict[str, Callable[[int], dict[str, float]]] = {
            "django-none": lambda s: wrk(
                bases["django-none"], ["/api/appointments"], connections=args.connections, seconds=s
            ),
            "django": lambda s: wrk(bases["django"], ["/api/appointments"], connections=args.connections, seconds=s),
            **{
                name: lambda s, base=bases[name]: wrk(
                    base, ["/api/appointments"], cookies=args.floor_cookies, connections=args.connections, seconds=s
                )
                for name in SIGNED_IN_FLOORS
                if name in bases
            },
        }
        if "django-pgbench-sql" in bases:
            gets["django-pgbench-sql"] = lambda s: bare_booking_figure(bases["django-pgbench-sql"], s, args)
        for suffix, base in indigos.items():
            gets.update(_own_gets(base, suffix, world, cookies, args))
        if "list" in names:
            shown = answered(indigo, "/api/appointments", world["list_cookies"][0])
            print(f"  a member's list holds {len(shown)} appointments")  # type: ignore[arg-type]
        if "calendar" in names:
            shown = answered(indigo, world["calendar_path"], world["calendar_cookie"])
            print(f"  the practitioner's week holds {len(shown)} appointments")  # type: ignore[arg-type]
        # Each line, then the same line on the other version's code (if any), run after run.
        lines = [
            (name + suffix, base)
            for name in names
            for suffix, base in indigos.items()
            if not suffix or name in OWN_LINES
        ]
        for line, _ in lines:  # warm-up: connections opened, queries prepared, caches filled
            if line in gets:
                gets[line](2)
        runs: dict[str, list[dict[str, float]]] = {}
        for run in range(args.runs):
            for line, base in lines:
                name, _, version = line.partition("@")
                print(
                    f"  {kind}, run {run + 1} of {args.runs}: {LABELS[name]}{f' ({args.compare})' if version else ''}"
                )
                if line in gets:
                    figure = gets[line](args.seconds)
                elif name == "booking":
                    figure = booking_figure(base, args.sessions, args)
                else:
                    figure = pgbench_figure(args)
                runs.setdefault(line, []).append(figure)
                time.sleep(1)  # let the previous load's stragglers finish
    return {name: medians(measured) for name, measured in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--server", default="sync-1", choices=SERVERS, help="sync-N: N gunicorn workers per core")
    parser.add_argument("--servers", help=f"comma-separated, to compare: {','.join(SERVERS)}")
    parser.add_argument("--free-text", action="store_true", help="search the free-text mix of search_http.py")
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also serve IndigoMed's lines with git revision REF's code, alternating with this version run by run",
    )
    parser.add_argument("--only", help=f"comma-separated lines of the table, for a quick A/B: {','.join(LABELS)}")
    args = parser.parse_args()
    if args.servers and (args.only or args.compare):
        sys.exit("--servers runs its own lines on this version's code: leave out --only and --compare.")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress, even into a file
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled.")
    # As bench/booking_http.py: the booking itself, not the operator's limits or message delivery.
    for name in ("BOOKING_LIMIT_PER_PRACTITIONER", "BOOKING_LIMIT_TOTAL", "BOOKING_RATE_LIMIT"):
        os.environ.setdefault(name, "1000000000")
    os.environ.setdefault("MESSAGES_DELIVER_ON_COMMIT", "0")
    started = time.monotonic()
    args.sessions, booking_ids = booking.setup_members(64)
    args.pg_members = booking.pgbench_members(database_url, 2000)
    args.cleanup_ids = [*booking_ids, *range(args.pg_members[0], args.pg_members[1] + 1)]
    booking.cleanup(database_url, args.cleanup_ids)
    world = practice_world(appointments_each=5, members=4)
    args.search_paths = search_paths(database_url, 400, seed=11, free_text=args.free_text)
    args.floor_cookies = floor_sessions()
    setting = f"{args.connections} connections, {args.seconds} s, median of {args.runs} runs, {CORES} cores"
    if args.servers:
        kinds = args.servers.split(",")
        names = ["django", "django-signed-in", "floor", "booking", "search"]
        results = {kind: run_cycle(kind, names, world, args) for kind in kinds}
        for kind, fig in results.items():
            table(f"\n{kind} ({setting})", fig)
        print("\nwhich server serves most (requests/s; p95 beside)")
        for name in names:
            best = max(kinds, key=lambda k: results[k][name]["rps"])
            row = ", ".join(f"{k} {results[k][name]['rps']:.0f} ({results[k][name]['p95_ms']:.1f} ms)" for k in kinds)
            print(f"  {LABELS[name]:48} {best:>10}  {row}")
        # IndigoMed's own work weighs, not the bare project's: the product of its three figures.
        score = {k: math.prod(results[k][n]["rps"] for n in ("floor", "booking", "search")) for k in kinds}
        print(f"  overall (IndigoMed's floor x booking x search): {max(kinds, key=score.__getitem__)}")
        out = {"servers": results}
    else:
        names = args.only.split(",") if args.only else list(LABELS)
        if unknown := set(names) - set(LABELS):
            sys.exit(f"--only: no such line {', '.join(sorted(unknown))}; the lines are {', '.join(LABELS)}")
        with tempfile.TemporaryDirectory() as folder:
            other = unpack(args.compare, Path(folder)) if args.compare else None
            measured = run_cycle(args.server, names, world, args, other)
        fig = {line: f for line, f in measured.items() if "@" not in line}
        table(f"\nrequest cycle on {args.server} ({setting})", fig)
        out = {"server": args.server, "figures": fig}
        if args.compare:
            # The other version's lines beside the same run's Django floors and pgbench.
            theirs = {**fig, **{line.partition("@")[0]: f for line, f in measured.items() if "@" in line}}
            table(f"\nthe same run, IndigoMed's lines on {args.compare}'s code", theirs)
            out["compared"] = {"revision": args.compare, "figures": theirs}
    print(f"\n({time.monotonic() - started:.0f} s in all)")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (OUT / f"cycle-{stamp}.json").write_text(json.dumps({"setting": setting, **out}, indent=2))


if __name__ == "__main__":
    main()
