"""The door for copies of a member's records (RIGHT-ACCESS): the member's own full record, read for a
copy of it; the disclosure a copy given is; sealing what a copy keeps; and one withheld item opened
for the professional who reviews its denial.

A member's copy is their right of access (the decision point's ``self`` rule): no restriction or
missing consent keeps their own information from them. The read is an access-log row naming the
member as recipient; giving the copy is one ledger entry naming the member as recipient, kept out of
accountings (HIPAA 45 CFR 164.528(a)(1)(iii): disclosures to the individual are not accounted).

The same records read in bulk for an export are ``privacy.exports``; what a copy costs is
``privacy.copy_fees``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.privacy import ledger, sealed
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Authorization
from indigomed.privacy.policy import current_policy
from indigomed.privacy.subjects import jurisdiction_of
from indigomed.records import crypto
from indigomed.records.models import (
    BookingDetails,
    ContactData,
    DemographicData,
    InsuranceData,
    MedicalEntry,
)
from indigomed.records.queries import Booked, Profile
from indigomed.records.vault import Vault
from indigomed.security.services import Access, log_accesses

# What the ledger and the access log call a copy: the member's own right of access.
COPY_PURPOSE = "own access"
COPY_BASIS = "HIPAA 45 CFR 164.524; GDPR art. 15"
COPY_CATEGORIES = ("contact", "demographic", "insurance", "medical")


@dataclass(frozen=True, slots=True)
class Coverage:
    """One health plan the member gave. ``ref`` is an opaque, stable key (no row number in it)."""

    ref: str
    carrier: str
    plan: str
    member_number: str | None


@dataclass(frozen=True, slots=True)
class Visit:
    """A completed visit from the member's history, tied to its booking when it has one."""

    appointment_id: uuid.UUID | None
    visit_date: dt.date
    practitioner_name: str
    facility_name: str
    reason: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRecord:
    """What the records hold of one member, opened: what a copy (or an export) is made from.

    In an export, what the decision point refused is absent (``profile`` None, no coverages...) and
    named in ``refused`` by category."""

    member_id: int
    public_id: uuid.UUID
    jurisdiction: str
    profile: Profile | None
    coverages: tuple[Coverage, ...] = ()
    bookings: dict[uuid.UUID, Booked] = field(default_factory=dict)
    visits: tuple[Visit, ...] = ()
    authorizations: tuple[sealed.SignedAuthorization, ...] = ()
    refused: frozenset[str] = frozenset()


