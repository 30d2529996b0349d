"""Reads of the public directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from indigomed.directory.models import (
    Facility,
    InsurancePlan,
    Language,
    Practitioner,
    PractitionerRole,
    Specialty,
    VisitReason,
)
from indigomed.errors import NotFound


def practitioner_profile(slug: str) -> Practitioner:
    """A practitioner with what the profile page shows; ``NotFound`` if unknown."""
    try:
        return Practitioner.objects.prefetch_related(
            "specialties__visit_reasons",
            "languages",
            Prefetch("plans", queryset=InsurancePlan.objects.select_related("carrier")),
            Prefetch(
                "roles",
                queryset=PractitionerRole.objects.filter(is_active=True).select_related("facility"),
                to_attr="active_roles",
            ),
        ).get(slug=slug)
    except Practitioner.DoesNotExist as exc:
        raise NotFound(_("We could not find that practitioner.")) from exc


def facility_profile(slug: str) -> Facility:
    """A facility with its practitioners and accepted plans; ``NotFound`` if unknown."""
    try:
        return Facility.objects.prefetch_related(
            Prefetch("plans", queryset=InsurancePlan.objects.select_related("carrier")),
            Prefetch(
                "roles",
                queryset=PractitionerRole.objects.filter(is_active=True)
                .select_related("practitioner")
                .prefetch_related("practitioner__specialties"),
                to_attr="active_roles",
            ),
        ).get(slug=slug)
    except Facility.DoesNotExist as exc:
        raise NotFound(_("We could not find that facility.")) from exc


def search_choices() -> dict[str, QuerySet[Any]]:
    """The lists the search form offers."""
    return {
        "specialties": Specialty.objects.all(),
        "reasons": VisitReason.objects.select_related("specialty"),
        "plans": InsurancePlan.objects.select_related("carrier"),
        "languages": Language.objects.all(),
    }
