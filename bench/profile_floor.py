"""Per-request cost of the authenticated API floor, a member's own list and a booking, beside bare Django's.

    .venv/bin/python bench/profile_floor.py                      # SQLite, in a throwaway directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/profile_floor.py

Deterministic measures for a shared, noisy machine: each request goes through the real WSGI
application (``indigomed.wsgi.application``) with a signed-in member's session cookie, and is
counted for SQL statements, Python function calls (cProfile) and CPU time (``time.process_time``
over many requests, median of several rounds). Bare Django (one JSON view behind the standard
middleware: security, sessions, common, CSRF, auth, messages, clickjacking) is measured the same
way in a child process, as the floor every ratio is taken to. Loads the demo world into an empty
database first; each run books fresh open slots, so point it only at a throwaway database.

``--profile NAME`` prints the top of cProfile's report for one request kind (floor, own, book, bare).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

Request = Callable[[], tuple[str, bytes]]


def environ(method: str, path: str, *, cookie: str = "", token: str = "", body: bytes = b"") -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if token:
        env["HTTP_X_CSRFTOKEN"] = token
    if body:
        env["CONTENT_TYPE"] = "application/json"
        env["CONTENT_LENGTH"] = str(len(body))
    return env


def caller(application: Any, make_environ: Callable[[], dict[str, Any]]) -> Request:
    def call() -> tuple[str, bytes]:
        status: list[str] = []
        chunks = application(make_environ(), lambda s, h, e=None: status.append(s))
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return status[0], body

    return call


def measure(calls: list[Request], *, rounds: int, statements: Callable[[Request], int] | None) -> dict[str, float]:
    """SQL statements of one request, cProfile's calls per request, CPU ms per request (median)."""
    for call in calls[:20]:
        call()
    calls = calls[20:]
    figures: dict[str, float] = {}
    if statements is not None:
        figures["sql"] = statements(calls[0])
        calls = calls[1:]
    n = len(calls) // (rounds + 1)
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls[:n]:
        call()
    profiler.disable()
    figures["calls"] = pstats.Stats(profiler).total_calls / n  # type: ignore[attr-defined]
    cpu = []
    for r in range(rounds):
        batch = calls[n * (r + 1) : n * (r + 2)]
        started = time.process_time()
        for call in batch:
            call()
        cpu.append((time.process_time() - started) * 1000 / len(batch))
    figures["cpu_ms"] = median(cpu)
    return figures


def top(calls: list[Request], limit: int = 45, sort: str = "cumulative", callees: str = "", callers: str = "") -> str:
    for call in calls[:20]:
        call()
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls[20:]:
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    if sort in ("file", "file-calls"):
        # Own time (or calls) summed per source file: where the request's work goes, package by package.
        per_file: dict[str, float] = {}
        for (filename, _, _), (_, ncalls, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
            name = filename.split("site-packages/")[-1].split("/src/")[-1]
            per_file[name] = per_file.get(name, 0.0) + (ncalls if sort == "file-calls" else tottime)
        total = sum(per_file.values())
        count = len(calls) - 20
        for name, spent in sorted(per_file.items(), key=lambda kv: -kv[1])[:limit]:
            if sort == "file-calls":
                out.write(f"{spent / count:7.0f} calls  {spent / total:6.1%}  {name}\n")
            else:
                out.write(f"{spent * 1000 / count:7.3f} ms  {spent / total:6.1%}  {name}\n")
        return out.getvalue()
    stats.sort_stats(sort)
    if callees:
        stats.print_callees(callees)
    elif callers:
        stats.print_callers(callers)
    else:
        stats.print_stats(limit)
    return out.getvalue()


# --- Bare Django ---------------------------------------------------------------------------------


def bare(requests: int, rounds: int, profile: bool) -> None:
    """One JSON view behind Django's standard middleware; prints its figures as JSON."""
    import django
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path

    def view(request: Any) -> JsonResponse:
        return JsonResponse({"ok": True})

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-django-floor-" + "x" * 40,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
    )
    django.setup()
    globals()["urlpatterns"] = [path("floor", view)]
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    calls = [caller(application, lambda: environ("GET", "/floor")) for _ in range(requests * (rounds + 1) + 20)]
    if profile:
        print(top(calls[: requests + 20]))
        return
    print(json.dumps(measure(calls, rounds=rounds, statements=None)))


