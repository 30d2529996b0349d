"""Items a clinician withholds from a member's copies, and the review of that denial (RIGHT-ACCESS).

A practitioner of the member's care team may withhold one booking and the visit it made, with a reason
the member reads (HIPAA 45 CFR 164.524(a)(3)(i): access reasonably likely to endanger life or physical
safety; GDPR art. 15(4)). The member may ask for a review; the privacy office assigns another licensed
professional who took no part in the denial (the database refuses the author); the reviewer upholds it
or overturns it, and an overturned item is in every later copy. Billing records are never withheld
for harm: they are the billing department's, and a clinician's judgement does not reach them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.directory.models import Practitioner
from indigomed.errors import Invalid, NotFound
from indigomed.interop.models import Withholding, WithholdingReview
from indigomed.interop.sources import BookingRow, Directory
from indigomed.messaging.services import send_to_member
from indigomed.privacy import copies as door
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.queries import care_team_choices
from indigomed.scheduling.models import Appointment
from indigomed.security.services import record_event

REASON_MAX = 2000
Status = WithholdingReview.Status


def _reason(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned.split()) < 3:
        raise Invalid(gettext("Give the reason in a sentence the member will read."), field="reason")
    if len(cleaned) > REASON_MAX:
        raise Invalid(
            gettext("Give the reason in at most %(reason_max)s characters.") % {"reason_max": REASON_MAX},
            field="reason",
        )
    return cleaned


def withhold_item(*, clinician: User, appointment_public_id: str, reason: str) -> Withholding:
    """A practitioner of the member's care team withholds one booking and its visit from the member's
    copies, with the reason the member will read. One withholding per item at a time.

    Raises ``NotFound`` unless the clinician is a practitioner caring for the member the booking is
    theirs, and ``Invalid`` for a missing or overlong reason or an item already withheld."""
    practitioner_id = load_actor(clinician).practitioner_id
    appointment = _appointment(appointment_public_id)
    if practitioner_id is None or appointment is None:
        raise NotFound(gettext("We could not find that appointment."))
    team = {ref for ref, _ in care_team_choices(appointment.member_id)}
    if Recipient.practitioner(practitioner_id, "").ref not in team:
        raise NotFound(gettext("We could not find that appointment."))
    text = _reason(reason)
    withholding = Withholding(
        member_id=appointment.member_id,
        item_ref=f"appointment:{appointment.public_id}",
        reason=door.seal_for_member(
            member_id=appointment.member_id, model=Withholding, field="reason", content=text.encode("utf-8")
        ),
        withheld_by_practitioner_id=practitioner_id,
        withheld_by_user_id=clinician.pk,
    )
    try:
        with transaction.atomic():
            withholding.save(force_insert=True)
            record_event(
                actor=clinician,
                action="copy.item_withheld",
                member_id=appointment.member_id,
                subject_ref=f"withholding:{withholding.public_id}",
            )
    except IntegrityError as exc:
        raise Invalid(gettext("This item is already withheld from the member's copies.")) from exc
    return withholding


def _appointment(public_id: str) -> Appointment | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Appointment.objects.filter(public_id=key).first()


def ask_review(*, member: User, withholding_public_id: str) -> WithholdingReview:
    """The member asks that another licensed professional review a withholding of theirs.

    Raises ``NotFound`` for someone else's withholding or one no longer in force, and ``Invalid`` for
    a second request about the same withholding."""
    withholding = _withholding(withholding_public_id, member_id=member.pk)
    if withholding is None or withholding.lifted_at is not None:
        raise NotFound(gettext("We could not find that withheld item."))
    try:
        with transaction.atomic():
            review = WithholdingReview.objects.create(
                withholding=withholding,
                member_id=withholding.member_id,
                withheld_by_practitioner_id=withholding.withheld_by_practitioner_id,
            )
            record_event(
                actor=member,
                action="copy.review_asked",
                member_id=member.pk,
                subject_ref=f"review:{review.public_id}",
            )
    except IntegrityError as exc:
        raise Invalid(gettext("You already asked for this decision to be reviewed; its state is shown below.")) from exc
    return review


def _withholding(public_id: str, *, member_id: int | None = None) -> Withholding | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    found = Withholding.objects.filter(public_id=key)
    if member_id is not None:
        found = found.filter(member_id=member_id)
    return found.first()


def _review(public_id: str) -> WithholdingReview | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return WithholdingReview.objects.select_related("withholding").filter(public_id=key).first()


def reviewer_choices(review: WithholdingReview) -> list[tuple[int, str]]:
    """Practitioners who can sign in to review, except the denial's author: (id, name)."""
    return [
        (p.pk, p.display_name)
        for p in Practitioner.objects.filter(user__isnull=False)
        .exclude(pk=review.withheld_by_practitioner_id)
        .order_by("family_name", "given_name")
    ]