def _coverage_ref(key: bytes, member_public_id: uuid.UUID, row_id: int) -> str:
    """A plan row has no public id: a keyed hash names it, stable across copies, guessing nothing."""
    text = f"coverage\x1f{member_public_id}\x1f{row_id}"
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def open_records(
    member_ids: Sequence[int],
    public_ids: dict[int, uuid.UUID],
    appointments: dict[int, Sequence[uuid.UUID]],
) -> dict[int, MemberRecord]:
    """Every member's records opened, in a fixed number of queries whatever the number of members
    (for a copy, a review or an export). Members whose key is gone, or with no contact or
    demographic data, are left out."""
    vaults = Vault.open_many(member_ids)
    ids = [m for m in member_ids if m in vaults]
    key = ledger.fingerprint_key()
    contacts = {
        row[0]: row[1:]
        for row in ContactData.objects.filter(member_id__in=ids).values_list("member_id", "name", "email", "phone")
    }
    demographics = {
        row[0]: row[1:]
        for row in DemographicData.objects.filter(member_id__in=ids).values_list(
            "member_id", "date_of_birth", "gender", "postal_code", "country", "region"
        )
    }
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    for row_id, member_id, carrier, plan, number in (
        InsuranceData.objects.filter(member_id__in=ids)
        .order_by("pk")
        .values_list("pk", "member_id", "carrier", "plan", "member_number")
    ):
        vault = vaults[member_id]
        opened = Coverage(
            _coverage_ref(key, public_ids[member_id], row_id),
            vault.open(InsuranceData, "carrier", carrier) or "",
            vault.open(InsuranceData, "plan", plan) or "",
            vault.open(InsuranceData, "member_number", number),
        )
        coverages[member_id].append(opened)
    wanted = {a: m for m, found in appointments.items() for a in found if m in vaults}
    bookings: dict[int, dict[uuid.UUID, Booked]] = defaultdict(dict)
    for public_id, member_id, reason, insurance in BookingDetails.objects.filter(
        appointment_public_id__in=list(wanted)
    ).values_list("appointment_public_id", "member_id", "reason", "insurance"):
        if wanted.get(public_id) != member_id:
            continue
        vault = vaults[member_id]
        why = json.loads(vault.open(BookingDetails, "reason", reason) or "{}")
        pay = json.loads(vault.open(BookingDetails, "insurance", insurance) or "null")
        bookings[member_id][public_id] = Booked(
            why.get("slug", ""),
            why.get("name", ""),
            tuple(why.get("tags", [])),
            pay["slug"] if pay else None,
            pay["name"] if pay else None,
        )
    visits: dict[int, list[Visit]] = defaultdict(list)
    for member_id, source_ref, body, tags, occurred_on in MedicalEntry.objects.filter(
        member_id__in=ids, kind=MedicalEntry.Kind.VISIT
    ).values_list("member_id", "source_ref", "body", "tags", "occurred_on"):
        vault = vaults[member_id]
        opened_body = json.loads(vault.open(MedicalEntry, "body", body) or "{}")
        prefix, _, rest = source_ref.partition(":")
        try:
            appointment_id = uuid.UUID(rest) if prefix == "appointment" else None
        except ValueError:
            appointment_id = None
        visits[member_id].append(
            Visit(
                appointment_id,
                dt.date.fromisoformat(vault.open(MedicalEntry, "occurred_on", occurred_on) or ""),
                opened_body.get("practitioner", ""),
                opened_body.get("facility", ""),
                opened_body.get("reason", ""),
                tuple(json.loads(vault.open(MedicalEntry, "tags", tags) or "[]")),
            )
        )
    authorizations: dict[int, list[sealed.SignedAuthorization]] = defaultdict(list)
    signed = list(Authorization.objects.filter(member_id__in=ids).order_by("signed_at", "pk"))
    for authorization, view in zip(signed, sealed.opened(signed), strict=True):
        authorizations[authorization.member_id].append(view)
    found: dict[int, MemberRecord] = {}
    for member_id in ids:
        contact, demographic = contacts.get(member_id), demographics.get(member_id)
        if contact is None or demographic is None:
            continue
        vault = vaults[member_id]
        country = vault.open(DemographicData, "country", demographic[3]) or "US"
        region = vault.open(DemographicData, "region", demographic[4])
        profile = Profile(
            name=vault.open(ContactData, "name", contact[0]),
            email=vault.open(ContactData, "email", contact[1]) or "",
            phone=vault.open(ContactData, "phone", contact[2]),
            date_of_birth=dt.date.fromisoformat(vault.open(DemographicData, "date_of_birth", demographic[0]) or ""),
            gender=vault.open(DemographicData, "gender", demographic[1]),
            postal_code=vault.open(DemographicData, "postal_code", demographic[2]),
            country=country,
            region=region,
            insurance=[],  # the plans are the record's ``coverages``, decided on their own in an export
        )
        found[member_id] = MemberRecord(
            member_id=member_id,
            public_id=public_ids[member_id],
            jurisdiction=jurisdiction_of(country, region or ""),
            profile=profile,
            coverages=tuple(coverages[member_id]),
            bookings=bookings[member_id],
            visits=tuple(sorted(visits[member_id], key=lambda v: v.visit_date)),
            authorizations=tuple(authorizations[member_id]),
        )
    return found


def own_record_for_copy(
    *, member_id: int, actor_user_id: int | None, appointment_ids: Sequence[uuid.UUID]
) -> MemberRecord | None:
    """The member's own full record, opened for a copy of it: profile, plans, the sealed details of
    the given bookings (theirs only), visit history and authorizations. The read is logged as the
    member's own access, whoever assembles it (the member, or an officer fulfilling their request).

    ``None`` when the member's data key is gone (shredded): nothing of theirs can be read.
    """
    public_id = User.objects.filter(pk=member_id).values_list("public_id", flat=True).first()
    if public_id is None:
        return None
    record = open_records([member_id], {member_id: public_id}, {member_id: appointment_ids}).get(member_id)
    if record is None:
        return None
    log_accesses([_own_access(member_id, actor_user_id, ",".join(COPY_CATEGORIES))])
    return record


