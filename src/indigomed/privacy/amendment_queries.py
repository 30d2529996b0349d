"""Reads of amendments (RIGHT-AMEND): what a member may ask to correct, their requests, the
office's queue and one request opened for it, who had received a record (from the ledger), and the
corrected record for a recipient who was told. Every opening of a member's values is logged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.errors import NotFound
from indigomed.privacy import wording
from indigomed.privacy.amendment_values import label_of, labels_of, shown
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Disclosure
from indigomed.privacy.policy import current_policy
from indigomed.privacy.services import Item, disclose
from indigomed.records import amendments as kept
from indigomed.records.amendments import BOOKING, PROFILE, VISIT, Dispute, OpenedAmendment, Target, Value, versioned
from indigomed.records.models import Amendment, AmendmentRecipient, BookingDetails
from indigomed.records.queries import booking_details, names_of, profile_of, visit_history_for
from indigomed.security.services import Access, log_accesses, own_read

# The access log's purpose for the office reading a request to answer it, as the member reads it.
ANSWERING = "answering your correction request"
OFFICE = "office:privacy"
# ... and for the office reading which records a member has, to enter the member's letter.
ENTERING = "entering your correction request"


@dataclass(frozen=True, slots=True)
class RecordChoice:
    """One field of one of the member's records, as the amendment pages list it."""

    record: str
    label: str
    current: str


def _log_own_read(actor: User, categories: str) -> None:
    log_accesses(
        [own_read(member_id=actor.pk, acting_user_id=getattr(actor, "acting_user_id", None), categories=categories)]
    )


def amendable_records(*, actor: User, read_by: User | None = None) -> list[RecordChoice]:
    """Every field of the member's records they may ask to amend, with what it says now: their
    profile's name, date of birth, gender, postal code and country, each booking's reason and
    insurance, each visit's reason. Their own read, logged; or, ``read_by`` a privacy officer
    entering the member's letter, the office's read, logged as such in the member's access log."""
    categories = "contact,demographic,insurance,medical"
    if read_by is None:
        _log_own_read(actor, categories)
    elif not load_actor(read_by).is_privacy_officer:
        raise NotFound(gettext("We could not find that record among yours."))
    else:
        log_accesses(
            [
                Access(
                    member_id=actor.pk,
                    actor_user_id=read_by.pk,
                    recipient_ref=OFFICE,
                    recipient_label="Privacy office",
                    purpose=ENTERING,
                    categories=categories,
                    allowed=True,
                    rule="letter",
                )
            ]
        )
    profile = profile_of(actor.pk)
    current: dict[str, tuple[Target, Value]] = {}
    for field in ("name", "date_of_birth", "gender", "postal_code", "country"):
        target = Target(PROFILE, "", field)
        value = getattr(profile, field)
        current[target.record] = (target, value.isoformat() if isinstance(value, dt.date) else value)
    keys = BookingDetails.objects.filter(member_id=actor.pk).values_list("appointment_public_id", flat=True)
    booked = booking_details(dict.fromkeys(keys, actor.pk))
    for key, details in booked.items():
        reason = {"slug": details.reason_slug, "name": details.reason_name, "tags": list(details.tags)}
        plan = {"slug": details.plan_slug, "name": details.plan_name} if details.plan_slug else None
        for field, value in (("reason", reason), ("insurance", plan)):
            target = Target(BOOKING, str(key), field)
            current[target.record] = (target, value)
    for visit in visit_history_for(actor.pk):
        target = Target(VISIT, visit.ref.removeprefix("visit:"), "reason")
        current[target.record] = (target, {"name": visit.reason, "tags": list(visit.tags)})
    labels = labels_of(actor.pk, [t for t, _ in current.values()])
    return [RecordChoice(record, labels[record], shown(t, value)) for record, (t, value) in current.items()]


