"""Where a search's time goes, request by request, through the real WSGI stack: deterministic figures
that a busy shared machine does not blur.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/profile_search.py
    DATABASE_URL=... .venv/bin/python bench/profile_search.py --calendar     # Connect's calendar instead
    DATABASE_URL=... .venv/bin/python bench/profile_search.py --top 30       # and the costliest functions
    DATABASE_URL=... .venv/bin/python bench/profile_search.py --slowest 20   # and the searches costing most SQL

For the free-text mix of bench/search_http.py (400 searches) it calls ``indigomed.wsgi.application``
directly (every middleware, the view, the JSON), with the settings the benchmark's server runs
(DEBUG off, persistent connections), and reports medians per request of: SQL statements, time
waiting on the database, CPU time of this process (``time.process_time``), and Python function
calls (cProfile). Statement counts and function calls do not depend on the machine's load; CPU
time depends on it far less than wall time does.

``--calendar`` measures Connect's practice calendar (``/connect/`` day and week, and
``/api/connect/calendar``) for the demo practitioner, on a database ``seed_demo`` filled; it books
a week of visits on that calendar first if it holds fewer, so the week view is a busy one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", "profile-search-" + "x" * 40)

WEEK_BOOKINGS = 30


def environ(path: str, cookies: str = "") -> dict[str, object]:
    target, _, query = path.partition("?")
    env: dict[str, object] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": target,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookies:
        env["HTTP_COOKIE"] = cookies
    return env


def call(application, path: str, cookies: str = "") -> int:
    statuses: list[str] = []
    body = application(environ(path, cookies), lambda status, headers, exc_info=None: statuses.append(status))
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(statuses[0].split()[0])


def measure(application, paths: list[str], cookies: str, top: int, slowest: int = 0) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statuses: dict[int, int] = {}
    for path in paths:  # warm: connections, caches, imports
        status = call(application, path, cookies)
        statuses[status] = statuses.get(status, 0) + 1
    statements = []
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            call(application, path, cookies)
        statements.append(len(captured.captured_queries))
    sql_seconds: list[float] = []
    cpu, wall, sql = [], [], []

    def timed(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - started)

    for _round in range(3):
        for path in paths:
            sql_seconds.clear()
            with connection.execute_wrapper(timed):
                c0, w0 = time.process_time(), time.perf_counter()
                call(application, path, cookies)
                c1, w1 = time.process_time(), time.perf_counter()
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
            sql.append(sum(sql_seconds) * 1000)
    if slowest:
        # Each search's database time, the median of its rounds: the ones that cost the most.
        per_path = [median(sql[i :: len(paths)]) for i in range(len(paths))]
        for ms, path in sorted(zip(per_path, paths, strict=True), reverse=True)[:slowest]:
            print(f"{ms:8.2f} ms SQL  {path}")
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        call(application, path, cookies)
    profiler.disable()
    stats = pstats.Stats(profiler)
    calls = stats.total_calls / len(paths)  # type: ignore[attr-defined]
    if top:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        out.write("\n")
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        print(out.getvalue())
    return {
        "statuses": statuses,  # type: ignore[dict-item]
        "statements": median(statements),
        "statements_mean": sum(statements) / len(statements),
        "cpu_ms": median(cpu),
        "wall_ms": median(wall),
        "sql_ms": median(sql),
        "sql_mean_ms": sum(sql) / len(sql),
        "cpu_mean_ms": sum(cpu) / len(cpu),
        "python_ms": median(w - s for w, s in zip(wall, sql, strict=True)),
        "calls": calls,
    }


def show(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label}: {figures['statements']:.0f} statements (mean {figures['statements_mean']:.1f}), "
        f"CPU {figures['cpu_ms']:.2f} ms, wall {figures['wall_ms']:.2f} ms "
        f"(SQL {figures['sql_ms']:.2f} ms, rest {figures['python_ms']:.2f} ms; "
        f"means: CPU {figures['cpu_mean_ms']:.2f} ms, SQL {figures['sql_mean_ms']:.2f} ms), "
        f"{figures['calls']:.0f} function calls per request; statuses {figures['statuses']}"
    )


def calendar_session() -> tuple[str, list[str]]:
    """A signed-in session of the demo practitioner (second factor passed) and the calendar's paths."""
    import datetime as dt

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils import timezone

    from indigomed.accounts.models import User
    from indigomed.demo.seed import DEMO_LOGINS
    from indigomed.records.sign_in import sign_in_key
    from indigomed.scheduling.calendar import practice_zone
    from indigomed.scheduling.queries import roles_managed_by

    doctor = User.objects.get(email=sign_in_key(DEMO_LOGINS[1].email))
    zone = practice_zone(roles_managed_by(doctor))
    assert zone is not None, "run seed_demo on this database first"
    monday = timezone.now().astimezone(zone).date() + dt.timedelta(days=7)
    monday -= dt.timedelta(days=monday.weekday())
    book_a_week(doctor, monday)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    login(request, doctor, backend=settings.AUTHENTICATION_BACKENDS[0])
    factor = Authenticator.objects.filter(user_id=doctor.pk).first()
    record_authentication(request, doctor, "mfa", id=factor.pk if factor else None, type="totp")
    request.session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"
    week = monday.isoformat()
    return cookie, [
        f"/connect/?view=week&day={week}",
        f"/connect/?day={week}",
        f"/api/connect/calendar?day={week}&days=7",
    ]


