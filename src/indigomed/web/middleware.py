"""Request-wide guards: body sizes, JSON answers for the API's errors, and response headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.roles import actor_of

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# What the API says for an error that no endpoint explained (unknown address, wrong method...).
API_ERROR_MESSAGES = {
    400: _("The request could not be understood."),
    403: _("You may not do that."),
    404: _("There is nothing at this address."),
    405: _("This address does not accept that method."),
    413: _("That request is too large."),
    500: _("Something went wrong on our side. Please try again later."),
}


def api_error(status: int, message: str | None = None) -> JsonResponse:
    """The API's error shape: ``detail`` a person can read, ``code`` a program can branch on."""
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    detail = str(message or API_ERROR_MESSAGES.get(status) or f"{HTTPStatus(status).phrase}.")
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorsAsJsonMiddleware:
    """Every error under ``/api/`` answers JSON, including the ones Django or ninja would render as
    HTML or leave empty: unknown routes, wrong methods, CSRF refusals and crashes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.status_code >= 400 and not _is_json(response):
            return api_error(response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        # A view outside the routers (ninja's own /api/ root) may still say "nothing here".
        if isinstance(exception, Http404):
            return api_error(404)
        log.exception("Unhandled error answering %s %s", request.method, request.path, exc_info=exception)
        return api_error(500)


def _upload_limit(request: HttpRequest) -> int:
    """The larger body limit of the privacy office's document uploads (legal demands), for privacy
    officers only: anyone else's body is parsed (for its CSRF token) before a view could refuse it."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return 0
    if match.view_name not in settings.OFFICE_UPLOAD_VIEWS or not actor_of(request).is_privacy_officer:
        return 0
    return int(settings.MAX_UPLOAD_REQUEST_BYTES)


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
        # Resolved only for a large body, so ordinary requests pay nothing for the exception.
        if length > limit:
            limit = max(limit, _upload_limit(request))
        if length > limit:
            message = f"That request is too large (the limit is {_size(limit)})."
            if request.path.startswith(API_PREFIX):
                return api_error(413, message)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


class PrivateResponseHeadersMiddleware:
    """Headers on every answer.

    ``Cache-Control: no-store`` on every page and API answer (static files keep WhiteNoise's
    caching): pages show personal information to whoever is signed in, and a shared or browser
    cache must keep none of it. ``Permissions-Policy`` turns off the
    browser features the site never uses. ``Server`` names the product without a version; Django's
    development server then sends no header of its own, while gunicorn always adds a bare
    ``Server: gunicorn`` (no version), so the app leaves that one alone rather than send two.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if settings.PERMISSIONS_POLICY:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        if not str(request.META.get("SERVER_SOFTWARE", "")).startswith("gunicorn"):
            response["Server"] = "IndigoMed"
        return response


class MessagesWhenUsedMiddleware(MessageMiddleware):
    """Django's messages (the one-time notes a page shows after a form), with their store made
    only when a view adds one or a page shows them. Django makes it on every request: a cookie
    store, a session store and a signing key, which no API answer and few pages ever use. A
    store never made has nothing to save; the notes waiting in the cookie or session stay there
    for the next page that shows them, as they would with Django's."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        store = getattr(request, "_messages", None)
        if isinstance(store, SimpleLazyObject) and store._wrapped is empty:
            return response
        return super().process_response(request, response)
