"""Writes to the directory made by a facility's HCF admin (the Partners portal): the facility's
profile, the plans it accepts and its booking rules, and the checks every such write starts with
(who may change what, what people typed). Its practitioners and staff are ``directory.people``;
invitations onto its team are ``directory.invitations``.

Every function takes the signed-in ``actor`` and refuses, with ``NotFound``, a facility the actor
does not administer and anything that belongs to another facility: an outsider learns nothing of
what exists. Each runs in one transaction with its audit event, and a change that changes nothing
records nothing, so a double submit changes nothing twice. Bad input raises ``Invalid`` naming the
form field it is about (``details['field']``) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.directory.geo import locate_postal_code
from indigomed.directory.models import (
    Facility,
    FacilityStaff,
    InsurancePlan,
    Practitioner,
    PractitionerRole,
)
from indigomed.directory.reminders import parse_offsets
from indigomed.errors import Invalid, NotFound
from indigomed.security.services import record_event
from indigomed.text import HIDDEN_CONTROLS

ADMIN = FacilityStaff.Role.ADMIN
_NOT_FOUND = "We could not find that facility."


# --- Who may change what --------------------------------------------------------------------------


def administered_facility(actor: Any, facility_id: int, *, lock: bool = False) -> Facility:
    """The facility, if ``actor`` is its HCF admin; ``NotFound`` for any other or unknown one.

    ``lock`` takes the facility's row for the rest of the transaction, so that two admins'
    changes to the same facility apply one after the other.
    """
    user_id = getattr(actor, "pk", None)
    if not isinstance(user_id, int) or not 0 < facility_id < 2**63:
        raise NotFound(_NOT_FOUND)
    found = Facility.objects.filter(pk=facility_id, staff__user_id=user_id, staff__role=ADMIN)
    if lock:
        found = Facility.objects.select_for_update().filter(pk__in=found.values("pk"))
    facility = found.first()
    if facility is None:
        raise NotFound(_NOT_FOUND)
    return facility


def role_at(facility: Facility, role_id: int) -> PractitionerRole:
    """A practitioner's role at this facility; ``NotFound`` for another facility's or an unknown one."""
    role = (
        PractitionerRole.objects.filter(facility=facility, pk=role_id if 0 < role_id < 2**63 else 0)
        .select_related("practitioner", "facility")
        .first()
    )
    if role is None:
        raise NotFound(_("We could not find that practitioner at this facility."))
    return role


# --- Reading what people typed --------------------------------------------------------------------


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """Typed text, trimmed: refused when missing, too long, or carrying invisible characters."""
    text = " ".join((value or "").split())
    if required and not text:
        raise Invalid(f"Enter the {label}.", field=field)
    if len(text) > max_length:
        raise Invalid(f"The {label} can be at most {max_length} characters.", field=field)
    if any(c in HIDDEN_CONTROLS for c in text):
        raise Invalid(_("Remove the invisible characters that change how this text is shown."), field=field)
    return text


# --- The facility's profile -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacilityProfile:
    """What an HCF admin may change of their facility; its country and time zone are IndigoMed's."""

    name: str
    kind: str
    street: str
    city: str
    region: str
    postal_code: str
    phone: str


def update_facility_profile(*, actor: Any, facility_id: int, profile: FacilityProfile) -> list[str]:
    """Change the facility's public profile; returns the names of the fields that changed.

    A new postal code moves the facility's point on the map; one IndigoMed cannot place, or one
    in another time zone (the weekly hours are wall-clock times in the facility's zone), is
    refused. Raises ``Invalid`` for bad input, ``NotFound`` for a facility the actor does not run.
    """
    new = {
        "name": clean_text(profile.name, field="name", label="facility's name", max_length=160),
        "kind": profile.kind,
        "street": clean_text(profile.street, field="street", label="street address", max_length=200),
        "city": clean_text(profile.city, field="city", label="city", max_length=100),
        "region": clean_text(profile.region, field="region", label="region", max_length=40, required=False),
        "postal_code": clean_text(profile.postal_code, field="postal_code", label="postal code", max_length=12),
        "phone": clean_text(profile.phone, field="phone", label="phone number", max_length=32, required=False),
    }
    if new["kind"] not in Facility.Kind.values:
        raise Invalid(_("Choose the kind of facility from the list."), field="kind")
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        changed = [name for name, value in new.items() if getattr(facility, name) != value]
        if not changed:
            return []
        if "postal_code" in changed:
            try:
                place = locate_postal_code(new["postal_code"], facility.country)
            except Invalid as exc:
                raise Invalid(exc.message, field="postal_code") from exc
            if place.timezone and place.timezone != facility.timezone:
                raise Invalid(
                    _(
                        "This postal code is in another time zone. Ask IndigoMed to move the facility: its weekly "
                        "hours would change with the zone."
                    ),
                    field="postal_code",
                )
            facility.latitude, facility.longitude = place.point.latitude, place.point.longitude
            changed += ["latitude", "longitude"]
        for name, value in new.items():
            setattr(facility, name, value)
        facility.save(update_fields=changed)
        record_event(
            actor=actor,
            action="facility.profile_changed",
            subject_ref=f"facility:{facility.pk}",
            details={"fields": sorted(changed)},
        )
    return changed


# --- Insurance plans --------------------------------------------------------------------------------


