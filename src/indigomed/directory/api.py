"""Directory reads: profiles and the lists search filters draw from."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from indigomed.directory.models import InsurancePlan, Language, Specialty
from indigomed.directory.queries import facility_profile, practitioner_profile
from indigomed.scheduling.queries import open_slots_for_role

router = Router(tags=["directory"])


class NamedOut(Schema):
    slug: str
    name: str


class PlanOut(Schema):
    slug: str
    name: str
    carrier: str


class LanguageOut(Schema):
    code: str
    name: str


class FacilityOut(Schema):
    slug: str
    name: str
    kind: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    phone: str


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    visit_type: str


class RoleOut(Schema):
    role_id: int
    facility: FacilityOut
    accepting_new_patients: bool
    open_slots: list[SlotOut]


class PractitionerOut(Schema):
    slug: str
    name: str
    gender: str
    bio: str
    specialties: list[NamedOut]
    visit_reasons: list[NamedOut]
    languages: list[LanguageOut]
    plans: list[PlanOut]
    rating_average: float | None
    rating_count: int
    locations: list[RoleOut]


class FacilityPractitionerOut(Schema):
    slug: str
    name: str
    specialties: list[str]


class FacilityProfileOut(FacilityOut):
    plans: list[PlanOut]
    practitioners: list[FacilityPractitionerOut]


def _plan(plan: InsurancePlan) -> dict[str, str]:
    return {"slug": plan.slug, "name": plan.name, "carrier": plan.carrier.name}


@router.get(
    "/practitioners/{slug}", response=PractitionerOut, summary="A practitioner's profile and the week's open slots"
)
def practitioner(request: HttpRequest, slug: str) -> dict[str, object]:
    p = practitioner_profile(slug)
    now = timezone.now()
    specialties = list(p.specialties.all())
    return {
        "slug": p.slug,
        "name": p.display_name,
        "gender": p.gender,
        "bio": p.bio,
        "specialties": specialties,
        "visit_reasons": [r for s in specialties for r in s.visit_reasons.all()],
        "languages": list(p.languages.all()),
        "plans": [_plan(plan) for plan in p.plans.all()],
        "rating_average": float(p.rating_average) if p.rating_average is not None else None,
        "rating_count": p.rating_count,
        "locations": [
            {
                "role_id": role.pk,
                "facility": role.facility,
                "accepting_new_patients": role.accepting_new_patients,
                "open_slots": open_slots_for_role(role.pk, start=now, end=now + dt.timedelta(days=7)),
            }
            for role in p.active_roles  # type: ignore[attr-defined]
        ],
    }


@router.get("/facilities/{slug}", response=FacilityProfileOut, summary="A facility's profile")
def facility(request: HttpRequest, slug: str) -> dict[str, object]:
    f = facility_profile(slug)
    out = {name: getattr(f, name) for name in FacilityOut.model_fields}
    out["plans"] = [_plan(plan) for plan in f.plans.all()]
    out["practitioners"] = [
        {
            "slug": role.practitioner.slug,
            "name": role.practitioner.display_name,
            "specialties": [s.name for s in role.practitioner.specialties.all()],
        }
        for role in f.active_roles  # type: ignore[attr-defined]
    ]
    return out


@router.get("/specialties", response=list[NamedOut], summary="Specialties")
def specialties(request: HttpRequest) -> object:
    return Specialty.objects.all()


@router.get("/plans", response=list[PlanOut], summary="Insurance plans")
def plans(request: HttpRequest) -> object:
    return [_plan(p) for p in InsurancePlan.objects.select_related("carrier")]


@router.get("/languages", response=list[LanguageOut], summary="Languages practitioners speak")
def languages(request: HttpRequest) -> object:
    return Language.objects.all()
