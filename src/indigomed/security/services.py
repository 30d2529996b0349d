"""Writes to the access log (called by the privacy decision point in the same transaction as the read)
and to the audit events (called by every service that changes something, in its transaction)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from indigomed.precompiled import Insert
from indigomed.security.models import AccessLogEntry, AuditEvent

# Written on nearly every request that reads or changes personal information: compiled once.
_AUDIT_EVENT = Insert(AuditEvent)
_ACCESS_LOG_ENTRY = Insert(AccessLogEntry)


@dataclass(frozen=True, slots=True)
class Access:
    member_id: int
    actor_user_id: int | None
    recipient_ref: str
    recipient_label: str
    purpose: str
    categories: str
    allowed: bool
    rule: str


def own_read(*, member_id: int, acting_user_id: int | None, categories: str, rule: str = "self") -> Access:
    """A member's read of their own information, or their guardian's read while acting for them
    (CHILD-3): the log names the guardian apart, so the member's page can say who it was."""
    if acting_user_id and acting_user_id != member_id:
        return Access(
            member_id=member_id,
            actor_user_id=acting_user_id,
            recipient_ref=f"guardian:{acting_user_id}",
            recipient_label="Your guardian",
            purpose="own access",
            categories=categories,
            allowed=True,
            rule=rule,
        )
    return Access(
        member_id=member_id,
        actor_user_id=member_id,
        recipient_ref=f"member:{member_id}",
        recipient_label="You",
        purpose="own access",
        categories=categories,
        allowed=True,
        rule=rule,
    )


def log_accesses(accesses: Iterable[Access]) -> None:
    """Record decisions, allowed and refused, in one insert, at one instant: the decisions of one
    look share their time, so a member's page counts looks, not items (``who_saw_grouped``)."""
    at = timezone.now()
    entries = [
        AccessLogEntry(
            at=at,
            member_id=a.member_id,
            actor_user_id=a.actor_user_id,
            recipient_ref=a.recipient_ref,
            recipient_label=a.recipient_label,
            purpose=a.purpose,
            categories=a.categories,
            allowed=a.allowed,
            rule=a.rule,
        )
        for a in accesses
    ]
    if len(entries) == 1:
        # One statement on its own, where a bulk insert opens and commits a transaction around it:
        # a member's own read (nearly every page of theirs) logs one entry.
        _ACCESS_LOG_ENTRY.save(entries[0])
    else:
        AccessLogEntry.objects.bulk_create(entries)


# --- Audit events (invariant 2c) ------------------------------------------------------------------