def _plans_known_to(facility: Facility, slugs: Iterable[str]) -> dict[str, InsurancePlan]:
    wanted = {s for s in slugs if s}
    if len(wanted) > 200:
        raise Invalid(_("Choose at most 200 plans."), field="plans")
    known = {
        p.slug: p
        for p in InsurancePlan.objects.filter(slug__in=wanted, carrier__country=facility.country).select_related(
            "carrier"
        )
    }
    unknown = wanted - set(known)
    if unknown:
        raise Invalid(
            _("IndigoMed does not know that plan in this facility's country. Choose plans from the list."),
            field="plans",
        )
    return known


def set_facility_plans(*, actor: Any, facility_id: int, plan_slugs: Iterable[str]) -> tuple[set[str], set[str]]:
    """The insurance plans the facility accepts, chosen among the carriers of its country.

    A plan the facility stops accepting is also taken off the practitioners who practise nowhere
    else (a practitioner's plans are theirs across facilities, so one who also practises
    elsewhere keeps it there). Returns the plans added and removed. Raises ``Invalid`` for a
    plan IndigoMed does not know in the facility's country.
    """
    slugs = list(plan_slugs)
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        known = _plans_known_to(facility, slugs)
        current = {p.slug: p for p in facility.plans.all()}
        added, removed = set(known) - set(current), set(current) - set(known)
        if not added and not removed:
            return set(), set()
        facility.plans.add(*(known[s] for s in added))
        facility.plans.remove(*(current[s] for s in removed))
        if removed:
            only_here = Practitioner.objects.filter(roles__facility=facility).exclude(
                roles__in=PractitionerRole.objects.exclude(facility=facility).filter(is_active=True)
            )
            Practitioner.plans.through.objects.filter(
                practitioner__in=only_here, insuranceplan__in=[current[s] for s in removed]
            ).delete()
        record_event(
            actor=actor,
            action="facility.plans_changed",
            subject_ref=f"facility:{facility.pk}",
            details=_plan_changes(added, removed),
        )
    return added, removed


def set_practitioner_plans(*, actor: Any, facility_id: int, role_id: int, plan_slugs: Iterable[str]) -> bool:
    """The plans a practitioner takes at this facility, among those the facility accepts.

    Plans the practitioner takes that this facility does not accept are left as they are: they
    are another facility's business. Returns whether anything changed. Raises ``Invalid`` for a
    plan the facility does not accept, ``NotFound`` for another facility's practitioner.
    """
    wanted = {s for s in plan_slugs if s}
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        role = role_at(facility, role_id)
        accepted = {p.slug: p for p in facility.plans.all()}
        if wanted - set(accepted):
            raise Invalid(
                _("This facility does not accept that plan. Add it to the facility's plans first."), field="plans"
            )
        practitioner = role.practitioner
        current = {p.slug for p in practitioner.plans.filter(pk__in=[p.pk for p in accepted.values()])}
        added, removed = wanted - current, current - wanted
        if not added and not removed:
            return False
        practitioner.plans.add(*(accepted[s] for s in added))
        practitioner.plans.remove(*(accepted[s] for s in removed))
        record_event(
            actor=actor,
            action="practitioner.plans_changed",
            subject_ref=f"calendar:{role.pk}",
            details=_plan_changes(added, removed),
        )
    return True


def _plan_changes(added: set[str], removed: set[str]) -> dict[str, object]:
    # An event carries a few references: the first plans of a long change, and how many there were.
    return {"added": sorted(added)[:10], "removed": sorted(removed)[:10], "count": len(added) + len(removed)}


# --- Booking rules: the cancellation cut-off and reminders ---------------------------------------


def set_booking_rules(*, actor: Any, facility_id: int, cancel_cutoff_hours: int | None, reminder_offsets: str) -> bool:
    """The cancellation cut-off (BOOK-3) and when patients are reminded (MSG-1); ``None`` and an
    empty text mean the platform's defaults. Offsets are kept in one form ("48h,2h") whatever the
    spacing and order typed. Returns whether anything changed; raises ``Invalid`` for a cut-off
    outside 0 to the operator's maximum or offsets that do not parse."""
    longest = int(product_setting("MAX_CANCEL_CUTOFF_HOURS"))
    if cancel_cutoff_hours is not None and not 0 <= cancel_cutoff_hours <= longest:
        raise Invalid(
            _("The cut-off is from 0 to %(longest)s hours before the visit.") % {"longest": longest},
            field="cancel_cutoff_hours",
        )
    text = (reminder_offsets or "").strip()
    if len(text) > 60:
        raise Invalid(_("Give a few reminders, such as 48h,2h."), field="reminder_offsets")
    try:
        offsets = parse_offsets(text)
    except ValueError as exc:
        raise Invalid(str(exc), field="reminder_offsets") from exc
    if len(offsets) > 5:
        raise Invalid(_("Patients are reminded at most five times before a visit."), field="reminder_offsets")
    normal = ",".join(_offset_text(o) for o in offsets)
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        if facility.cancel_cutoff_hours == cancel_cutoff_hours and facility.reminder_offsets == normal:
            return False
        facility.cancel_cutoff_hours = cancel_cutoff_hours
        facility.reminder_offsets = normal
        facility.save(update_fields=["cancel_cutoff_hours", "reminder_offsets"])
        record_event(
            actor=actor,
            action="facility.booking_rules_changed",
            subject_ref=f"facility:{facility.pk}",
            details={"cancel_cutoff_hours": -1 if cancel_cutoff_hours is None else cancel_cutoff_hours},
        )
    return True


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"
