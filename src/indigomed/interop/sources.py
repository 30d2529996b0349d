"""What a copy reads beside the member's own records: their bookings (scheduling) and the public
directory entries those bookings name. No personal information here but who booked when, which
scheduling itself keeps; the reasons and plans are read through the privacy room."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indigomed.directory.models import Facility, InsurancePlan, Practitioner
from indigomed.scheduling.models import Appointment


@dataclass(frozen=True, slots=True)
class BookingRow:
    """One of the member's appointments, as the calendar holds it."""

    public_id: uuid.UUID
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    booked_at: dt.datetime
    visit_type: str
    is_remote: bool
    practitioner_id: int
    facility_id: int


@dataclass(frozen=True, slots=True)
class Doctor:
    slug: str
    title: str
    given_name: str
    family_name: str
    gender: str

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.given_name} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class Place:
    slug: str
    name: str
    kind: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Carrier:
    slug: str
    name: str


@dataclass
class Directory:
    """Directory entries by database id, loaded once and kept for a whole export (they are public and
    shared by many members)."""

    doctors: dict[int, Doctor] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)
    plan_carriers: dict[str, Carrier] = field(default_factory=dict)  # plan slug -> its carrier
    # FHIR resources built from these entries, kept so that many bundles share one build of each.
    built: dict[tuple[str, int | str], Any] = field(default_factory=dict)

    def load(self, *, practitioner_ids: Iterable[int], facility_ids: Iterable[int], plan_slugs: Iterable[str]) -> None:
        """Fetch the entries not yet held, in one query per kind."""
        missing = set(practitioner_ids) - self.doctors.keys()
        if missing:
            for pk, *row in Practitioner.objects.filter(pk__in=missing).values_list(
                "pk", "slug", "title", "given_name", "family_name", "gender"
            ):
                self.doctors[pk] = Doctor(*row)
        missing = set(facility_ids) - self.places.keys()
        if missing:
            for pk, *row in Facility.objects.filter(pk__in=missing).values_list(
                "pk", "slug", "name", "kind", "street", "city", "region", "postal_code", "country", "phone", "timezone"
            ):
                self.places[pk] = Place(*row)
        wanted = set(plan_slugs) - self.plan_carriers.keys()
        if wanted:
            for slug, carrier_slug, carrier_name in InsurancePlan.objects.filter(slug__in=wanted).values_list(
                "slug", "carrier__slug", "carrier__name"
            ):
                self.plan_carriers[slug] = Carrier(carrier_slug, carrier_name)


def bookings_of(member_ids: Iterable[int]) -> dict[int, list[BookingRow]]:
    """Every appointment of these members, oldest first, in one query."""
    found: dict[int, list[BookingRow]] = defaultdict(list)
    for row in (
        Appointment.objects.filter(member_id__in=list(member_ids))
        .order_by("member_id", "starts_at", "pk")
        .values_list(
            "member_id",
            "public_id",
            "status",
            "starts_at",
            "ends_at",
            "booked_at",
            "visit_type__name",
            "visit_type__is_remote",
            "role__practitioner_id",
            "role__facility_id",
        )
    ):
        found[row[0]].append(BookingRow(*row[1:]))
    return found