def own_record(*, actor: User, record: str) -> tuple[Target, str, str]:
    """One record of the member's, with its label and what it says now; ``NotFound`` for anything
    that is not one of theirs (another member's record is not found either)."""
    target = kept.target_of(record)
    if target is None:
        raise NotFound(gettext("We could not find that record among yours."))
    found, value = kept.value_of(actor.pk, target)
    if not found:
        raise NotFound(gettext("We could not find that record among yours."))
    _log_own_read(actor, target.category)
    return target, labels_of(actor.pk, [target])[target.record], shown(target, value)


def amendment_asked_by(*, member: User, request_public_id: uuid.UUID) -> uuid.UUID:
    """The id of the amendment one of the member's requests asks for; ``NotFound`` for none."""
    found = (
        Amendment.objects.filter(member=member, request_public_id=request_public_id)
        .values_list("public_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound(gettext("We could not find that request."))
    return found


def amendment_of_request(*, officer: User, request_public_id: uuid.UUID) -> Amendment | None:
    """The amendment a request on the desk asks for, for the privacy office; ``None`` if none."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that request."))
    return Amendment.objects.filter(request_public_id=request_public_id).first()


def office_amendment(officer: User, public_id: str) -> Amendment:
    """One request, for the privacy office; ``NotFound`` for anyone else or an unknown one."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that request."))
    amendment = Amendment.objects.filter(public_id=public_id).first()
    if amendment is None:
        raise NotFound(gettext("We could not find that request."))
    return amendment


@dataclass(frozen=True, slots=True)
class Received:
    """Someone outside IndigoMed who had received the record, as the ledger names them."""

    ref: str
    label: str
    kind: str
    purpose: str


def who_received(*, member_id: int, target: Target, before: dt.datetime) -> list[Received]:
    """Everyone the ledger says received this record before ``before``: every entry of its
    category naming the record, or naming no record (a release of the whole category). IndigoMed
    and its own staff apply the amendment themselves and are left out; the latest entry names each."""
    first_party = current_policy().first_party
    found: dict[str, Received] = {}
    for kind, ref, label, purpose, categories, refs in (
        Disclosure.objects.filter(member_id=member_id, occurred_at__lte=before)
        .order_by("seq")
        .values_list("recipient_kind", "recipient_ref", "recipient_label", "purpose", "categories", "subject_refs")
    ):
        if kind in first_party or kind == "member" or target.category not in categories.split(","):
            continue
        named = [r for r in refs.split(",") if r]
        if target.ledger_ref and named and target.ledger_ref not in named:
            continue
        found[ref] = Received(ref, label, kind, purpose)
    return sorted(found.values(), key=lambda r: r.label)


@dataclass(frozen=True)
class AmendmentView:
    """An amendment as a page shows it: the opened amendment, its record's label, values as read."""

    opened: OpenedAmendment
    label: str
    proposed: str
    original: str

    @property
    def row(self) -> Amendment:
        return self.opened.row


def _views(amendments: Sequence[Amendment]) -> list[AmendmentView]:
    opened = kept.opened(amendments)
    by_member: dict[int, list[OpenedAmendment]] = {}
    for o in opened:
        by_member.setdefault(o.row.member_id, []).append(o)
    labels: dict[tuple[int, str], str] = {}
    for member_id, rows in by_member.items():
        targets = [o.target for o in rows if o.target is not None]
        for record, label in labels_of(member_id, targets).items():
            labels[(member_id, record)] = label
    return [
        AmendmentView(
            opened=o,
            label=labels.get((o.row.member_id, o.row.record), o.row.record),
            proposed=shown(o.target, o.proposed),
            original=shown(o.target, o.original) if o.row.status == Amendment.Status.ACCEPTED else "",
        )
        for o in opened
    ]


def own_amendments(*, actor: User) -> list[AmendmentView]:
    """The member's amendments, newest first, opened for them (their own read, logged)."""
    rows = list(Amendment.objects.filter(member=actor).order_by("-requested_at"))
    if rows:
        _log_own_read(actor, ",".join(sorted({a.category for a in rows})))
    return _views(rows)


