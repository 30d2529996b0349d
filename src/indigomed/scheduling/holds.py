"""Holding a chosen time for a few minutes while its visitor signs up or signs in to book it.

The visitor is known by a random token in their session (its hash is the hold's ``holder``), so
the hold follows them through sign-up, e-mail confirmation and sign-in in the same browser. The
booking service refuses a held slot to anyone else (``SlotHeld``). So that nobody can lock a
calendar with holds: a visitor holds one time at most (a new hold replaces theirs), a hold lasts
``SLOT_HOLD_MINUTES`` and is renewed once only, a calendar has at most
``SLOT_HOLDS_PER_CALENDAR`` held times at once, holds are asked for by a deliberate POST (never
by following a link), and each client address may ask ``SLOT_HOLD_RATE_LIMIT`` times per window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.directory.models import PractitionerRole
from indigomed.errors import Conflict, NotFound
from indigomed.scheduling.errors import SlotHeld, SlotInPast, SlotTaken
from indigomed.scheduling.limits import count_hold
from indigomed.scheduling.models import Slot, SlotHold
from indigomed.security.services import record_event


def holder_of(token: str | None) -> str | None:
    """The hold's ``holder`` for a visitor's token (a hash: the token itself stays in the session)."""
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def hold_minutes() -> int:
    return int(product_setting("SLOT_HOLD_MINUTES"))


def hold_slot(*, slot_id: int, token: str, client: str) -> SlotHold:
    """Hold an open future slot for the visitor whose session keeps ``token``.

    Replaces the visitor's earlier hold. Raises ``TooManyHolds`` past the client's rate,
    ``NotFound`` for an unknown slot, ``SlotInPast``, ``SlotTaken`` for a booked or closed one,
    ``SlotHeld`` when someone else holds it and ``Conflict`` when its calendar already has as many
    held times as allowed.
    """
    count_hold(client=client)
    holder = hashlib.sha256(token.encode()).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        slot = Slot.objects.filter(pk=slot_id).values("role_id", "starts_at", "is_open").first()
        if slot is None:
            raise NotFound(_("We could not find that time slot."))
        # Counting the calendar's holds is serialised per calendar, so its cap holds under a race.
        list(PractitionerRole.objects.select_for_update(no_key=True).filter(pk=slot["role_id"]).values_list("pk"))
        SlotHold.objects.filter(expires_at__lte=now).delete()
        SlotHold.objects.filter(holder=holder).delete()
        if slot["starts_at"] <= now:
            raise SlotInPast("That time has already passed. Please choose a later time.")
        if not slot["is_open"]:
            raise SlotTaken("Sorry, that time is no longer available.")
        current = SlotHold.objects.filter(slot_id=slot_id).values_list("expires_at", flat=True).first()
        if current is not None:
            raise held_by_someone_else(current)
        if SlotHold.objects.filter(slot__role_id=slot["role_id"]).count() >= int(
            product_setting("SLOT_HOLDS_PER_CALENDAR")
        ):
            raise Conflict(
                _("Several people are booking with this practitioner right now, so we cannot hold this time.")
            )
        try:
            with transaction.atomic():
                hold = SlotHold.objects.create(
                    slot_id=slot_id, holder=holder, expires_at=now + dt.timedelta(minutes=hold_minutes())
                )
        except IntegrityError as exc:  # someone held it a moment ago
            raise held_by_someone_else(now + dt.timedelta(minutes=hold_minutes())) from exc
        record_event(actor=None, action="slot.held", subject_ref=f"slot:{slot_id}", details={"minutes": hold_minutes()})
    return hold


def held_by_someone_else(until: dt.datetime) -> SlotHeld:
    minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
    return SlotHeld(
        f"Someone is finishing booking this time. It may be free again in {minutes} "
        f"minute{'s' if minutes > 1 else ''}; here are other open times."
    )


def hold_for(*, token: str | None, slot_id: int) -> SlotHold | None:
    """The visitor's unexpired hold on the slot, if they have one."""
    holder = holder_of(token)
    if holder is None:
        return None
    return SlotHold.objects.filter(holder=holder, slot_id=slot_id, expires_at__gt=timezone.now()).first()


def renew_on_return(*, actor: Any, token: str | None, slot_id: int) -> SlotHold | None:
    """When the visitor comes back signed in to the time they hold, give them a few fresh minutes
    to confirm, once. Returns their hold (renewed or not), or ``None`` if they hold nothing there."""
    hold = hold_for(token=token, slot_id=slot_id)
    if hold is None or hold.renewed:
        return hold
    with transaction.atomic():
        renewed_until = timezone.now() + dt.timedelta(minutes=hold_minutes())
        if not SlotHold.objects.filter(pk=hold.pk, renewed=False).update(expires_at=renewed_until, renewed=True):
            return hold_for(token=token, slot_id=slot_id)
        record_event(
            actor=actor,
            action="slot.held",
            subject_ref=f"slot:{slot_id}",
            details={"minutes": hold_minutes(), "renewed": True},
        )
    hold.expires_at, hold.renewed = renewed_until, True
    return hold