# --- IndigoMed -----------------------------------------------------------------------------------


def signed_in(user: Any) -> str:
    from harness import signed_in_session

    return signed_in_session(user, "allauth.account.auth_backends.AuthenticationBackend")


def member(name: str) -> Any:
    import datetime as dt
    import secrets

    from indigomed.accounts.models import Member, User
    from indigomed.accounts.services import create_member_profile
    from indigomed.records.sign_in import sign_in_key

    email = f"{name}@bench.indigomed.test"
    user = User.objects.filter(email=sign_in_key(email)).first() or User.objects.create_user(
        email, secrets.token_urlsafe(24)
    )
    if not Member.objects.filter(user=user).exists():
        create_member_profile(
            user=user, name=name.replace("-", " ").title(), date_of_birth=dt.date(1980, 1, 1), country="US"
        )
    return user


def bookable(count: int) -> list[tuple[int, str]]:
    """Open future slots a new patient may book, each with a reason its practitioner sees, none
    overlapping another (so one member may book them all)."""
    import datetime as dt

    from django.utils import timezone

    from indigomed.directory.models import VisitReason
    from indigomed.scheduling.models import Slot, VisitType

    found: list[tuple[int, str]] = []
    free_from = timezone.now()
    slots = (
        Slot.objects.filter(
            is_open=True,
            starts_at__gt=timezone.now() + dt.timedelta(days=2),
            visit_type__is_active=True,
            visit_type__patients__in=[VisitType.Patients.ANY, VisitType.Patients.NEW],
            visit_type__reasons__isnull=True,
            role__is_active=True,
            hold__isnull=True,
        )
        .select_related("role")
        .order_by("starts_at", "id")
    )
    reasons: dict[int, str | None] = {}
    for slot in slots.iterator():
        if slot.starts_at < free_from:
            continue
        practitioner_id = slot.role.practitioner_id
        if practitioner_id not in reasons:
            seen_reasons = VisitReason.objects.filter(specialty__practitioners__id=practitioner_id).order_by("id")
            # A reason of no protected kind: booking it asks no consent.
            reasons[practitioner_id] = next(
                (slug for slug, tags in seen_reasons.values_list("slug", "tags") if not tags), None
            )
        if reasons[practitioner_id] is None:
            continue
        free_from = slot.ends_at
        found.append((slot.id, reasons[practitioner_id] or ""))
        if len(found) == count:
            break
    return found