def _own_access(member_id: int, actor_user_id: int | None, categories: str) -> Access:
    return Access(
        member_id=member_id,
        actor_user_id=actor_user_id,
        recipient_ref=Recipient.member(member_id).ref,
        recipient_label="You (a copy of your records)",
        purpose=COPY_PURPOSE,
        categories=categories,
        allowed=True,
        rule="self",
    )


def record_copy_given(
    *,
    member_id: int,
    actor_user_id: int | None,
    copy_ref: str,
    categories: Iterable[str],
    tags: Iterable[str] = (),
    at: dt.datetime | None = None,
) -> ledger.Appended:
    """Write the disclosure a copy is: one ledger entry naming the member as recipient (not in any
    accounting), and an access-log row, in the caller's transaction. ``copy_ref`` names the copy
    (``copy:<uuid>``); ``tags`` are the sensitive kinds it holds, sealed in the entry like any other."""
    at = at or timezone.now()
    included = ",".join(sorted(set(categories)))
    vault = Vault.open_many([member_id]).get(member_id)
    recipient = Recipient.member(member_id, "The member (a copy of their records)")
    with transaction.atomic():
        appended = ledger.append(
            ledger.Entry(
                member_id=member_id,
                recipient_kind=recipient.kind,
                recipient_ref=recipient.ref,
                recipient_label=recipient.label,
                purpose=COPY_PURPOSE,
                categories=included,
                tags=sealed.seal_disclosed_tags(vault, tags),
                legal_basis=COPY_BASIS,
                rule="self",
                in_accounting=False,
                authorization_id=None,
                legal_demand_id=None,
                subject_refs=copy_ref,
                policy_version=current_policy().version,
            ),
            occurred_at=at,
        )
        log_accesses([_own_access(member_id, actor_user_id, included)])
    return appended


def log_own_copy_read(*, member_id: int, actor_user_id: int | None) -> None:
    """The member downloads a copy given to them: a look at their own records, logged (SEC-2)."""
    log_accesses([_own_access(member_id, actor_user_id, ",".join(COPY_CATEGORIES))])


# --- Sealing what a copy keeps ----------------------------------------------------------------------


def seal_for_member(*, member_id: int, model: type[models.Model], field: str, content: bytes) -> bytes:
    """Seal a copy's file (or a reason that speaks of the member) under the member's data key, for one
    field of the caller's model. ``crypto.Unreadable`` when the key is gone."""
    return Vault.open_for(member_id).seal_document(model, field, content)


def open_for_member(*, member_id: int, model: type[models.Model], field: str, content: bytes) -> bytes | None:
    """What ``seal_for_member`` sealed, opened; ``None`` when the member's key is gone (shredded)."""
    try:
        return Vault.open_for(member_id).open_document(model, field, bytes(content))
    except crypto.Unreadable:
        return None


def log_review_read(*, member_id: int, reviewer_user_id: int, reviewer_label: str, review_ref: str) -> None:
    """A reviewing professional reads a withheld item and why it was withheld, to review the denial
    the office assigned them (HIPAA 164.524(a)(4)): a use for the office's operations, logged."""
    log_accesses(
        [
            Access(
                member_id=member_id,
                actor_user_id=reviewer_user_id,
                recipient_ref=f"reviewer:{review_ref}",
                recipient_label=reviewer_label,
                purpose="operations",
                categories="medical",
                allowed=True,
                rule=f"review-of-denial:{review_ref}",
            )
        ]
    )


# --- A withheld item, opened for its reviewer -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewedItem:
    """A withheld booking as its reviewer reads it: why it was booked, and the visit it made."""

    booked: Booked | None
    visit: Visit | None


def withheld_item_for_review(
    *, member_id: int, appointment_id: uuid.UUID, reviewer_user_id: int, reviewer_label: str, review_ref: str
) -> ReviewedItem:
    """The one item under review, opened for the professional the office assigned; the read is logged."""
    public_id = User.objects.filter(pk=member_id).values_list("public_id", flat=True).first()
    record = (
        open_records([member_id], {member_id: public_id}, {member_id: [appointment_id]}).get(member_id)
        if public_id
        else None
    )
    log_review_read(
        member_id=member_id, reviewer_user_id=reviewer_user_id, reviewer_label=reviewer_label, review_ref=review_ref
    )
    if record is None:
        return ReviewedItem(None, None)
    visit = next((v for v in record.visits if v.appointment_id == appointment_id), None)
    return ReviewedItem(record.bookings.get(appointment_id), visit)
