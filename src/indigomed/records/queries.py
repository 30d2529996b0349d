"""Reads of a member's personal information. Only ``privacy`` and the member's own pages call these."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from indigomed.precompiled import Precompiled
from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import (
    BookingDetails,
    ContactData,
    ContactPreferences,
    DemographicData,
    InsuranceData,
    MedicalEntry,
)
from indigomed.records.vault import Vault


@dataclass(frozen=True)
class VisitHistoryItem:
    visit_date: dt.date
    practitioner_name: str
    facility_name: str
    reason: str
    # The reason's sensitivity tags (PI-2) and the entry's reference, for deciding its disclosure.
    tags: tuple[str, ...] = ()
    ref: str = ""
    # Statements of disagreement with a denied amendment of the visit (``records.amendments.Dispute``),
    # filled in where the visit is disclosed to someone, since they travel with it (RIGHT-AMEND).
    disputes: tuple[Any, ...] = ()


def visit_history_for(member_id: int) -> list[VisitHistoryItem]:
    """The member's completed visits, newest first."""
    entries = list(MedicalEntry.objects.filter(member_id=member_id, kind=MedicalEntry.Kind.VISIT))
    if not entries:
        return []
    vault = Vault.open_for(member_id)
    items = []
    for entry in entries:
        body = json.loads(vault.open(MedicalEntry, "body", entry.body) or "{}")
        items.append(
            VisitHistoryItem(
                visit_date=dt.date.fromisoformat(vault.open(MedicalEntry, "occurred_on", entry.occurred_on) or ""),
                practitioner_name=body["practitioner"],
                facility_name=body["facility"],
                reason=body["reason"],
                tags=tuple(json.loads(vault.open(MedicalEntry, "tags", entry.tags) or "[]")),
                ref=f"visit:{entry.pk}",
            )
        )
    return sorted(items, key=lambda item: item.visit_date, reverse=True)


def residences(member_ids: list[int], vaults: dict[int, Vault]) -> dict[int, tuple[str, str]]:
    """(country, region) where each member lives, for their jurisdiction, opened with the members'
    vaults (which the caller has opened for more than this); unknown members are left out."""
    found: dict[int, tuple[str, str]] = {}
    for member_id, country, region in DemographicData.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "country", "region"
    ):
        vault = vaults.get(member_id)
        if vault is None:
            continue
        found[member_id] = (
            vault.open(DemographicData, "country", country) or "US",
            vault.open(DemographicData, "region", region) or "",
        )
    return found


@dataclass(frozen=True)
class Profile:
    """Everything the records hold about a member, opened: for the member's own pages and for the
    privacy room, which hands out only what a decision allowed."""

    name: str | None
    email: str
    phone: str | None
    date_of_birth: dt.date
    gender: str | None
    postal_code: str | None
    country: str
    region: str | None
    insurance: list[dict[str, str | None]]


def profile_of(member_id: int) -> Profile:
    vault = Vault.open_for(member_id)
    contact = ContactData.objects.get(member_id=member_id)
    demo = DemographicData.objects.get(member_id=member_id)
    return Profile(
        name=vault.open(ContactData, "name", contact.name),
        email=vault.open(ContactData, "email", contact.email) or "",
        phone=vault.open(ContactData, "phone", contact.phone),
        date_of_birth=dt.date.fromisoformat(vault.open(DemographicData, "date_of_birth", demo.date_of_birth) or ""),
        gender=vault.open(DemographicData, "gender", demo.gender),
        postal_code=vault.open(DemographicData, "postal_code", demo.postal_code),
        country=vault.open(DemographicData, "country", demo.country) or "US",
        region=vault.open(DemographicData, "region", demo.region),
        insurance=[
            {
                "carrier": vault.open(InsuranceData, "carrier", row.carrier),
                "plan": vault.open(InsuranceData, "plan", row.plan),
                "member_number": vault.open(InsuranceData, "member_number", row.member_number),
            }
            for row in InsuranceData.objects.filter(member_id=member_id).order_by("pk")
        ],
    )


@dataclass(frozen=True)
class Insurance:
    """One health plan a member keeps on their profile, opened."""

    public_id: uuid.UUID
    carrier: str
    plan: str
    member_number: str | None


def insurance_of(member_id: int) -> list[Insurance]:
    """The member's health plans, oldest first, opened (for their own pages)."""
    rows = list(InsuranceData.objects.filter(member_id=member_id).order_by("pk"))
    if not rows:
        return []
    vault = Vault.open_for(member_id)
    return [
        Insurance(
            row.public_id,
            vault.open(InsuranceData, "carrier", row.carrier) or "",
            vault.open(InsuranceData, "plan", row.plan) or "",
            vault.open(InsuranceData, "member_number", row.member_number),
        )
        for row in rows
    ]