def assign_reviewer(*, officer: User, review_public_id: str, practitioner_id: int) -> WithholdingReview:
    """The privacy office assigns a licensed professional, who took no part in the denial, to review it.

    Raises ``NotFound`` for anyone but the privacy office or an unknown review, and ``Invalid`` for the
    denial's own author, a practitioner who cannot sign in, or a review already assigned."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that review."))
    review = _review(review_public_id)
    if review is None:
        raise NotFound(gettext("We could not find that review."))
    if practitioner_id == review.withheld_by_practitioner_id:
        raise Invalid(
            gettext("The clinician who withheld the item cannot review their own decision."), field="reviewer"
        )
    if not Practitioner.objects.filter(pk=practitioner_id, user__isnull=False).exists():
        raise Invalid(gettext("Choose a practitioner who can sign in to IndigoMed."), field="reviewer")
    with transaction.atomic():
        changed = WithholdingReview.objects.filter(pk=review.pk, status=Status.ASKED).update(
            status=Status.ASSIGNED,
            reviewer_practitioner_id=practitioner_id,
            assigned_by_user_id=officer.pk,
            assigned_at=timezone.now(),
        )
        if not changed:
            raise Invalid(gettext("This review already has its reviewer."))
        record_event(
            actor=officer,
            action="copy.reviewer_assigned",
            member_id=review.member_id,
            subject_ref=f"review:{review.public_id}",
            details={"reviewer": f"practitioner:{practitioner_id}"},
        )
    review.refresh_from_db()
    return review


@dataclass(frozen=True)
class UnderReview:
    """What the reviewer reads: the item, the clinician's reason, and the review's state."""

    review: WithholdingReview
    when: dt.datetime | None
    item: door.ReviewedItem
    reason: str


def _assigned_to(reviewer: User, review_public_id: str) -> WithholdingReview:
    practitioner_id = load_actor(reviewer).practitioner_id
    review = _review(review_public_id)
    if review is None or practitioner_id is None or review.reviewer_practitioner_id != practitioner_id:
        raise NotFound(gettext("We could not find that review."))
    return review


def open_for_review(*, reviewer: User, review_public_id: str) -> UnderReview:
    """The withheld item and the reason for withholding it, for the professional assigned (logged).

    Raises ``NotFound`` for anyone else."""
    review = _assigned_to(reviewer, review_public_id)
    appointment_id = uuid.UUID(review.withholding.item_ref.removeprefix("appointment:"))
    item = door.withheld_item_for_review(
        member_id=review.member_id,
        appointment_id=appointment_id,
        reviewer_user_id=reviewer.pk,
        reviewer_label="Reviewing professional",
        review_ref=str(review.public_id),
    )
    when = Appointment.objects.filter(public_id=appointment_id).values_list("starts_at", flat=True).first()
    return UnderReview(review, when, item, _opened_reason(review.withholding))


def decide_review(*, reviewer: User, review_public_id: str, overturn: bool, reason: str) -> WithholdingReview:
    """The assigned reviewer upholds the denial or overturns it (the item is then in every later copy);
    the member is told through the outbox.

    Raises ``NotFound`` for anyone but the assigned reviewer, ``Invalid`` for a missing reason or a
    review already decided."""
    review = _assigned_to(reviewer, review_public_id)
    text = _reason(reason)
    now = timezone.now()
    status = Status.OVERTURNED if overturn else Status.UPHELD
    with transaction.atomic():
        changed = WithholdingReview.objects.filter(pk=review.pk, status=Status.ASSIGNED).update(
            status=status,
            decided_at=now,
            decision_reason=door.seal_for_member(
                member_id=review.member_id, model=WithholdingReview, field="decision_reason", content=text.encode()
            ),
        )
        if not changed:
            raise Invalid(gettext("This review is already decided."))
        if overturn:
            Withholding.objects.filter(pk=review.withholding_id, lifted_at__isnull=True).update(lifted_at=now)
        record_event(
            actor=reviewer,
            action="copy.review_decided",
            member_id=review.member_id,
            subject_ref=f"review:{review.public_id}",
            details={"status": status.value},
        )
        send_to_member(
            member_id=review.member_id,
            subject="The review you asked for is done",
            body=(
                "The professional reviewing an item withheld from your copies has decided: "
                + ("it will be in your next copy." if overturn else "it stays withheld.")
                + " Their reasons are on your copies page in IndigoMed."
            ),
            reason="review-of-withholding",
            actor_user_id=reviewer.pk,
        )
    review.refresh_from_db()
    return review


def _opened_reason(withholding: Withholding) -> str:
    opened = door.open_for_member(
        member_id=withholding.member_id, model=Withholding, field="reason", content=bytes(withholding.reason)
    )
    return opened.decode("utf-8") if opened is not None else ""


# --- What the member reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class WithheldNote:
    """A withholding in force, as the member's copy and page tell it."""

    public_id: uuid.UUID
    item_ref: str
    text: str
    reason: str
    review: WithholdingReview | None


