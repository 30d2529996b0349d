"""The one place that says whom a guardian may act for (CHILD-3): their own active dependents only.

Anyone else's dependent, an ended guardianship or an unknown id is "not found", so an outsider
learns nothing about whether the person exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from indigomed.accounts.models import Guardianship, User
from indigomed.errors import NotFound


def active_guardianships(guardian: Any) -> list[Guardianship]:
    """The signed-in member's active guardianships, the oldest first."""
    if not getattr(guardian, "is_authenticated", False):
        return []
    return list(
        Guardianship.objects.filter(guardian_id=guardian.pk, ended_at__isnull=True)
        .select_related("dependent")
        .order_by("since", "pk")
    )


def dependent_for(guardian: Any, public_id: uuid.UUID | str) -> User:
    """The dependent this guardian may act for; ``NotFound`` for anyone else."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("We could not find that dependent.")) from exc
    found = (
        Guardianship.objects.filter(
            guardian_id=getattr(guardian, "pk", None), dependent__public_id=key, ended_at__isnull=True
        )
        .select_related("dependent")
        .first()
    )
    if found is None:
        raise NotFound(_("We could not find that dependent."))
    return found.dependent


# --- Acting for a dependent -------------------------------------------------------------------

SESSION_KEY = "indigomed.acting_for"
# The pages and API endpoints about a member's own care and rights: while acting for a dependent,
# they are about the dependent. Every other page (the guardian's sessions, their dependents, the
# sign-in pages) stays the guardian's own.
ACTING_PATHS = ("/book/", "/appointments/", "/me/", "/api/appointments", "/api/me/")
OWN_PATHS = ("/me/sessions/", "/me/dependents/")


def start_acting(request: HttpRequest, public_id: uuid.UUID | str) -> User:
    """The guardian starts acting for one of their dependents; ``NotFound`` for anyone else."""
    dependent = dependent_for(request.user, public_id)
    request.session[SESSION_KEY] = str(dependent.public_id)
    return dependent


def stop_acting(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


class ActingForMiddleware:
    """While a guardian acts for a dependent, the member pages and API see the dependent as the
    member (``request.user``), carrying the guardian as the one who acts (``acting_user_id``), which
    the audit trail and the access log record as the actor. The guardianship is checked on every
    request: once it ends, the guardian is back on their own account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_for = None  # type: ignore[attr-defined]
        key = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if key:
            try:
                dependent = dependent_for(request.user, key)
            except NotFound:
                stop_acting(request)
            else:
                request.acting_for = dependent  # type: ignore[attr-defined]
                path = request.path_info
                if path.startswith(ACTING_PATHS) and not path.startswith(OWN_PATHS):
                    dependent.acting_user_id = request.user.pk  # type: ignore[attr-defined]
                    request.user = dependent
        return self.get_response(request)


def acting(request: HttpRequest) -> dict[str, Any]:
    """For every page: the dependent being acted for, so the page says so and offers the way back."""
    return {"acting_for": getattr(request, "acting_for", None)}
