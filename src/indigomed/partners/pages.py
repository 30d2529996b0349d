"""What every Partners page does first: sign-in, refusals as the site's pages, and loading the
facility (and anything under it) for its HCF admin, "not found" for anyone else's."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.roles import actor_of
from indigomed.directory import services as directory
from indigomed.directory.models import (
    Facility,
    FacilityInvitation,
    PractitionerRole,
)
from indigomed.errors import Forbidden
from indigomed.web.feedback import refusals_as_pages

View = Callable[..., HttpResponse]


def partners_page(view: View) -> View:
    """Signed in, refusals as the site's pages, and a page of its own for the front desk."""
    answered = refusals_as_pages(view)

    @login_required
    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return answered(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "partners/admins_only.html", status=403)

    return page


def facility_for(request: HttpRequest, facility_id: int) -> Facility:
    actor = actor_of(request)
    if not actor.administers(facility_id) and actor.staff_role_at(facility_id) is not None:
        raise Forbidden(gettext("Partners is for the facility's HCF admins."))
    return directory.administered_facility(request.user, facility_id)


def role_for(facility: Facility, role_id: int) -> PractitionerRole:
    return directory.role_at(facility, role_id)


def waiting_invitations(facility: Facility) -> Any:
    return (
        FacilityInvitation.objects.filter(
            facility=facility, accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user", "practitioner")
        .order_by("-created_at")
    )
