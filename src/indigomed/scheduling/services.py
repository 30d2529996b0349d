"""Every change to an appointment: booking, cancelling, moving, and the visit lifecycle.

What a practice opens and closes (slots, time off, extra hours) is ``scheduling.opening_hours``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.accounts.roles import load_actor
from indigomed.errors import Forbidden, Invalid, NotFound
from indigomed.messaging.services import queue_appointment_messages
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import own_booking_details, record_care_relationship
from indigomed.privacy.signing import sign_authorization
from indigomed.records.services import member_keys_kept_open, record_booking_details, record_completed_visit
from indigomed.scheduling import booking_store
from indigomed.scheduling.errors import (
    CutoffPassed,
    OverlappingBooking,
    SlotClosed,
    SlotInPast,
    SlotTaken,
    WrongStatus,
)
from indigomed.scheduling.fitting import ANY, PATIENT_KINDS, refuse_unless_fits
from indigomed.scheduling.holds import held_by_someone_else, holder_of
from indigomed.scheduling.limits import OVERLAPPING, check_member_may_hold, count_booking_attempt
from indigomed.scheduling.models import Appointment, AvailabilityException, Slot
from indigomed.scheduling.next_open import refresh_next_open
from indigomed.scheduling.queries import (
    appointment_for_member,
    appointment_for_practice,
    next_open_slots,
)
from indigomed.security.services import record_event

Status = Appointment.Status
# PostgreSQL's deadlock and serialization failures: the transaction may simply be tried again.
TRANSIENT = {"40P01", "40001"}
# The largest id the database holds (a signed 64-bit integer); anything larger names nothing.
MAX_ID = 2**63 - 1
# A consent given while booking covers the visit and the care that follows it for a year.
CONSENT_LASTS = dt.timedelta(days=365)


# --- Booking ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedConsent:
    """The member's consent, given while booking, that the practitioner see a reason of a
    specially protected kind (USE-4, USE-5): typed full name and the explicit tick."""

    signed_name: str
    explicit_consent: bool = True


def book_appointment(
    *,
    actor: Any,
    slot_id: int,
    visit_reason: str,
    insurance_plan: str | None,
    consent: SignedConsent | None = None,
    rescheduled_from: Appointment | None = None,
    for_member: Any | None = None,
    patient: str | None = None,
    hold_token: str | None = None,
) -> Appointment:
    """Book an open slot for the signed-in member, or, with ``for_member``, for the member a
    practice refers (BOOK-5): the practice is then the actor, and the booking the member's.

    With ``consent``, and a reason of a kind the law protects, the member's authorization that
    the booked practitioner see it for treatment is signed in the same transaction: the booking
    and its consent commit together, or neither does. A reason of no protected kind needs none,
    and a consent given with it is not recorded.

    Guarantees: the slot is booked at most once whoever races for it, because the database's
    partial unique index on the slot decides; the loser gets ``SlotTaken`` carrying the next
    open slots of the same practitioner. A slot inside the practice's time off is refused by the
    database too (a trigger); the service says so first with ``SlotClosed``. A member holds no
    two overlapping appointments (``OverlappingBooking``) and, booking themselves, no more
    upcoming ones than the operator allows (``BookingLimitReached``) nor more attempts than
    the rate allows (``TooManyBookingAttempts``); the database refuses overlapping appointments
    too (an exclusion constraint, a trigger on SQLite), which a racing twin meets as
    ``OverlappingBooking``.

    The slot's visit type must fit (``scheduling.fitting``): still offered, for the reason, and for
    ``patient`` ("new" or "returning", as the member says; not said, as their history makes
    them; "returning" without a completed visit with the practitioner is taken as new), else
    ``VisitTypeDoesNotFit`` with the next times that fit. A slot held for another visitor
    (``scheduling.holds``) is refused with ``SlotHeld``; ``hold_token`` is the booker's own
    visitor token, whose hold the booking ends. Raises ``NotFound`` for an unknown slot,
    reason or plan, ``SlotInPast`` for a slot that has started, ``Invalid`` for a reason the
    practitioner does not see, a plan they do not take, a consent without its signature or one
    given by a practice,
    ``Forbidden`` for a booking for someone who is not a member.
    """
    member = for_member if for_member is not None else actor
    if for_member is not None and consent is not None:
        raise Invalid(_("Only the member signs their own consent."))
    if patient not in (None, *PATIENT_KINDS):
        raise Invalid(_("Say whether you are a new or a returning patient."))
    not_member = Forbidden(_("Only members can book appointments."))
    if not getattr(member, "is_authenticated", False):
        raise not_member
    if not 0 < slot_id <= MAX_ID:
        raise NotFound(_("We could not find that time slot."))
    # Whoever books is rate-limited: the member for themselves, the practice for its referrals.
    count_booking_attempt(member_id=actor.pk)
    context = booking_store.load_context(
        booker_id=member.pk, slot_id=slot_id, visit_reason=visit_reason, insurance_plan=insurance_plan
    )
    if context is None:
        raise not_member if not load_actor(member).is_member else NotFound(_("We could not find that time slot."))
    if not context.booker_is_member:
        raise not_member
    if context.booker_awaits_parental_consent:
        raise Forbidden(
            _(
                "Your parent or guardian has not given their consent yet. We e-mailed them a link; "
                "you can book once they have used it."
            )
        )
    if not context.role_active:
        raise NotFound(_("We could not find that time slot."))
    if context.starts_at <= timezone.now():
        raise SlotInPast("That time has already passed. Please choose a later time.")
    if context.slot_closed_for_time_off:
        raise SlotClosed(
            "Sorry, the practice is closed at that time. Here are the next open times.",
            next_slots=next_open_slots([context.role_id], per_role=5).get(context.role_id, []),
        )
    if context.held_by is not None and context.held_by != holder_of(hold_token):
        assert context.held_until is not None
        refusal = held_by_someone_else(context.held_until)
        refusal.details["next_slots"] = next_open_slots([context.role_id], per_role=5).get(context.role_id, [])
        raise refusal
    if context.reason is None:
        raise NotFound(_("We do not know that visit reason."))
    if not context.practitioner_sees_reason:
        raise Invalid(_("%(name)s does not see patients for that reason.") % {"name": context.practitioner_name})
    refuse_unless_fits(member_id=member.pk, context=context, said=patient)
    if insurance_plan:
        if context.plan is None:
            raise NotFound(_("We do not know that insurance plan."))
        if not context.practitioner_takes_plan:
            raise Invalid(
                _("%(name)s does not accept %(plan)s.")
                % {"name": context.practitioner_name, "plan": context.plan.label}
            )
    if consent is not None and context.reason.tags:
        if not consent.explicit_consent:
            raise Invalid(_("Tick the box that says you consent, or book without consenting."))
        if len(consent.signed_name.split()) < 2:
            raise Invalid(_("Type your full name to sign the consent."))
    else:
        consent = None  # nothing the law protects: nothing to consent to
    # A deadlock with a racing cancellation is resolved by the database choosing a victim; the
    # victim simply tries again (only when it owns the transaction: a caller's would be lost).
    attempts = 1 if transaction.get_connection().in_atomic_block else 3
    try:
        while True:
            attempts -= 1
            try:
                # A referral counts against the member's limits too: a practice must not fill a colleague's calendar.
                return _write_booking(actor, member, context, rescheduled_from, consent)
            except OperationalError as exc:
                if attempts == 0 or getattr(exc.__cause__, "sqlstate", None) not in TRANSIENT:
                    raise
    except IntegrityError as exc:
        if booking_store.is_overlap(exc):
            raise OverlappingBooking(OVERLAPPING) from exc
        upcoming = next_open_slots([context.role_id], per_role=5).get(context.role_id, [])
        raise SlotTaken(
            "Sorry, that time is no longer available. Here are the next open times.", next_slots=upcoming
        ) from exc


def _write_booking(
    actor: Any,
    member: Any,
    context: booking_store.BookingContext,
    rescheduled_from: Appointment | None,
    consent: SignedConsent | None,
) -> Appointment:
    reason, plan = context.reason, context.plan
    assert reason is not None
    practitioner = Recipient.practitioner(context.practitioner_id, context.practitioner_name)
    # A reschedule books inside its own transaction, which a lost race must leave intact.
    in_callers_transaction = transaction.get_connection().in_atomic_block
    # The member's key, unwrapped once for the details and each message that seal with it.
    with transaction.atomic(), member_keys_kept_open():
        check_member_may_hold(
            member_id=member.pk,
            practitioner_id=context.practitioner_id,
            practitioner_name=context.practitioner_name,
            starts_at=context.starts_at,
            ends_at=context.ends_at,
        )
        appointment = booking_store.write_booking(
            member_id=member.pk, context=context, rescheduled_from=rescheduled_from, savepoint=in_callers_transaction
        )
        # The answer to the member who booked shows these as they gave them, without reading them back.
        appointment.booked_details = record_booking_details(
            member_id=member.pk,
            appointment_public_id=appointment.public_id,
            reason={"slug": reason.slug, "name": reason.name, "tags": list(reason.tags)},
            insurance={"slug": plan.slug, "name": plan.label} if plan else None,
        )
        # USE-5: booking makes the practitioner and their facility part of the member's care.
        record_care_relationship(
            member_id=member.pk,
            recipient_refs=[practitioner.ref, Recipient.facility(context.facility_id, context.facility_name).ref],
            source_ref=f"appointment:{appointment.public_id}",
        )
        # The member's confirmation and reminders (or, for a move, the moved notice) go with it.
        queue_appointment_messages(appointment=appointment, event="booked", reason_tags=list(reason.tags))
        # A move is one change: the new appointment names the one it replaces.
        record_event(
            actor=actor,
            action="appointment.rescheduled" if rescheduled_from else "booking.created",
            member_id=member.pk,
            subject_ref=f"appointment:{appointment.public_id}",
            details={"slot": context.slot_id}
            | ({"moved_from": rescheduled_from.public_id} if rescheduled_from else {}),
        )
        if consent is not None:
            sign_authorization(
                actor=member,
                recipient_ref=practitioner.ref,
                recipient_label=practitioner.label,
                purposes=["treatment"],
                categories=["medical"],
                tags=list(reason.tags),
                information=f"The reason for my visit of {context.starts_at:%Y-%m-%d} and related information",
                signed_name=consent.signed_name,
                explicit_consent=consent.explicit_consent,
                expires_at=context.starts_at + CONSENT_LASTS,
            )
        return appointment


def kind_of_visit(appointment: Appointment) -> str | None:
    """The kind of patient a booked visit was for: new or returning, or ``None`` for any."""
    patients = appointment.visit_type.patients
    return None if patients == ANY else str(patients)


def changes_close_at(appointment: Appointment) -> dt.datetime:
    """The moment after which the member can no longer cancel or move online (the practice's cut-off)."""
    return appointment.starts_at - dt.timedelta(hours=appointment.role.facility.effective_cancel_cutoff_hours)


def can_change_online(appointment: Appointment) -> bool:
    """Whether the member may still cancel or move this appointment themselves (BOOK-3)."""
    return appointment.status == Status.BOOKED and timezone.now() <= changes_close_at(appointment)


def _check_cutoff(appointment: Appointment) -> None:
    if timezone.now() > changes_close_at(appointment):
        facility = appointment.role.facility
        reach = f" at {facility.phone}" if facility.phone else ""
        raise CutoffPassed(
            f"{facility.name} does not take changes online less than "
            f"{facility.effective_cancel_cutoff_hours} hours before the visit. Please call them{reach}."
        )


def cancel_appointment(*, actor: Any, public_id: str) -> Appointment:
    """Cancel the member's own booked appointment before the practice's cut-off; frees the slot."""
    appointment = appointment_for_member(actor, public_id)
    if appointment.status != Status.BOOKED:
        raise WrongStatus("Only a booked appointment can be cancelled.")
    _check_cutoff(appointment)
    with transaction.atomic():
        _cancel(appointment)
        queue_appointment_messages(appointment=appointment, event="cancelled")
        record_event(
            actor=actor,
            action="appointment.cancelled",
            member_id=appointment.member_id,
            subject_ref=f"appointment:{appointment.public_id}",
        )
    return appointment


def _cancel(appointment: Appointment) -> None:
    changed = Appointment.objects.filter(pk=appointment.pk, status=Status.BOOKED).update(
        status=Status.CANCELLED, status_changed_at=timezone.now()
    )
    if not changed:
        raise WrongStatus("This appointment was changed meanwhile; please reload.")
    appointment.status = Status.CANCELLED
    # A slot that time off added since the booking covers stays closed.
    time_off = AvailabilityException.objects.filter(
        role_id=OuterRef("role_id"),
        kind=AvailabilityException.Kind.TIME_OFF,
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    Slot.objects.filter(pk=appointment.slot_id, starts_at__gt=timezone.now()).exclude(Exists(time_off)).update(
        is_open=True
    )
    refresh_next_open(role_ids=[appointment.role_id])


def reschedule_appointment(*, actor: Any, public_id: str, new_slot_id: int) -> Appointment:
    """Move the member's appointment to another open slot of the same practitioner and place.

    Both happen or neither: if the new slot is taken the old booking stands.
    """
    appointment = appointment_for_member(actor, public_id)
    if appointment.status != Status.BOOKED:
        raise WrongStatus("Only a booked appointment can be moved.")
    _check_cutoff(appointment)
    if not 0 < new_slot_id <= MAX_ID:
        raise NotFound(_("We could not find that time slot."))
    target = Slot.objects.filter(pk=new_slot_id).values_list("role_id", flat=True).first()
    if target is None:
        raise NotFound(_("We could not find that time slot."))
    if target != appointment.role_id:
        raise Invalid(_("Choose a new time with the same practitioner at the same place."))
    details = own_booking_details(actor=actor, appointments=[appointment])[appointment.public_id]
    with transaction.atomic():
        # The member's lock comes first, as in a booking, so a move and a booking cannot deadlock.
        booking_store.lock_member(member_id=actor.pk)
        _cancel(appointment)
        moved = book_appointment(
            actor=actor,
            slot_id=new_slot_id,
            visit_reason=details.reason_slug,
            insurance_plan=details.plan_slug,
            rescheduled_from=appointment,
            # The new time must fit the same patient: as the visit booked says, else their history.
            patient=kind_of_visit(appointment),
        )
    return moved


# --- The visit lifecycle (Connect) ------------------------------------------------------------

_ALLOWED_FROM = {
    Status.CHECKED_IN: (Status.BOOKED,),
    Status.COMPLETED: (Status.BOOKED, Status.CHECKED_IN),
    Status.NO_SHOW: (Status.BOOKED,),
}


def set_visit_status(*, actor: Any, public_id: str, status: str) -> Appointment:
    """Mark an appointment checked in, completed or no-show from the practice side.

    A completed visit is kept in the member's visit history in the same transaction.
    Raises ``NotFound`` outside the actor's practice and ``WrongStatus`` for a move the
    lifecycle does not allow (a cancelled visit cannot be completed).
    """
    appointment = appointment_for_practice(actor, public_id)
    try:
        target = Status(status)
    except ValueError as exc:
        raise Invalid(_("Choose checked in, completed or no-show.")) from exc
    allowed = _ALLOWED_FROM.get(target)
    if allowed is None:
        raise Invalid(_("Choose checked in, completed or no-show."))
    if target == Status.NO_SHOW and appointment.starts_at > timezone.now():
        raise WrongStatus("A visit that has not started cannot be a no-show.")
    with transaction.atomic():
        changed = Appointment.objects.filter(pk=appointment.pk, status__in=allowed).update(
            status=target, status_changed_at=timezone.now()
        )
        if not changed:
            raise WrongStatus(
                f"A {appointment.get_status_display().lower()} visit cannot become {target.label.lower()}."
            )
        appointment.status = target
        if target == Status.COMPLETED:
            local = appointment.starts_at.astimezone(ZoneInfo(appointment.role.facility.timezone))
            record_completed_visit(
                member_id=appointment.member_id,
                appointment_public_id=appointment.public_id,
                practitioner_name=appointment.role.practitioner.display_name,
                facility_name=appointment.role.facility.name,
                visit_date=local.date(),
            )
        queue_appointment_messages(appointment=appointment, event=str(target))
        record_event(
            actor=actor,
            action="appointment.status_changed",
            member_id=appointment.member_id,
            subject_ref=f"appointment:{appointment.public_id}",
            details={"status": target.value},
        )
    return appointment