def member_by_email(email: str) -> int | None:
    """Find a member by e-mail through the keyed hash, without decrypting anyone's data."""
    return (
        ContactData.objects.filter(email_lookup=crypto.lookup_hash(key_ring(), "email", email))
        .values_list("member_id", flat=True)
        .first()
    )


def contact_field_of(member_ids: Iterable[int], field: str) -> dict[int, str]:
    """One contact field of several members, opened, in two queries; members without a readable
    value are left out."""
    rows = list(ContactData.objects.filter(member_id__in=set(member_ids)).values_list("member_id", field))
    vaults = Vault.open_many(member_id for member_id, _ in rows)
    found: dict[int, str] = {}
    for member_id, sealed in rows:
        vault = vaults.get(member_id)
        value = vault.open(ContactData, field, sealed) if vault else None
        if value:
            found[member_id] = value
    return found


def names_of(member_ids: list[int]) -> dict[int, str]:
    """Members' names; members without a readable name are left out."""
    return contact_field_of(member_ids, "name")


@dataclass(frozen=True)
class Booked:
    """An appointment's sealed details, opened."""

    reason_slug: str
    reason_name: str
    tags: tuple[str, ...]
    plan_slug: str | None
    plan_name: str | None

    @classmethod
    def of(cls, reason: Mapping[str, Any], insurance: Mapping[str, Any] | None) -> Booked:
        """The details from the reason and plan as they are sealed (slug, name, tags; slug, name)."""
        return cls(
            reason["slug"],
            reason["name"],
            tuple(reason.get("tags", ())),
            insurance["slug"] if insurance else None,
            insurance["name"] if insurance else None,
        )


# One member's details with their wrapped key, in one statement (their own list, a booking's answer).
_DETAILS_OF_MEMBER = Precompiled(
    lambda member_id: BookingDetails.objects.filter(member_id=member_id).values_list(
        "appointment_public_id",
        "member_id",
        "reason",
        "insurance",
        "member__data_key__kek_id",
        "member__data_key__wrapped",
    )
)


def booking_details(member_by_appointment: dict[uuid.UUID, int]) -> dict[uuid.UUID, Booked]:
    """Opened booking details of some appointments, keyed by appointment; unreadable ones are left out."""
    found: dict[uuid.UUID, Booked] = {}
    if not member_by_appointment:
        return found
    members = set(member_by_appointment.values())
    rows: Iterable[tuple[Any, ...]]
    if len(members) == 1:
        # One member's appointments (their own list, a booking): their rows and key together.
        member_id = next(iter(members))
        rows = _DETAILS_OF_MEMBER.rows(member_id)
        vault = Vault.from_wrapped(member_id, *rows[0][4:]) if rows else None
        vaults = {member_id: vault} if vault is not None else {}
    else:
        vaults = Vault.open_many(members)
        rows = BookingDetails.objects.filter(appointment_public_id__in=list(member_by_appointment)).values_list(
            "appointment_public_id", "member_id", "reason", "insurance"
        )
    if not vaults:
        return found
    for public_id, member_id, reason, insurance, *_ in rows:
        if member_id != member_by_appointment.get(public_id):
            continue
        vault = vaults.get(member_id)
        if vault is None:
            continue
        why = json.loads(vault.open(BookingDetails, "reason", reason) or "{}")
        pay = json.loads(vault.open(BookingDetails, "insurance", insurance) or "null")
        found[public_id] = Booked.of(why, pay)
    return found


def contact_preferences_of(member_ids: Iterable[int], vaults: dict[int, Vault]) -> dict[int, dict[str, object]]:
    """Members' confidential-communication choices (RIGHT-CONFCOMM), opened with vaults the
    caller holds; members who made none, or whose key is gone, are left out."""
    found: dict[int, dict[str, object]] = {}
    for member_id, body in ContactPreferences.objects.filter(member_id__in=set(member_ids)).values_list(
        "member_id", "body"
    ):
        vault = vaults.get(member_id)
        if vault is not None:
            found[member_id] = json.loads(vault.open(ContactPreferences, "body", body) or "{}")
    return found


@dataclass(frozen=True)
class Reachable:
    """What it takes to write to a member: their name, sign-in address and phone, opened."""

    name: str | None
    email: str | None
    phone: str | None


def reachable(member_ids: Iterable[int], vaults: dict[int, Vault]) -> dict[int, Reachable]:
    """Name, address and phone of several members in one query, opened with vaults the caller
    holds; members whose key is gone are left out."""
    found: dict[int, Reachable] = {}
    for member_id, name, email, phone in ContactData.objects.filter(member_id__in=set(member_ids)).values_list(
        "member_id", "name", "email", "phone"
    ):
        vault = vaults.get(member_id)
        if vault is not None:
            found[member_id] = Reachable(
                vault.open(ContactData, "name", name),
                vault.open(ContactData, "email", email),
                vault.open(ContactData, "phone", phone),
            )
    return found
