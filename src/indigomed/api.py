"""The JSON API: one NinjaAPI, a router per room, and every refusal mapped to its HTTP answer here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from indigomed.directory.api import router as directory_router
from indigomed.errors import DomainError
from indigomed.scheduling.api import connect_router
from indigomed.scheduling.api import router as scheduling_router
from indigomed.search.api import router as search_router

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
