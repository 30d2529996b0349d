"""Every page of the site a persona can open, found by walking the URL patterns (not a fixed list),
so pages added later are walked too. Shared by the tests that read the site as a whole.

Each pattern's arguments are filled from the ``world`` fixture: a practitioner's or facility's slug,
the member's booked appointment, an open slot... A pattern whose arguments cannot be filled, or that
answers a GET with anything but a page (a form's POST-only address, a download), is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from indigomed.accounts.models import Member, PrivacyOfficer, User
from indigomed.directory.models import FacilityStaff
from indigomed.rights import accountings, office
from indigomed.rights.models import Request
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import book_appointment
from tests.conftest import World, make_user
from tests.scheduling.helpers import open_slot

# Addresses that are not pages: the API, the admin (Django's own, English-only), files and sign-out.
SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/i18n/")
SKIPPED_SUFFIXES = (".ics", ".pdf", ".json", ".xml", ".csv", ".zip")
# Pages a pattern alone does not show: search results, found by a specialty and by words.
SEARCHES = ("/search/?what=cardiology&postal_code=10016&country=US", "/search/?text=ada+hart&sort=distance")


@dataclass(frozen=True)
class Persona:
    name: str
    user: User | None


def personas(world: World) -> list[Persona]:
    """Everyone whose pages differ: a visitor, a member, a practitioner, front-desk staff, a facility's
    administrator and the privacy officer."""
    admin = make_user("walk.admin@example.test")
    FacilityStaff.objects.create(user=admin, facility=world.ny_clinic, role=FacilityStaff.Role.ADMIN)
    officer = make_user("walk.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    return [
        Persona("visitor", None),
        Persona("member", world.member),
        Persona("practitioner", world.doctor_user),
        Persona("staff", world.staff_user),
        Persona("facility admin", admin),
        Persona("privacy officer", officer),
    ]


def booked_visit(world: World) -> Appointment:
    """The member's appointment, so their appointment pages (and Connect's) have one to show."""
    return book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role, after_hours=96).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        else:
            yield route, entry


def _values(world: World, visit: Appointment, route: str) -> dict[str, object]:
    """A value for each kind of argument, chosen by what the address is about."""
    slot = open_slot(world.heart_role, after_hours=120, index=1)
    return {
        "slug": world.ny_clinic.slug if route.startswith("facilities") else world.heart_doctor.slug,
        "slot_id": slot.pk,
        "facility_id": world.ny_clinic.pk,
        "role_id": world.heart_role.pk,
        "visit_type_id": world.heart_role.visit_types.values_list("pk", flat=True).first(),
        "rule_id": world.heart_role.availability_rules.values_list("pk", flat=True).first(),
        "staff_id": FacilityStaff.objects.filter(user=world.staff_user).values_list("pk", flat=True).first(),
        "public_id": visit.public_id,
        "pk": visit.pk,
        "id": visit.pk,
        "fmt": "pdf",
        "token": "x",
        "key": "x",
    }


def page_addresses(world: World, visit: Appointment) -> list[str]:
    """Every address a GET can open, with its arguments filled in."""
    addresses = set()
    for route, pattern in _patterns(get_resolver()):
        names = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
        values = _values(world, visit, route)
        if any(name not in values for name in names):
            continue
        try:
            address = "/" + _fill(route, {name: values[name] for name in names})
        except ValueError:
            continue
        if address.startswith(SKIPPED_PREFIXES) or address.endswith(SKIPPED_SUFFIXES) or "(?P" in address:
            continue
        addresses.add(address)
    return sorted(addresses | set(SEARCHES))


def _fill(route: str, values: dict[str, object]) -> str:
    filled = route
    for name, value in values.items():
        for converter in ("uuid", "int", "slug", "str", "path"):
            filled = filled.replace(f"<{converter}:{name}>", str(value))
        filled = filled.replace(f"<{name}>", str(value))
    if "<" in filled or "^" in filled or "$" in filled:
        raise ValueError(route)
    return filled


@dataclass(frozen=True)
class Page:
    persona: Persona
    address: str
    html: str
    templates: tuple[str, ...]


def answered_request(world: World, officer: User, language: str) -> list[str]:
    """The member's accounting request, answered by the office: its page for the member and the
    office's (what the answer gave, the period, the sentence the member signed)."""
    today = timezone.localdate()
    # The member signs in their language: what they signed is kept as they read it.
    with translation.override(language):
        request, _quote = accountings.ask_for_accounting(
            actor=world.member,
            asked_from=today - dt.timedelta(days=365),
            asked_until=today - dt.timedelta(days=1),
            delivery="electronic",
            signed_name="Pat Example Member",
            consent=True,
        )
    office.start_review(officer=officer, public_id=request.public_id)
    office.conclude(officer=officer, public_id=request.public_id, outcome=Request.State.FULFILLED)
    return [f"/me/requests/{request.public_id}/", f"/office/requests/{request.public_id}/"]


def walk(world: World, *, language: str) -> Iterator[Page]:
    """Every page each persona opens with a 200, read in ``language``."""
    visit = booked_visit(world)
    addresses = page_addresses(world, visit)
    everyone = personas(world)
    officer = next(p.user for p in everyone if p.name == "privacy officer")
    assert officer is not None
    addresses += answered_request(world, officer, language[:2])
    for persona in everyone:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if persona.user is not None:
            # A member reads in their own language once signed in: make it the one walked.
            Member.objects.filter(user=persona.user).update(language=language[:2])
            client.force_login(persona.user)
        for address in addresses:
            response = client.get(address)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            names = tuple(t.name for t in getattr(response, "templates", []) if t.name)
            yield Page(persona, address, response.content.decode(), names)


class _Text(HTMLParser):
    """The words a reader sees or hears: text (not scripts or styles) and the labelling attributes."""

    SPOKEN = ("aria-label", "placeholder", "title", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        is_button = tag in ("button",) or dict(attrs).get("type") in ("submit", "button")
        for name, value in attrs:
            if value and (name in self.SPOKEN[:4] or (name == "value" and is_button)):
                self.pieces.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.pieces.append(" ".join(data.split()))


def text_of(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.pieces
