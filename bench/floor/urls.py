import os
import random
import re

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

SESSION_ROW = "SELECT session_data, expire_date FROM django_session WHERE session_key = %s"
EMPTY_LIST = (
    "SELECT p.codename FROM auth_user_user_permissions up"
    " JOIN auth_permission p ON p.id = up.permission_id WHERE up.user_id = %s"
)


# The access log of ``list-statements``, in the bare project's own database (bench/cycle.py makes it).
ACCESS_LOGGED = "INSERT INTO floor_access (at, session_key) VALUES (now(), %s) RETURNING id"


def appointments(request: HttpRequest) -> JsonResponse:
    """What IndigoMed's floor answers (an empty list): without reading anything, or, signed in,
    the user's own (empty) list of permissions, or the bare statements of ``two-reads`` and
    ``list-statements``."""
    if settings.TWO_READS or settings.LIST_STATEMENTS:
        key = request.COOKIES.get("sessionid", "")
        with connection.cursor() as cursor:
            cursor.execute(SESSION_ROW, [key])
            cursor.fetchall()
            cursor.execute(EMPTY_LIST, [0])
            listed = [row[0] for row in cursor.fetchall()]
            if settings.LIST_STATEMENTS:
                cursor.execute(ACCESS_LOGGED, [key])  # autocommit: committed on its own
                cursor.fetchall()
                cursor.execute(EMPTY_LIST, [1])  # the details
                cursor.fetchall()
        return JsonResponse(listed, safe=False)
    if not settings.SIGNED_IN:
        return JsonResponse([], safe=False)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in."}, status=401)
    return JsonResponse(list(request.user.user_permissions.values_list("codename", flat=True)), safe=False)


def pgbench_statements() -> list[str]:
    """The statements of pgbench's booking transaction (bench/booking_http.py), its variables as
    parameters; the transaction itself is Django's (``atomic``), as IndigoMed's booking's is."""
    from booking_http import PGBENCH_SQL

    script = "\n".join(line for line in PGBENCH_SQL.splitlines() if not line.startswith("\\set"))
    statements = [s.strip() for s in script.split(";") if s.strip() not in ("", "BEGIN", "COMMIT")]
    return [re.sub(r":(slot|member)\b", r"%(\1)s", s) for s in statements]


STATEMENTS = pgbench_statements() if settings.PGBENCH_SQL else []
POOL = [int(n) for n in os.environ.get("FLOOR_BOOKING", "0,0,0,0").split(",")]


@csrf_exempt  # pgbench's transaction, as pgbench sends it: no form, no token
@require_POST
def book(request: HttpRequest) -> JsonResponse:
    """pgbench's booking transaction for a slot and a member drawn at random, as pgbench draws them."""
    drawn = {"slot": random.randint(POOL[0], POOL[1]), "member": random.randint(POOL[2], POOL[3])}  # nosec B311
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in STATEMENTS:
            cursor.execute(statement, drawn)
    return JsonResponse({"slot": drawn["slot"]})


urlpatterns = [path("api/appointments", appointments), path("api/book", book)]
