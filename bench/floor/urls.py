from django.http import HttpRequest, JsonResponse
from django.urls import path


def appointments(request: HttpRequest) -> JsonResponse:
    """What IndigoMed's floor answers (an empty list), without reading anything."""
    return JsonResponse([], safe=False)


urlpatterns = [path("api/appointments", appointments)]
