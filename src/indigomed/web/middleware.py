"""Request-wide guards."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies up front with a readable 413, before anything parses them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = int(settings.MAX_REQUEST_BYTES)
        if length > limit:
            message = f"That request is too large (the limit is {limit // 1024} KB)."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "too_large"}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
