"""The JSON API: one NinjaAPI, a router per room, and every refusal mapped to its HTTP answer here."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from indigomed.directory.api import router as directory_router
from indigomed.errors import DomainError
from indigomed.rights.access_api import router as copies_router
from indigomed.rights.amendment_api import router as amendments_router
from indigomed.rights.api import router as rights_router
from indigomed.scheduling.api import connect_router
from indigomed.scheduling.api import router as scheduling_router
from indigomed.search.api import router as search_router
from indigomed.web.middleware import API_ERROR_MESSAGES

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="IndigoMed API",
    version="1",
    description="Find care, see open times, and book, cancel or move appointments.",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message, "code": exc.code}
    body.update({k: _plain(v) for k, v in exc.details.items()})
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = {"detail": _summary(exc.errors), "code": "invalid", "errors": exc.errors}
    return api.create_response(request, body, status=422)


def _summary(errors: list[dict[str, object]]) -> str:
    """The validation errors as one sentence a person can read: ``slot_id: Input should be...``."""
    parts = []
    for error in errors:
        loc = error.get("loc")
        # The first place is where the value came from (body, query, path), not its name.
        where = ".".join(str(p) for p in loc[1:]) if isinstance(loc, list | tuple) else ""
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts) or _("The request is not valid.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(API_ERROR_MESSAGES[404]), "code": "not_found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"detail": _("Please sign in first."), "code": "unauthorized"}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "forbidden" if exc.status_code == 403 else "error"
    return api.create_response(request, {"detail": exc.message, "code": code}, status=exc.status_code)


@api.exception_handler(Exception)
def crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged with its traceback for the operator; the caller learns only that it failed.
    log.error("Unhandled error answering %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": str(API_ERROR_MESSAGES[500]), "code": "server_error"}, status=500)


def _plain(value: object) -> object:
    """Details carry dataclasses (next open slots); the renderer wants plain data."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return value


api.add_router("/search", search_router)
api.add_router("/", directory_router)
api.add_router("/", scheduling_router)
api.add_router("/connect", connect_router)
api.add_router("/", rights_router)
api.add_router("/", copies_router)
api.add_router("/", amendments_router)
