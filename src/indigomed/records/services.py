"""Writes of a member's personal information, each value sealed under the member's data key."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from contextlib import AbstractContextManager

from django.db import models, transaction
from django.utils import timezone

from indigomed.precompiled import Insert
from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import (
    BookingDetails,
    ContactData,
    ContactPreferences,
    DemographicData,
    InsuranceData,
    MedicalEntry,
    MemberKey,
)
from indigomed.records.queries import Booked, booking_details
from indigomed.records.vault import Vault, forget, kept_open


def create_personal_profile(
    *, member_id: int, name: str, date_of_birth: dt.date, country: str, guardian_email: str | None = None
) -> None:
    """What sign-up collects beside the address (sealed when the account was made, ``sign_in``):
    name, a minor's parent's address and the demographic facts, sealed."""
    vault = Vault.open_for(member_id)
    filled = ContactData.objects.filter(member_id=member_id).update(
        name=vault.seal(ContactData, "name", name),
        guardian_email=vault.seal(ContactData, "guardian_email", guardian_email),
        updated_at=timezone.now(),
    )
    if filled != 1:
        raise ValueError("The account's sign-in address must be sealed before its profile.")
    DemographicData.objects.create(
        member_id=member_id,
        date_of_birth=vault.seal(DemographicData, "date_of_birth", date_of_birth.isoformat()),
        country=vault.seal(DemographicData, "country", country),
    )


def update_demographics(
    *, member_id: int, gender: str | None = None, postal_code: str | None = None, region: str | None = None
) -> None:
    """The member edits their own demographic data (PI-4); ``None`` leaves a value as it is."""
    vault = Vault.open_for(member_id)
    changes: dict[str, object] = {"updated_at": timezone.now()}
    for field, value in (("gender", gender), ("postal_code", postal_code), ("region", region)):
        if value is not None:
            changes[field] = vault.seal(DemographicData, field, value)
    DemographicData.objects.filter(member_id=member_id).update(**changes)


def update_contact(*, member_id: int, phone: str | None, name: str | None = None) -> None:
    """The member edits their contact data (PI-4); a ``None`` name leaves it as it is."""
    vault = Vault.open_for(member_id)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = vault.seal(ContactData, "name", name)
    ContactData.objects.filter(member_id=member_id).update(
        **changes,
        phone=vault.seal(ContactData, "phone", phone),
        phone_lookup=crypto.lookup_hash(key_ring(), "phone", phone) if phone else "",
        updated_at=timezone.now(),
    )


def add_insurance(*, member_id: int, carrier: str, plan: str, member_number: str | None) -> InsuranceData:
    vault = Vault.open_for(member_id)
    return InsuranceData.objects.create(
        member_id=member_id,
        carrier=vault.seal(InsuranceData, "carrier", carrier),
        plan=vault.seal(InsuranceData, "plan", plan),
        member_number=vault.seal(InsuranceData, "member_number", member_number),
    )


def edit_insurance(
    *, member_id: int, public_id: uuid.UUID, carrier: str, plan: str, member_number: str | None
) -> InsuranceData | None:
    """The member corrects one of their health plans (PI-4); ``None`` when it is not theirs."""
    row = InsuranceData.objects.filter(member_id=member_id, public_id=public_id).first()
    if row is None:
        return None
    vault = Vault.open_for(member_id)
    row.carrier = vault.seal(InsuranceData, "carrier", carrier)
    row.plan = vault.seal(InsuranceData, "plan", plan)
    row.member_number = vault.seal(InsuranceData, "member_number", member_number)
    row.updated_at = timezone.now()
    row.save(update_fields=["carrier", "plan", "member_number", "updated_at"])
    return row


def remove_insurance(*, member_id: int, public_id: uuid.UUID) -> int | None:
    """The member removes one of their health plans (PI-4); returns the row's id, ``None`` when it
    is not theirs (or was removed already)."""
    row = InsuranceData.objects.filter(member_id=member_id, public_id=public_id).values_list("pk", flat=True).first()
    if row is None:
        return None
    deleted, _ = InsuranceData.objects.filter(pk=row).delete()
    return row if deleted else None


def record_medical_entry(
    *,
    member_id: int,
    kind: str,
    source_ref: str,
    body: dict[str, str],
    tags: list[str],
    occurred_on: dt.date,
) -> MedicalEntry:
    """Keep a piece of medical data; a completed visit is recorded once per appointment."""
    vault = Vault.create_for(member_id)
    entry, _ = MedicalEntry.objects.get_or_create(
        member_id=member_id,
        kind=kind,
        source_ref=source_ref,
        defaults={
            "body": vault.seal(MedicalEntry, "body", json.dumps(body, sort_keys=True)),
            "tags": vault.seal(MedicalEntry, "tags", json.dumps(sorted(tags))),
            "occurred_on": vault.seal(MedicalEntry, "occurred_on", occurred_on.isoformat()),
        },
    )
    return entry


# Written by every booking: compiled once.
_BOOKING_DETAILS = Insert(BookingDetails)


def record_booking_details(
    *,
    member_id: int,
    appointment_public_id: uuid.UUID,
    reason: dict[str, object],
    insurance: dict[str, object] | None,
) -> Booked:
    """Keep, sealed, why the member booked and how they pay; in the booking's transaction.
    Returns the details as kept, for the answer to the member who gave them."""
    vault = Vault.create_for(member_id)
    _BOOKING_DETAILS.save(
        BookingDetails(
            member_id=member_id,
            appointment_public_id=appointment_public_id,
            reason=vault.seal(BookingDetails, "reason", json.dumps(reason, sort_keys=True)),
            insurance=vault.seal(
                BookingDetails, "insurance", json.dumps(insurance, sort_keys=True) if insurance else None
            ),
        )
    )
    return Booked.of(reason, insurance)


def record_completed_visit(
    *,
    member_id: int,
    appointment_public_id: uuid.UUID,
    practitioner_name: str,
    facility_name: str,
    visit_date: dt.date,
) -> MedicalEntry:
    """A completed visit becomes medical history: previous doctor, facility, reason, date (BOOK-4).

    The reason and its sensitivity tags come from the appointment's sealed booking details: the
    history entry keeps the tags (sealed), so every later disclosure of it is decided on them (PI-2).
    """
    details = booking_details({appointment_public_id: member_id}).get(appointment_public_id)
    reason = details.reason_name if details else ""
    return record_medical_entry(
        member_id=member_id,
        kind=MedicalEntry.Kind.VISIT,
        source_ref=f"appointment:{appointment_public_id}",
        body={"practitioner": practitioner_name, "facility": facility_name, "reason": reason},
        tags=list(details.tags) if details else [],
        occurred_on=visit_date,
    )


def member_keys_kept_open() -> AbstractContextManager[None]:
    """A block within which each member's data key is unwrapped once (``records.vault.kept_open``):
    for a unit of work that seals and opens several values of one member, as a booking does."""
    return kept_open()


def shred_member_data(*, member_id: int) -> None:
    """Crypto-shredding: delete the member's data key; every sealed value of theirs, in this
    database and in every backup of it, can no longer be read."""
    MemberKey.objects.filter(member_id=member_id).delete()
    forget(member_id)


def rotate_keys(*, batch: int = 500) -> int:
    """Re-wrap every data key under the current key-encryption key; reads go on meanwhile
    because the old key still unwraps until the operator removes it. Returns how many moved."""
    ring = key_ring()
    moved = 0
    while True:
        rows = list(
            MemberKey.objects.exclude(kek_id=ring.current_id)
            .order_by("pk")
            .values_list("pk", "kek_id", "wrapped")[:batch]
        )
        if not rows:
            return moved
        with transaction.atomic():
            for pk, kek_id, wrapped in rows:
                new_id, rewrapped = crypto.wrap(ring, crypto.unwrap(ring, kek_id, wrapped))
                MemberKey.objects.filter(pk=pk, kek_id=kek_id).update(
                    kek_id=new_id, wrapped=rewrapped, rewrapped_at=timezone.now()
                )
                moved += 1


def own_sign_in_address(*, key: str) -> str | None:
    """The account holder's own sign-in address, for checks made while they act on their own
    account (a new password must not contain it). Never for writing to them or showing it to anyone
    else: that goes through ``messaging`` and ``privacy``. ``None`` for a key no account has."""
    from indigomed.records.sign_in import address_for  # the opener stays private to records

    return address_for(key)


def set_contact_preferences(*, member_id: int, choice: dict[str, object]) -> None:
    """Keep, sealed, how and where the member may be written to (RIGHT-CONFCOMM); replaces the last choice."""
    vault = Vault.open_for(member_id)
    ContactPreferences.objects.update_or_create(
        member_id=member_id,
        defaults={
            "body": vault.seal(ContactPreferences, "body", json.dumps(choice, sort_keys=True)),
            "updated_at": timezone.now(),
        },
    )


def seal_member_document(*, member_id: int, model: type[models.Model], field: str, content: bytes) -> bytes:
    """A document about the member (a guardianship order...), sealed under their data key."""
    return Vault.open_for(member_id).seal_document(model, field, content)