def book_a_week(doctor, monday) -> None:
    """Enough visits in the measured week for a busy practice's calendar, booked as members do."""
    import datetime as dt

    from indigomed.accounts.models import User
    from indigomed.accounts.services import create_member_profile
    from indigomed.directory.models import PractitionerRole
    from indigomed.records.sign_in import sign_in_key
    from indigomed.scheduling import services as scheduling
    from indigomed.scheduling.calendar import local_days, practice_zone
    from indigomed.scheduling.models import Appointment, Slot
    from indigomed.scheduling.queries import roles_managed_by

    zone = practice_zone(roles_managed_by(doctor))
    start, end = local_days(monday, 7, zone)
    roles = PractitionerRole.objects.filter(practitioner__user=doctor)
    booked = Appointment.objects.filter(role__in=roles, starts_at__gte=start, starts_at__lt=end).count()
    slots = list(
        Slot.objects.filter(
            role__in=roles, is_open=True, starts_at__gte=start, starts_at__lt=end, visit_type__name="New patient visit"
        )
        .select_related("visit_type")
        .order_by("starts_at")[: max(WEEK_BOOKINGS - booked, 0)]
    )
    for i, slot in enumerate(slots):
        email = f"week-patient-{slot.pk}@demo.indigomed.test"
        member = User.objects.filter(email=sign_in_key(email)).first()
        if member is None:
            member = User.objects.create_user(email, None)
            create_member_profile(
                user=member, name=f"Week Patient {i}", date_of_birth=dt.date(1970, 1, 1 + i % 28), country="US"
            )
        reason = slot.role.practitioner.specialties.order_by("pk").first().visit_reasons.order_by("pk").first()
        scheduling.book_appointment(actor=member, slot_id=slot.pk, visit_reason=reason.slug, insurance_plan=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calendar", action="store_true", help="Connect's calendar instead of the search")
    parser.add_argument("--mix", choices=["free-text", "specialty"], default="free-text")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--slowest", type=int, default=0, help="print the N searches with the most SQL time")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py (or seed_demo) filled.")
    import django

    django.setup()
    from indigomed.wsgi import application

    if args.calendar:
        cookie, paths = calendar_session()
        for path in paths:
            show(path, measure(application, [path] * 50, cookie, args.top))
        return
    from search_http import search_paths

    paths = search_paths(database_url, 400, seed=11, free_text=args.mix == "free-text")
    show(f"search, {args.mix} mix, {len(paths)} searches", measure(application, paths, "", args.top, args.slowest))


if __name__ == "__main__":
    main()
