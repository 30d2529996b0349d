"""Amendments of a member's records (RIGHT-AMEND), as the records keep them: which record, the
value asked for, the value it replaced, and the words of the member and the office, all sealed.

A record is named by a short reference that holds no value: ``profile:<field>`` for a field of
the member's profile, ``booking:<appointment uuid>:<field>`` for a booking's details and
``visit:<entry id>:<field>`` for an entry of their visit history. Applying an accepted amendment
writes the new value into the record and keeps the value it replaced in the amendment, so the
record's earlier version stays retrievable and linked. ``privacy.amendments`` decides who may do
what, writes the audit events and tells the people concerned; nothing here checks a role.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from indigomed.records.models import (
    Amendment,
    AmendmentRecipient,
    BookingDetails,
    ContactData,
    DemographicData,
    MedicalEntry,
)
from indigomed.records.vault import Vault

PROFILE, BOOKING, VISIT = "profile", "booking", "visit"

# Each field a member may ask to amend, and the category of information it belongs to (PI-1).
FIELDS: dict[tuple[str, str], str] = {
    (PROFILE, "name"): "contact",
    (PROFILE, "date_of_birth"): "demographic",
    (PROFILE, "gender"): "demographic",
    (PROFILE, "postal_code"): "demographic",
    (PROFILE, "country"): "demographic",
    (BOOKING, "reason"): "medical",
    (BOOKING, "insurance"): "insurance",
    (VISIT, "reason"): "medical",
}
_DEMOGRAPHIC = ("date_of_birth", "gender", "postal_code", "country")

# A value as the records hold it: text for a profile field, the sealed JSON object of a booking's
# reason or plan (``None``: paying oneself), a visit's reason with its sensitivity tags.
Value = Any


@dataclass(frozen=True, slots=True)
class Target:
    """One field of one record of a member."""

    kind: str
    key: str
    field: str

    @property
    def record(self) -> str:
        return f"{PROFILE}:{self.field}" if self.kind == PROFILE else f"{self.kind}:{self.key}:{self.field}"

    @property
    def category(self) -> str:
        return FIELDS[(self.kind, self.field)]

    @property
    def ledger_ref(self) -> str:
        """The reference disclosures of this record carry in the ledger; empty for a profile
        field, which travels in every disclosure of its category."""
        if self.kind == BOOKING:
            return f"appointment:{self.key}"
        if self.kind == VISIT:
            return f"visit:{self.key}"
        return ""


def target_of(record: str) -> Target | None:
    """The record a reference names, or ``None`` for anything that is not one."""
    parts = record.split(":")
    if len(parts) == 2 and parts[0] == PROFILE:
        target = Target(PROFILE, "", parts[1])
    elif len(parts) == 3 and parts[0] == BOOKING:
        try:
            target = Target(BOOKING, str(uuid.UUID(parts[1])), parts[2])
        except ValueError:
            return None
    elif len(parts) == 3 and parts[0] == VISIT and parts[1].isdigit() and len(parts[1]) < 19:
        target = Target(VISIT, str(int(parts[1])), parts[2])
    else:
        return None
    return target if (target.kind, target.field) in FIELDS else None


def value_of(member_id: int, target: Target) -> tuple[bool, Value]:
    """``(True, value)`` for a record of this member, ``(False, None)`` when the member has no
    such record (another member's is not theirs)."""
    vault = Vault.open_for(member_id)
    if target.kind == PROFILE and target.field == "name":
        row = ContactData.objects.filter(member_id=member_id).values_list("name", flat=True)
        return (True, vault.open(ContactData, "name", row[0])) if row else (False, None)
    if target.kind == PROFILE:
        sealed = DemographicData.objects.filter(member_id=member_id).values_list(target.field, flat=True)
        return (True, vault.open(DemographicData, target.field, sealed[0])) if sealed else (False, None)
    if target.kind == BOOKING:
        details = BookingDetails.objects.filter(member_id=member_id, appointment_public_id=target.key).first()
        if details is None:
            return False, None
        sealed_value = getattr(details, target.field)
        return True, json.loads(vault.open(BookingDetails, target.field, sealed_value) or "null")
    entry = MedicalEntry.objects.filter(member_id=member_id, pk=int(target.key), kind=MedicalEntry.Kind.VISIT).first()
    if entry is None:
        return False, None
    body = json.loads(vault.open(MedicalEntry, "body", entry.body) or "{}")
    tags = json.loads(vault.open(MedicalEntry, "tags", entry.tags) or "[]")
    return True, {"name": body.get("reason", ""), "tags": sorted(tags)}


def _write(member_id: int, vault: Vault, target: Target, value: Value) -> None:
    """Put ``value`` into the record (the caller has checked it is the member's)."""
    now = timezone.now()
    if target.kind == PROFILE and target.field == "name":
        ContactData.objects.filter(member_id=member_id).update(
            name=vault.seal(ContactData, "name", value), updated_at=now
        )
    elif target.kind == PROFILE:
        changes: dict[str, object] = {target.field: vault.seal(DemographicData, target.field, value), "updated_at": now}
        if target.field == "country" and value != "US":
            # The region is a US state: it says nothing of a member who lives elsewhere.
            changes["region"] = None
        DemographicData.objects.filter(member_id=member_id).update(**changes)
    elif target.kind == BOOKING:
        text = None if value is None else json.dumps(value, sort_keys=True)
        BookingDetails.objects.filter(member_id=member_id, appointment_public_id=target.key).update(
            **{target.field: vault.seal(BookingDetails, target.field, text)}
        )
    else:
        entry = MedicalEntry.objects.get(member_id=member_id, pk=int(target.key))
        body = json.loads(vault.open(MedicalEntry, "body", entry.body) or "{}")
        body["reason"] = value["name"]
        MedicalEntry.objects.filter(pk=entry.pk).update(
            body=vault.seal(MedicalEntry, "body", json.dumps(body, sort_keys=True)),
            tags=vault.seal(MedicalEntry, "tags", json.dumps(sorted(value["tags"]))),
        )


def _seal_json(vault: Vault, field: str, value: Value) -> bytes | None:
    return vault.seal(Amendment, field, json.dumps(value, sort_keys=True))


def file_amendment(
    *, member_id: int, target: Target, proposed: Value, why: str, request_public_id: uuid.UUID
) -> Amendment:
    """Keep, sealed, what the member's request asks of one record; in the caller's transaction."""
    vault = Vault.open_for(member_id)
    return Amendment.objects.create(
        member_id=member_id,
        request_public_id=request_public_id,
        record=target.record,
        category=target.category,
        proposed=_seal_json(vault, "proposed", proposed),
        why=vault.seal(Amendment, "why", why),
    )


def apply_amendment(*, amendment: Amendment, officer_id: int) -> bool:
    """The new value goes into the record and the value it replaces is kept, sealed, in the
    amendment; in the caller's transaction. ``False`` (and nothing written) when the amendment was
    no longer waiting, or its record is gone."""
    target = target_of(amendment.record)
    if target is None:
        return False
    found, current = value_of(amendment.member_id, target)
    if not found:
        return False
    vault = Vault.open_for(amendment.member_id)
    proposed = json.loads(vault.open(Amendment, "proposed", amendment.proposed) or "null")
    claimed = Amendment.objects.filter(pk=amendment.pk, status=Amendment.Status.REQUESTED).update(
        status=Amendment.Status.ACCEPTED,
        original=_seal_json(vault, "original", current),
        decided_at=timezone.now(),
        decided_by_id=officer_id,
    )
    if not claimed:
        return False
    _write(amendment.member_id, vault, target, proposed)
    return True


def deny_amendment(*, amendment: Amendment, basis: str, explanation: str, officer_id: int) -> bool:
    """Record a denial and its basis; ``False`` when the amendment was no longer waiting."""
    vault = Vault.open_for(amendment.member_id)
    return bool(
        Amendment.objects.filter(pk=amendment.pk, status=Amendment.Status.REQUESTED).update(
            status=Amendment.Status.DENIED,
            denial_basis=basis,
            denial_explanation=vault.seal(Amendment, "denial_explanation", explanation),
            decided_at=timezone.now(),
            decided_by_id=officer_id,
        )
    )


def add_disagreement(*, amendment: Amendment, statement: str) -> bool:
    """Keep the member's statement of disagreement with a denial; ``False`` when the amendment is
    not denied or already has one."""
    vault = Vault.open_for(amendment.member_id)
    return bool(
        Amendment.objects.filter(pk=amendment.pk, status=Amendment.Status.DENIED, disagreement__isnull=True).update(
            disagreement=vault.seal(Amendment, "disagreement", statement), disagreement_at=timezone.now()
        )
    )


def add_rebuttal(*, amendment: Amendment, text: str, officer_id: int) -> bool:
    """Keep the office's rebuttal of a statement of disagreement; ``False`` without a statement
    or when there is already a rebuttal."""
    vault = Vault.open_for(amendment.member_id)
    return bool(
        Amendment.objects.filter(pk=amendment.pk, disagreement__isnull=False, rebuttal__isnull=True).update(
            rebuttal=vault.seal(Amendment, "rebuttal", text), rebuttal_at=timezone.now(), rebuttal_by_id=officer_id
        )
    )


# --- Reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedAmendment:
    """An amendment with its sealed parts opened, for its member and the privacy office."""

    row: Amendment
    target: Target | None
    proposed: Value
    why: str
    original: Value
    explanation: str
    disagreement: str
    rebuttal: str
    recipients: tuple[AmendmentRecipient, ...]


def opened(amendments: Sequence[Amendment]) -> list[OpenedAmendment]:
    """The amendments opened with their members' keys (those whose key is gone are left out),
    with whom each accepted one was passed on to."""
    vaults = Vault.open_many(a.member_id for a in amendments)
    told: dict[int, list[AmendmentRecipient]] = defaultdict(list)
    for recipient in AmendmentRecipient.objects.filter(amendment__in=[a.pk for a in amendments]).order_by("pk"):
        told[recipient.amendment_id].append(recipient)
    views = []
    for a in amendments:
        vault = vaults.get(a.member_id)
        if vault is None:
            continue
        views.append(
            OpenedAmendment(
                row=a,
                target=target_of(a.record),
                proposed=json.loads(vault.open(Amendment, "proposed", a.proposed) or "null"),
                why=vault.open(Amendment, "why", a.why) or "",
                original=json.loads(vault.open(Amendment, "original", a.original) or "null"),
                explanation=vault.open(Amendment, "denial_explanation", a.denial_explanation) or "",
                disagreement=vault.open(Amendment, "disagreement", a.disagreement) or "",
                rebuttal=vault.open(Amendment, "rebuttal", a.rebuttal) or "",
                recipients=tuple(told.get(a.pk, ())),
            )
        )
    return views


@dataclass(frozen=True, slots=True)
class Dispute:
    """A member's statement of disagreement with a denied amendment of one record, and the
    office's rebuttal if it wrote one: what travels with every later disclosure of that record."""

    amendment_id: uuid.UUID
    record: str
    statement: str
    filed_at: dt.datetime
    rebuttal: str
    rebutted_at: dt.datetime | None


def disputes_of(records: Iterable[tuple[int, str]]) -> dict[tuple[int, str], list[Dispute]]:
    """The disputes about some records, keyed by (member, record), oldest first, in one query."""
    wanted = set(records)
    if not wanted:
        return {}
    members = {member_id for member_id, _ in wanted}
    rows = list(
        Amendment.objects.filter(
            Q(member_id__in=members, record__in={record for _, record in wanted}),
            status=Amendment.Status.DENIED,
            disagreement__isnull=False,
        ).order_by("disagreement_at", "pk")
    )
    vaults = Vault.open_many(members)
    found: dict[tuple[int, str], list[Dispute]] = defaultdict(list)
    for a in rows:
        vault = vaults.get(a.member_id)
        if vault is None or (a.member_id, a.record) not in wanted:
            continue
        found[(a.member_id, a.record)].append(
            Dispute(
                amendment_id=a.public_id,
                record=a.record,
                statement=vault.open(Amendment, "disagreement", a.disagreement) or "",
                filed_at=a.disagreement_at or a.decided_at or a.requested_at,
                rebuttal=vault.open(Amendment, "rebuttal", a.rebuttal) or "",
                rebutted_at=a.rebuttal_at,
            )
        )
    return dict(found)


def versioned(base: str, disputes: Sequence[Dispute]) -> str:
    """A disclosed item's version with the disputes that travel with it: a statement filed, or a
    rebuttal written, makes the record a new version, disclosed (and ledgered) anew to whoever
    looks next."""
    marks = [f"{d.amendment_id}{'+r' if d.rebuttal else ''}" for d in disputes]
    return "|".join([base, *marks]) if marks else base