def office_queue(*, officer: User) -> dict[str, list[Amendment]]:
    """What the office has to do: requests waiting (oldest due first) and statements of
    disagreement without a rebuttal; references and dates only, nothing opened."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that page."))
    return {
        "waiting": list(Amendment.objects.filter(status=Amendment.Status.REQUESTED).order_by("requested_at")),
        "statements": list(
            Amendment.objects.filter(disagreement__isnull=False, rebuttal__isnull=True).order_by("disagreement_at")
        ),
        "answered": list(Amendment.objects.exclude(status=Amendment.Status.REQUESTED).order_by("-decided_at")[:50]),
    }


def amendment_for_office(*, officer: User, public_id: str) -> tuple[AmendmentView, str]:
    """One request opened for the office, with what its record says now; the read is in the
    member's access log like any other."""
    amendment = office_amendment(officer, public_id)
    [view] = _views([amendment])
    target = view.opened.target
    current = shown(target, kept.value_of(amendment.member_id, target)[1]) if target else ""
    log_accesses(
        [
            Access(
                member_id=amendment.member_id,
                actor_user_id=officer.pk,
                recipient_ref=OFFICE,
                recipient_label="Privacy office",
                purpose=ANSWERING,
                categories=amendment.category,
                allowed=True,
                rule=f"amendment:{amendment.public_id}",
            )
        ]
    )
    return view, current


@dataclass(frozen=True)
class AmendedRecord:
    """What a recipient who was told of an amendment sees: the record as it now reads, with the
    patient's name, each as the decision point allows; ``withheld`` says what it refused and why."""

    amendment: Amendment
    label: str
    name: str | None
    value: str | None
    disputes: list[Dispute]
    withheld: list[str]


def amended_record_for(*, user: Any, public_id: str) -> AmendedRecord:
    """The corrected record for someone at a recipient that was told of the amendment (a
    practitioner, a facility's staff): disclosed through the decision point under the purpose
    they had received it for, so a restriction or a withdrawn relationship still holds.

    ``NotFound`` for anyone the amendment was not passed on to.
    """
    actor = load_actor(user)
    refs = [f"practitioner:{actor.practitioner_id}"] if actor.practitioner_id else []
    refs += [f"facility:{m.facility_id}" for m in actor.staff]
    told = (
        AmendmentRecipient.objects.filter(amendment__public_id=public_id, recipient_ref__in=refs)
        .select_related("amendment")
        .order_by("pk")
        .first()
    )
    target = kept.target_of(told.amendment.record) if told else None
    if told is None or target is None:
        raise NotFound(gettext("We could not find that record."))
    amendment = told.amendment
    member_id = amendment.member_id
    found, value = kept.value_of(member_id, target)
    tags = frozenset(value.get("tags", ())) if isinstance(value, dict) else frozenset()
    ref = f"amendment:{amendment.public_id}"
    disputes = kept.disputes_of([(member_id, target.record)]).get((member_id, target.record), [])
    items = [
        Item(member_id, frozenset({"contact"}), frozenset(), ref, "name"),
        Item(member_id, frozenset({target.category}), tags, target.ledger_ref or ref, versioned(ref, disputes)),
    ]
    recipient = Recipient(told.recipient_ref.partition(":")[0], told.recipient_ref, told.recipient_label)
    named, record = disclose(actor_user_id=actor.user_id, recipient=recipient, purpose=told.purpose, items=items)
    return AmendedRecord(
        amendment=amendment,
        label=label_of(target),
        name=names_of([member_id]).get(member_id, "Name not given") if named.allowed else None,
        value=shown(target, value) if record.allowed and found else None,
        disputes=disputes if record.allowed else [],
        withheld=[wording.reason_of(d) for d in (named, record) if not d.allowed],
    )
