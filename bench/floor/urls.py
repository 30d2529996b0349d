from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

SESSION_ROW = "SELECT session_data, expire_date FROM django_session WHERE session_key = %s"
EMPTY_LIST = (
    "SELECT p.codename FROM auth_user_user_permissions up"
    " JOIN auth_permission p ON p.id = up.permission_id WHERE up.user_id = %s"
)


def appointments(request: HttpRequest) -> JsonResponse:
    """What IndigoMed's floor answers (an empty list): without reading anything, or, signed in,
    the user's own (empty) list of permissions, or the two bare statements of ``two-reads``."""
    if settings.TWO_READS:
        with connection.cursor() as cursor:
            cursor.execute(SESSION_ROW, [request.COOKIES.get("sessionid", "")])
            cursor.fetchall()
            cursor.execute(EMPTY_LIST, [0])
            return JsonResponse([row[0] for row in cursor.fetchall()], safe=False)
    if not settings.SIGNED_IN:
        return JsonResponse([], safe=False)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in."}, status=401)
    return JsonResponse(list(request.user.user_permissions.values_list("codename", flat=True)), safe=False)


urlpatterns = [path("api/appointments", appointments)]
