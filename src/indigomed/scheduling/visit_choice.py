"""What a visitor said they come for (new or returning, and the reason), and the times that fit it.

Asked first, on the practitioner's page and on the booking page, before any time is offered. The
answer is kept in the visitor's session, per practitioner, until they book: it is health
information, so it never travels in a URL (which reaches logs), and it follows the visitor
through sign-up. The random token that holds a time for them (``scheduling.holds``) lives there too.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone

from indigomed.accounts.roles import actor_of
from indigomed.directory.models import Practitioner, PractitionerRole, VisitReason
from indigomed.scheduling.fitting import PATIENT_KINDS, PatientKind, fitting_open_slots, patient_kind
from indigomed.scheduling.forms import FitForm
from indigomed.scheduling.holds import holder_of
from indigomed.scheduling.queries import OpenSlot

CHOICES_KEY = "booking:choices"
TOKEN_KEY = "booking:visitor"  # noqa: S105 - the session key under which the token is kept, not a secret
# Choices kept at once: a visitor comparing practitioners keeps theirs for each, within reason.
KEPT = 20


@dataclass(frozen=True, slots=True)
class Said:
    """What the visitor said: ``patient`` is "new" or "returning"; ``reason`` a visit reason's slug."""

    patient: str
    reason: str


def reasons_seen_by(practitioner: Practitioner) -> list[VisitReason]:
    """The reasons a practitioner sees patients for (their specialties'), by name."""
    return list(VisitReason.objects.filter(specialty__practitioners=practitioner).order_by("name").distinct())


def reason_choices(reasons: list[VisitReason]) -> list[tuple[str, str]]:
    """Choices for a reason field; reasons of a protected kind are marked, as the consent explains."""
    return [(r.slug, f"{r.local_name} *" if r.tags else r.local_name) for r in reasons]


def said_for(request: HttpRequest, practitioner_id: int) -> Said | None:
    """What the visitor said they come to this practitioner for, if they have said it."""
    kept = request.session.get(CHOICES_KEY, {}).get(str(practitioner_id))
    if not isinstance(kept, dict) or kept.get("patient") not in PATIENT_KINDS or not kept.get("reason"):
        return None
    return Said(kept["patient"], str(kept["reason"]))


def remember(request: HttpRequest, practitioner_id: int, said: Said) -> None:
    choices = dict(request.session.get(CHOICES_KEY, {}))
    choices.pop(str(practitioner_id), None)
    choices[str(practitioner_id)] = {"patient": said.patient, "reason": said.reason}
    request.session[CHOICES_KEY] = dict(list(choices.items())[-KEPT:])


def forget(request: HttpRequest, practitioner_id: int) -> None:
    """Forget what the visitor said for a practitioner (once they have booked)."""
    choices = dict(request.session.get(CHOICES_KEY, {}))
    if choices.pop(str(practitioner_id), None) is not None:
        request.session[CHOICES_KEY] = choices


def visitor_token(request: HttpRequest, *, create: bool = False) -> str | None:
    """The visitor's random token (made on first need), which names their hold on a time."""
    token = request.session.get(TOKEN_KEY)
    if not isinstance(token, str) and create:
        token = secrets.token_urlsafe(32)
        request.session[TOKEN_KEY] = token
    return token if isinstance(token, str) else None


def visitor_holder(request: HttpRequest) -> str | None:
    return holder_of(visitor_token(request))


def said_in(form: FitForm) -> Said | None:
    """What a valid form says, if it says both things."""
    data = form.cleaned_data
    return Said(data["patient"], data["visit_reason"]) if data.get("patient") and data.get("visit_reason") else None


def kind_for(request: HttpRequest, practitioner_id: int, said: Said) -> PatientKind:
    """New or returning as IndigoMed takes the visitor (``fitting.patient_kind``): a signed-in
    member by their history, anyone else as they say until they book."""
    member_id = request.user.pk if actor_of(request).is_member else None
    return patient_kind(member_id=member_id, practitioner_id=practitioner_id, said=said.patient)


@dataclass
class Offer:
    """The practitioner page's booking part: the question, and per place the times that fit."""

    form: FitForm
    said: Said | None
    kind: PatientKind | None
    reason: VisitReason | None
    locations: list[dict[str, Any]] = field(default_factory=list)


def _by_local_day(slots: list[OpenSlot], zone: ZoneInfo) -> list[tuple[dt.date, list[OpenSlot]]]:
    days: dict[dt.date, list[OpenSlot]] = defaultdict(list)
    for slot in slots:
        days[slot.starts_at.astimezone(zone).date()].append(slot)
    return sorted(days.items())


def offer(request: HttpRequest, practitioner: Practitioner, roles: list[PractitionerRole], *, days: int = 7) -> Offer:
    """The question (answered or not) and, once answered, the week's times that fit at each place.

    A POST answers the question; the caller redirects on a valid one (``Offer.said`` set).
    """
    reasons = reasons_seen_by(practitioner)
    said = said_for(request, practitioner.pk)
    form_data = request.POST if request.method == "POST" else None
    initial = {"patient": said.patient, "visit_reason": said.reason} if said else {}
    form = FitForm(form_data, initial=initial, reasons=reason_choices(reasons), practitioner=practitioner.display_name)
    places = [{"role": r, "facility": r.facility, "zone": ZoneInfo(r.facility.timezone)} for r in roles]
    if form_data is not None:
        said = said_in(form) if form.is_valid() else None
        if said is not None:
            remember(request, practitioner.pk, said)
        return Offer(form=form, said=said, kind=None, reason=None, locations=places)
    # A reason the practitioner no longer sees is as good as none said.
    reason = next((r for r in reasons if said and r.slug == said.reason), None)
    if said is None or reason is None:
        return Offer(form=form, said=None, kind=None, reason=None, locations=places)
    kind = kind_for(request, practitioner.pk, said)
    now = timezone.now()
    holder = visitor_holder(request)
    found = Offer(form=form, said=said, kind=kind, reason=reason)
    for role in roles:
        zone = ZoneInfo(role.facility.timezone)
        end = now + dt.timedelta(days=days)
        slots = fitting_open_slots(role.pk, kind=kind.kind, reason_slug=reason.slug, start=now, end=end, holder=holder)
        found.locations.append(
            {"role": role, "facility": role.facility, "zone": zone, "days": _by_local_day(slots, zone)}
        )
    return found
