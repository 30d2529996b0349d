from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path


def appointments(request: HttpRequest) -> JsonResponse:
    """What IndigoMed's floor answers (an empty list): without reading anything, or, signed in,
    the user's own (empty) list of permissions."""
    if not settings.SIGNED_IN:
        return JsonResponse([], safe=False)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in."}, status=401)
    return JsonResponse(list(request.user.user_permissions.values_list("codename", flat=True)), safe=False)


urlpatterns = [path("api/appointments", appointments)]