# Every change the platform records, as the office reads it. A change not listed here is refused, so
# a new kind of change is named here (and in the office's filter) before it can be recorded.
AUDIT_ACTIONS: dict[str, StrOrPromise] = {
    "account.sessions_ended": _("Signed-in sessions ended"),
    "account.closed_for_shredding": _("Account closed, its data to be shredded"),
    "account.shredded": _("Account shredded"),
    "contact.reported_lost": _("Lost or compromised contact data reported"),
    "contact.replacement_checked": _("New contact data checked"),
    "booking.created": _("Appointment booked"),
    "slot.held": _("Time held for someone signing up or in to book it"),
    "appointment.cancelled": _("Appointment cancelled"),
    "appointment.rescheduled": _("Appointment moved"),
    "appointment.status_changed": _("Visit status changed"),
    "calendar.time_off_added": _("Time off added"),
    "calendar.extra_hours_added": _("Extra hours opened"),
    "authorization.signed": _("Authorization signed"),
    "authorization.revoked": _("Authorization revoked"),
    "restriction.requested": _("Restriction requested"),
    "restriction.decided": _("Restriction decided"),
    "restriction.ended": _("Restriction ended"),
    "amendment.requested": _("Amendment requested"),
    "amendment.accepted": _("Amendment accepted"),
    "amendment.denied": _("Amendment denied"),
    "amendment.disagreement_filed": _("Statement of disagreement filed"),
    "amendment.rebutted": _("Rebuttal of a statement written"),
    "partner.registered": _("Business partner registered"),
    "legal_demand.recorded": _("Legal demand recorded"),
    "legal_demand.released": _("Released under a legal demand"),
    "transfer.announced": _("Transfer announced"),
    "profile.updated": _("Profile edited"),
    "parental_consent.given": _("Parental consent given"),
    "guardianship.started": _("Dependent added by their guardian"),
    "guardianship.invited": _("Dependent invited to take over their account"),
    "guardianship.taken_over": _("Dependent took over their account"),
    "guardianship.given_up": _("Guardian gave up a dependent"),
    "guardianship.ended": _("Guardianship ended by the privacy office"),
    "contact.chosen": _("Ways to be written to chosen"),
    "language.chosen": _("Language of messages chosen"),
    "marketing.sent": _("Marketing message sent"),
    "marketing.opted_out": _("Marketing stopped"),
    "message.retried": _("Message sent again"),
    "incident.recorded": _("Breach recorded"),
    "incident.members_told": _("Members told of a breach"),
    "incident.reported": _("Breach reported to an authority"),
    "request.filed": _("Request filed"),
    "request.assigned": _("Request assigned to an officer"),
    "request.review_started": _("Request review started"),
    "request.extended": _("Request deadline extended"),
    "request.concluded": _("Request answered"),
    "request.reminded": _("Office reminded of a request's deadline"),
    # Notices (NOTICE-1, RIGHT-PAPER): versions published, members told, accepted and acknowledged.
    "notice.published": _("Notice version published"),
    "notice.members_told": _("Members told of a new notice version"),
    "notice.accepted": _("Notice accepted at sign-up"),
    "notice.acknowledged": _("New notice version acknowledged"),
    "notice.paper_copy_requested": _("Paper copy of the notice asked for"),
    # Partners: a facility's HCF admin runs its practice.
    "facility.profile_changed": _("Facility profile changed"),
    "facility.plans_changed": _("Plans a facility accepts changed"),
    "facility.booking_rules_changed": _("Cancellation cut-off or reminders changed"),
    "practitioner.added": _("Practitioner added to a facility"),
    "practitioner.attached": _("Practitioner attached to a facility"),
    "practitioner.deactivated": _("Practitioner deactivated at a facility"),
    "practitioner.plans_changed": _("Plans a practitioner takes changed"),
    "calendar.rule_added": _("Weekly hours added"),
    "calendar.rule_changed": _("Weekly hours changed"),
    "calendar.rule_removed": _("Weekly hours removed"),
    "visit_type.created": _("Visit type created"),
    "visit_type.changed": _("Visit type changed"),
    "visit_type.retired": _("Visit type retired"),
    "invitation.sent": _("Invitation to a practice's team sent"),
    "invitation.withdrawn": _("Invitation withdrawn"),
    "invitation.accepted": _("Invitation accepted"),
    "staff.role_changed": _("Staff role changed"),
    "staff.removed": _("Staff member removed"),
    "directory.operator_changed": _("Directory changed in the operators' admin"),
    "copy.given": _("Copy of records given"),
    "copy.item_withheld": _("Item withheld from copies"),
    "copy.review_asked": _("Review of a withheld item asked"),
    "copy.reviewer_assigned": _("Reviewer of a withheld item assigned"),
    "copy.review_decided": _("Review of a withheld item decided"),
}

# References and codes only: lower-case, no spaces, short. A sentence, an address or a name as typed
# cannot pass; a lone lower-case word could, so the tests also sweep every event for typed values.
_CODE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,79}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_DETAILS = 12


def record_event(
    *,
    actor: Any,
    action: str,
    subject_ref: str,
    member_id: int | None = None,
    details: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Record one change, in the transaction that makes it, so the two commit or fail together.

    ``actor`` is the signed-in user who made the change, or ``None`` for IndigoMed itself (a rule,
    a worker, a parent's link). ``details`` holds references only: ints, booleans, UUIDs, short
    lower-case codes, or lists of codes. Raises ``ValueError`` for an unknown action or a detail
    that is not a plain reference, and ``RuntimeError`` outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An audit event is written inside the transaction of the change it records.")
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}.")
    if not _CODE.fullmatch(subject_ref):
        raise ValueError("An audit event's subject is a reference such as appointment:<id>.")
    clean = _references(details or {})
    # A guardian acting for a dependent (CHILD-3) is the one who acts; the dependent is the member.
    guardian = getattr(actor, "acting_user_id", None)
    if guardian is not None:
        clean["on_behalf"] = True
    return _AUDIT_EVENT.save(
        AuditEvent(
            actor_user_id=guardian or getattr(actor, "pk", None),
            action=action,
            member_id=member_id,
            subject_ref=subject_ref,
            details=clean,
        )
    )


def _references(details: Mapping[str, object]) -> dict[str, object]:
    if len(details) > _MAX_DETAILS:
        raise ValueError("An audit event carries a few references, not a record.")
    clean: dict[str, object] = {}
    for key, value in details.items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"Audit detail names are short codes, not {key!r}.")
        clean[key] = _reference(key, value)
    return clean


def _reference(key: str, value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**63:
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and _CODE.fullmatch(value):
        return value
    if (
        isinstance(value, list | tuple)
        and len(value) <= _MAX_DETAILS
        and all(isinstance(v, str) and _CODE.fullmatch(v) for v in value)
    ):
        return list(value)
    raise ValueError(f"Audit detail {key!r} must be a reference (an id, a UUID or a short code), not a value.")
