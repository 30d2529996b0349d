"""Writes to the directory made by a facility's HCF admin (the Partners portal): its practitioners
(new ones, ones already in the directory attached, deactivated) and its staff (their role, their
removal). The facility's profile, plans and booking rules are ``directory.services``.

As there, every function takes the signed-in ``actor`` and refuses, with ``NotFound``, a facility
the actor does not administer and anything that belongs to another facility. Each runs in one
transaction with its audit event, a change that changes nothing records nothing, and bad input
raises ``Invalid`` naming the form field it is about before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from indigomed.directory.models import (
    Facility,
    FacilityStaff,
    Language,
    Practitioner,
    PractitionerRole,
    Specialty,
)
from indigomed.directory.services import ADMIN, administered_facility, clean_text, role_at
from indigomed.errors import Invalid, NotFound
from indigomed.security.services import record_event
from indigomed.text import HIDDEN_CONTROLS

# --- Practitioners --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewPractitioner:
    """A practitioner new to IndigoMed, as the facility's admin describes them."""

    title: str
    given_name: str
    family_name: str
    gender: str
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    bio: str = ""


def add_practitioner(*, actor: Any, facility_id: int, new: NewPractitioner) -> PractitionerRole:
    """A practitioner new to the directory, practising at this facility, with an empty calendar
    the admin then opens (``scheduling.practice_rules``). Raises ``Invalid`` for bad input."""
    title = clean_text(new.title, field="title", label="title", max_length=20, required=False)
    given = clean_text(new.given_name, field="given_name", label="given name", max_length=80)
    family = clean_text(new.family_name, field="family_name", label="family name", max_length=80)
    bio = (new.bio or "").strip()
    if len(bio) > 2000 or any(c in HIDDEN_CONTROLS for c in bio):
        raise Invalid(_("Keep the biography under 2,000 characters, without invisible characters."), field="bio")
    if new.gender not in Practitioner.Gender.values:
        raise Invalid(_("Choose a gender from the list."), field="gender")
    specialties = list(Specialty.objects.filter(slug__in=set(new.specialties[:20])))
    if not specialties or len(specialties) != len(set(new.specialties)):
        raise Invalid(_("Choose the practitioner's specialties from the list."), field="specialties")
    languages = list(Language.objects.filter(code__in=set(new.languages[:20])))
    if len(languages) != len(set(new.languages)):
        raise Invalid(_("Choose the languages from the list."), field="languages")
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        practitioner = Practitioner.objects.create(
            slug=_free_slug(f"{given} {family}"),
            title=title,
            given_name=given,
            family_name=family,
            gender=new.gender,
            bio=bio,
        )
        practitioner.specialties.set(specialties)
        practitioner.languages.set(languages)
        role = PractitionerRole.objects.create(practitioner=practitioner, facility=facility)
        record_event(
            actor=actor,
            action="practitioner.added",
            subject_ref=f"calendar:{role.pk}",
            details={"facility": facility.pk, "practitioner": practitioner.pk},
        )
    return role


def _free_slug(name: str) -> str:
    base = (slugify(name) or "practitioner")[:40]
    taken = set(Practitioner.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def attachable_practitioners(*, facility: Facility, name: str, limit: int = 20) -> list[Practitioner]:
    """Practitioners of the directory, in the facility's country, not yet practising here, whose
    name starts with or contains what was typed (at least two letters)."""
    typed = " ".join(name.split())[:80]
    if len(typed) < 2:
        return []
    found = Practitioner.objects.filter(roles__facility__country=facility.country).exclude(
        roles__in=PractitionerRole.objects.filter(facility=facility, is_active=True)
    )
    for word in typed.split()[:3]:
        found = found.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return list(
        found.distinct()
        .prefetch_related("specialties", "roles__facility")
        .order_by("family_name", "given_name")[:limit]
    )


def attach_practitioner(*, actor: Any, facility_id: int, practitioner_id: int) -> tuple[PractitionerRole, bool]:
    """A practitioner already in the directory starts practising here too (or again, if they were
    deactivated here). Returns the role and whether it changed anything. Raises ``NotFound`` for
    an unknown practitioner or one practising in another country."""
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        practitioner = Practitioner.objects.filter(
            pk=practitioner_id if 0 < practitioner_id < 2**63 else 0, roles__facility__country=facility.country
        ).first()
        if practitioner is None:
            raise NotFound(_("We could not find that practitioner."))
        role, created = PractitionerRole.objects.get_or_create(practitioner=practitioner, facility=facility)
        if not created and role.is_active:
            return role, False
        if not created:
            role.is_active = True
            role.save(update_fields=["is_active"])
        record_event(
            actor=actor,
            action="practitioner.attached",
            subject_ref=f"calendar:{role.pk}",
            details={"facility": facility.pk, "practitioner": practitioner.pk, "again": not created},
        )
    return role, True


def deactivate_practitioner(*, actor: Any, facility_id: int, role_id: int) -> bool:
    """The practitioner stops practising here: they leave search and their profile's list of
    places, and nothing more can be booked with them here. Booked visits stay booked; the
    Partners portal lists them for the practice to move. Returns whether anything changed."""
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        role = role_at(facility, role_id)
        if not role.is_active:
            return False
        role.is_active = False
        role.next_open_at = None
        role.save(update_fields=["is_active", "next_open_at"])
        record_event(actor=actor, action="practitioner.deactivated", subject_ref=f"calendar:{role.pk}")
    return True


# --- Staff ------------------------------------------------------------------------------------------


def staff_member_at(facility: Facility, staff_id: int) -> FacilityStaff:
    found = (
        FacilityStaff.objects.filter(facility=facility, pk=staff_id if 0 < staff_id < 2**63 else 0)
        .select_related("user")
        .first()
    )
    if found is None:
        raise NotFound(_("We could not find that staff member."))
    return found


def _keeps_an_admin(facility: Facility, without: FacilityStaff) -> None:
    if not FacilityStaff.objects.filter(facility=facility, role=ADMIN).exclude(pk=without.pk).exists():
        raise Invalid(_("The facility must keep at least one HCF admin."), field="role")


def change_staff_role(*, actor: Any, facility_id: int, staff_id: int, role: str) -> bool:
    """Make a staff member front desk or HCF admin; the facility always keeps one admin."""
    if role not in FacilityStaff.Role.values:
        raise Invalid(_("Choose staff or HCF admin."), field="role")
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        member = staff_member_at(facility, staff_id)
        if member.role == role:
            return False
        if member.role == ADMIN:
            _keeps_an_admin(facility, member)
        member.role = role
        member.save(update_fields=["role"])
        record_event(
            actor=actor,
            action="staff.role_changed",
            subject_ref=f"facility:{facility.pk}",
            details={"staff": member.pk, "role": role},
        )
    return True


def remove_staff(*, actor: Any, facility_id: int, staff_id: int) -> None:
    """The person stops working this facility's portals; their account stays theirs."""
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        member = staff_member_at(facility, staff_id)
        if member.role == ADMIN:
            _keeps_an_admin(facility, member)
        record_event(
            actor=actor,
            action="staff.removed",
            subject_ref=f"facility:{facility.pk}",
            details={"staff": member.pk, "user": member.user_id},
        )
        member.delete()
