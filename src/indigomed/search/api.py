"""GET /api/search: the same search as the web page.

The answer is built as plain JSON from the search's own typed results rather than validated
again through ``PageOut``: that second pass cost about a fifth of a search's CPU time on the
benchmark's mix. ``PageOut`` still documents the answer (OpenAPI), and a test holds every answer
to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.renderers import JSONRenderer

from indigomed.search.country import country_hint
from indigomed.search.queries import Criteria, Page, search

router = Router(tags=["search"])


class SearchIn(Schema):
    what: str | None = Field(None, max_length=80, description="Specialty or visit reason slug")
    text: str | None = Field(
        None,
        max_length=100,
        description="Free text: a practitioner's name, a specialty or visit reason in words, a postal code",
    )
    plan: str | None = Field(None, max_length=80, description="Insurance plan slug")
    postal_code: str | None = Field(None, max_length=12, description="US ZIP code or French postal code")
    country: Literal["US", "FR"] | None = Field(
        None,
        description=(
            "Country of the postal code. Left out: the country the code exists in; a code that exists in "
            "both is France for a French-language Accept-Language, otherwise a 400 `which_place` listing "
            "the choices"
        ),
    )
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=500)
    language: str | None = Field(None, max_length=8)
    gender: Literal["female", "male", "nonbinary"] | None = None
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    sort: Literal["soonest", "distance"] = "soonest"
    page: int = Field(1, ge=1, le=1000)


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    visit_type: str


class ResultOut(Schema):
    role_id: int
    practitioner_slug: str
    practitioner_name: str
    gender: str
    specialties: list[str]
    languages: list[str]
    facility_slug: str
    facility_name: str
    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    timezone: str
    distance_km: float | None
    next_slots: list[SlotOut]


class PageOut(Schema):
    results: list[ResultOut]
    page: int
    page_size: int
    has_next: bool
    near: str | None
    specialty: str | None
    text: str | None
    country: str | None


@router.get("", response=PageOut, summary="Search practitioners")
def search_practitioners(request: HttpRequest, filters: Query[SearchIn]) -> object:
    page = search(Criteria(**filters.dict(), country_hint=country_hint(request)))
    return HttpResponse(
        _RENDERER.render(request, _page_out(page), response_status=200),
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


_RENDERER = JSONRenderer()  # the API's own: the same JSON (dates, numbers) as every other answer


def _page_out(page: Page) -> dict[str, object]:
    """``PageOut`` as plain data, field for field."""
    return {
        "results": [
            {
                "role_id": r.role_id,
                "practitioner_slug": r.practitioner_slug,
                "practitioner_name": r.practitioner_name,
                "gender": r.gender,
                "specialties": r.specialties,
                "languages": r.languages,
                "facility_slug": r.facility_slug,
                "facility_name": r.facility_name,
                "city": r.city,
                "region": r.region,
                "country": r.country,
                "latitude": float(r.latitude),
                "longitude": float(r.longitude),
                "timezone": r.timezone,
                "distance_km": r.distance_km,
                "next_slots": [
                    {"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at, "visit_type": s.visit_type}
                    for s in r.next_slots
                ],
            }
            for r in page.results
        ],
        "page": page.page,
        "page_size": page.page_size,
        "has_next": page.has_next,
        "near": page.near,
        "specialty": page.specialty,
        "text": page.text,
        "country": page.country,
    }