def _describe(withholding: Withholding, booking: BookingRow | None, directory: Directory) -> str:
    if booking is None:
        return "An item of your records"
    place = directory.places.get(booking.facility_id)
    local = booking.starts_at.astimezone(ZoneInfo(place.timezone)) if place else booking.starts_at
    doctor = directory.doctors.get(booking.practitioner_id)
    who = f" with {doctor.display_name}" if doctor else ""
    return f"Your booking of {local:%d %b %Y}{who}, and the visit it made,"


def active_withholdings(*, member_id: int, bookings: Sequence[BookingRow], directory: Directory) -> list[WithheldNote]:
    """The member's withholdings in force, each with the sentence a copy tells them."""
    by_ref = {f"appointment:{b.public_id}": b for b in bookings}
    rows = list(
        Withholding.objects.filter(member_id=member_id, lifted_at__isnull=True)
        .select_related("review")
        .order_by("withheld_at")
    )
    directory.load(practitioner_ids={r.withheld_by_practitioner_id for r in rows}, facility_ids=(), plan_slugs=())
    notes = []
    for row in rows:
        reason = _opened_reason(row)
        author = directory.doctors.get(row.withheld_by_practitioner_id)
        by = author.display_name if author else "a clinician"
        text = (
            f"{_describe(row, by_ref.get(row.item_ref), directory)} is withheld by {by}, who judged that seeing it "
            f"could endanger you or someone else: “{reason}” You may ask for this decision to be reviewed by "
            "another licensed professional, whom the privacy office assigns, from your copies page."
        )
        notes.append(WithheldNote(row.public_id, row.item_ref, text, reason, getattr(row, "review", None)))
    return notes


@dataclass(frozen=True)
class ReviewState:
    """A review as the member follows it."""

    review: WithholdingReview
    decision_reason: str


def reviews_of(member_id: int) -> list[ReviewState]:
    """The member's reviews, newest first, with the reviewer's reasons once decided."""
    found = []
    for review in WithholdingReview.objects.filter(member_id=member_id).order_by("-asked_at"):
        opened = (
            door.open_for_member(
                member_id=member_id,
                model=WithholdingReview,
                field="decision_reason",
                content=bytes(review.decision_reason),
            )
            if review.decision_reason is not None
            else None
        )
        found.append(ReviewState(review, opened.decode("utf-8") if opened else ""))
    return found


def reviews_waiting() -> list[WithholdingReview]:
    """Reviews the office has to assign, oldest first."""
    return list(WithholdingReview.objects.filter(status=Status.ASKED).order_by("asked_at"))


def reviews_assigned_to(reviewer: User) -> list[WithholdingReview]:
    practitioner_id = load_actor(reviewer).practitioner_id
    if practitioner_id is None:
        return []
    return list(
        WithholdingReview.objects.filter(reviewer_practitioner_id=practitioner_id, status=Status.ASSIGNED).order_by(
            "assigned_at"
        )
    )