def indigomed(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    for name in ("BOOKING_LIMIT_PER_PRACTITIONER", "BOOKING_LIMIT_TOTAL", "BOOKING_RATE_LIMIT"):
        os.environ.setdefault(name, "1000000000")
    os.environ.setdefault("MESSAGES_DELIVER_ON_COMMIT", "0")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("INDIGOMED_VAR_DIR", str(Path(tempfile.gettempdir()) / "indigomed-profile-floor"))
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indigomed.demo.seed import is_seeded
    from indigomed.scheduling import services

    call_command("migrate", verbosity=0)
    if not is_seeded():
        call_command("seed_demo", practitioners=120, verbosity=0)
    from indigomed.wsgi import application

    floor_user, own_user, booker = member("floor-member"), member("own-member"), member(f"booker-{time.time_ns()}")
    # The own list: a few appointments (booked once, kept between runs).
    from indigomed.scheduling.models import Appointment

    have = Appointment.objects.filter(member=own_user).count()
    for slot_id, reason in bookable(3 - have) if have < 3 else []:
        services.book_appointment(actor=own_user, slot_id=slot_id, visit_reason=reason, insurance_plan=None)
    token = "t" * 32
    cookies = {user.pk: f"sessionid={signed_in(user)}; csrftoken={token}" for user in (floor_user, own_user, booker)}
    connection.close()

    def get(user: Any) -> Request:
        return caller(application, lambda: environ("GET", "/api/appointments", cookie=cookies[user.pk]))

    def count(call: Request) -> int:
        with CaptureQueriesContext(connection) as queries:
            status, body = call()
        assert status.startswith("2"), (status, body[:300])
        return len(queries)

    n = args.requests * (args.rounds + 1) + 21
    results: dict[str, dict[str, float]] = {}
    kinds = [k for k in ("floor", "own", "book") if args.only in (None, k)]
    for kind in kinds:
        if kind == "book":
            total = args.bookings * (args.rounds + 1) + 21 if not args.profile else args.bookings + 20
            slots = bookable(total)
            assert len(slots) == total, f"only {len(slots)} bookable slots"
            calls = [
                caller(
                    application,
                    lambda s=s, r=r: environ(
                        "POST",
                        "/api/appointments",
                        cookie=cookies[booker.pk],
                        token=token,
                        body=json.dumps({"slot_id": s, "visit_reason": r}).encode(),
                    ),
                )
                for s, r in slots
            ]
        else:
            one = get(floor_user if kind == "floor" else own_user)
            calls = [one] * (n if not args.profile else args.requests + 20)
        if args.profile == kind:
            print(top(calls, sort=args.sort, callees=args.callees, callers=args.callers))
            continue
        if args.sql == kind:
            calls[0]()  # the first request of a kind fills per-process caches
            with CaptureQueriesContext(connection) as queries:
                status, body = calls[1]()
            print(status, body[:300].decode(errors="replace"))
            for query in queries:
                print(f"{float(query['time']) * 1000:6.2f} ms  {query['sql'][: args.width]}")
            continue
        results[kind] = measure(calls, rounds=args.rounds, statements=count)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="GET requests per round")
    parser.add_argument("--bookings", type=int, default=200, help="bookings per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["floor", "own", "book"])
    parser.add_argument("--profile", choices=["floor", "own", "book", "bare"])
    parser.add_argument("--sql", choices=["floor", "own", "book"], help="print the statements of one request")
    parser.add_argument("--width", type=int, default=220, help="characters of each statement --sql prints")
    parser.add_argument(
        "--sort",
        default="cumulative",
        help="cProfile's order for --profile (tottime, ...; file: own time per source file; file-calls: calls per source file)",
    )
    parser.add_argument("--callees", default="", help="with --profile: what the functions matching this call")
    parser.add_argument("--callers", default="", help="with --profile: who calls the functions matching this")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(args.requests, args.rounds, args.profile == "bare")
        return
    if args.profile == "bare":
        subprocess.run(
            [sys.executable, __file__, "--bare", "--profile", "bare", "--requests", str(args.requests)], check=True
        )
        return
    floor_out = (
        ""
        if args.sql
        else subprocess.run(
            [sys.executable, __file__, "--bare", "--requests", str(args.requests), "--rounds", str(args.rounds)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    results = indigomed(args)
    if args.profile or args.sql:
        return
    django_floor = json.loads(floor_out.strip().splitlines()[-1])
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(
        f"{engine}; bare Django (standard middleware, one JSON view): {django_floor['calls']:.0f} calls, "
        f"{django_floor['cpu_ms']:.3f} ms CPU per request"
    )
    print(f"{'request':<8} {'SQL':>4} {'calls':>8} {'CPU ms':>8} {'ratio':>7}")
    for kind, f in results.items():
        print(
            f"{kind:<8} {f['sql']:>4.0f} {f['calls']:>8.0f} {f['cpu_ms']:>8.3f} "
            f"{django_floor['cpu_ms'] / f['cpu_ms']:>6.1%}"
        )


if __name__ == "__main__":
    main()
