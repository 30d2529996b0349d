"""A dependent taking over their own account, and guardianships ending (CHILD-3).

A child who reaches the local age (the age of digital consent where they live, from the policy
file, counted in their own time zone) is invited once, by the worker's sweep or by their guardian's
"invite now": the invitation goes to the dependent's messages, which reach the guardian, and to the
dependent's own address when the guardian gives one. The link is signed, works once and expires.
Opening it, the dependent chooses their own address (confirmed by e-mail, allauth) and password: the
account is theirs, the guardianship ends, both are told. An adult ward is never invited: their
guardianship ends by the privacy office. A guardian may give a dependent up: the guardianship ends and
the account waits, managed by nobody, on the office's page (docs/guardians.md says why).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from indigomed.accounts.models import Guardianship, TakeOverInvitation, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Forbidden, Invalid, NotFound
from indigomed.messaging.services import queue_guardianship_ended, queue_take_over_invitation
from indigomed.records.sign_in_keys import normalize_address, seal_address, sign_in_key
from indigomed.security.services import record_event

INVITATION_DAYS = 14
_SALT = "indigomed.accounts.take-over"


# --- Who may take over ---------------------------------------------------------------------------


def age_reached(dependent_id: int, *, now: dt.datetime | None = None) -> bool:
    """Whether the dependent has reached, on their own day where they live, the age to hold their
    account (the date of birth is read by privacy, through ``ACCOUNTS_AGE_REACHED``)."""
    return bool(import_string(settings.ACCOUNTS_AGE_REACHED)(dependent_id, now or timezone.now()))


def invitable(guardianship: Guardianship, *, now: dt.datetime | None = None) -> bool:
    return (
        guardianship.ended_at is None
        and guardianship.kind == Guardianship.Kind.CHILD
        and age_reached(guardianship.dependent_id, now=now)
    )


def pending_invitation(guardianship: Guardianship, *, now: dt.datetime | None = None) -> TakeOverInvitation | None:
    """The invitation still waiting to be used, if any."""
    return (
        guardianship.invitations.filter(
            used_at__isnull=True, replaced_at__isnull=True, expires_at__gt=now or timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


# --- Inviting ------------------------------------------------------------------------------------


def _link(invitation: TakeOverInvitation) -> str:
    token = signing.dumps(
        {"i": str(invitation.public_id), "d": str(invitation.guardianship.dependent.public_id)}, salt=_SALT
    )
    return reverse("take_over", args=[token])


def _invite(guardianship: Guardianship, *, actor: Any, address: str | None, now: dt.datetime) -> TakeOverInvitation:
    # A newer invitation replaces any earlier one still unused: only the latest link works.
    guardianship.invitations.filter(used_at__isnull=True, replaced_at__isnull=True).update(replaced_at=now)
    invitation = TakeOverInvitation.objects.create(
        guardianship=guardianship,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
        to_dependent=bool(address),
    )
    queue_take_over_invitation(
        member_id=guardianship.dependent_id, link=_link(invitation), days=INVITATION_DAYS, address=address
    )
    record_event(
        actor=actor,
        action="guardianship.invited",
        member_id=guardianship.dependent_id,
        subject_ref=f"guardianship:{guardianship.public_id}",
        details={"to_dependent": bool(address)},
    )
    return invitation


def _own_guardianship(guardian: Any, public_id: Any) -> Guardianship:
    found = (
        Guardianship.objects.filter(
            guardian_id=getattr(guardian, "pk", None), dependent__public_id=str(public_id), ended_at__isnull=True
        )
        .select_related("dependent")
        .first()
    )
    if found is None:
        raise NotFound(_("We could not find that dependent."))
    return found


def invite_now(*, guardian: Any, public_id: Any, address: str = "") -> TakeOverInvitation:
    """The guardian invites their dependent now that they reached the age; with ``address``, the
    link goes to the dependent's own inbox too. ``NotFound`` for anyone else's dependent; ``Invalid``
    for an adult ward, a child under the age, or a malformed address. Nothing is sent when refused."""
    guardianship = _own_guardianship(guardian, public_id)
    if guardianship.kind != Guardianship.Kind.CHILD:
        raise Invalid(_("An adult in your care is not invited to take over: the privacy office ends the guardianship."))
    now = timezone.now()
    if not age_reached(guardianship.dependent_id, now=now):
        raise Invalid(_("Your dependent has not reached the age to hold their own account yet."))
    address = normalize_address(address or "")
    if address:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise Invalid(_("Enter their e-mail address like name@example.org."), field="email") from exc
    with transaction.atomic():
        Guardianship.objects.select_for_update().filter(pk=guardianship.pk).first()
        return _invite(guardianship, actor=guardian, address=address or None, now=now)


def invite_of_age(*, now: dt.datetime | None = None) -> int:
    """The worker's sweep: invite, once, every child who reached the age on their own day. A child
    already invited (by a sweep or their guardian) is not invited again. Returns how many were."""
    now = now or timezone.now()
    invited = 0
    waiting = Guardianship.objects.filter(kind=Guardianship.Kind.CHILD, ended_at__isnull=True).exclude(
        invitations__isnull=False
    )
    for guardianship in waiting.select_related("dependent").order_by("since", "pk"):
        if not age_reached(guardianship.dependent_id, now=now):
            continue
        with transaction.atomic():
            # Several workers may sweep at once: the row lock and the second look keep it to one.
            locked = Guardianship.objects.select_for_update().filter(pk=guardianship.pk, ended_at__isnull=True).first()
            if locked is None or locked.invitations.exists():
                continue
            _invite(guardianship, actor=None, address=None, now=now)
            invited += 1
    return invited


# --- Taking over ---------------------------------------------------------------------------------


def open_invitation(token: str, *, now: dt.datetime | None = None) -> TakeOverInvitation:
    """The invitation a link stands for, if it may still be used: ``NotFound`` for a link that was
    altered or made for someone else, ``Invalid`` for one expired, used or replaced."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=_SALT, max_age=dt.timedelta(days=INVITATION_DAYS))
    except signing.SignatureExpired as exc:
        raise Invalid(_("This link has expired. Ask your guardian to send you a new one.")) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This link is not valid. Check that you copied all of it.")) from exc
    if not isinstance(data, dict):
        raise NotFound(_("This link is not valid. Check that you copied all of it."))
    invitation = (
        TakeOverInvitation.objects.filter(public_id=str(data.get("i")))
        .select_related("guardianship__dependent")
        .first()
        if _uuid_like(data.get("i"))
        else None
    )
    if invitation is None or str(invitation.guardianship.dependent.public_id) != str(data.get("d")):
        raise NotFound(_("This link is not valid. Check that you copied all of it."))
    if invitation.used_at is not None:
        raise Invalid(_("This link was already used: the account has been taken over. Sign in instead."))
    if invitation.replaced_at is not None:
        raise Invalid(_("A newer link replaced this one. Use the latest message you received."))
    if invitation.expires_at <= now:
        raise Invalid(_("This link has expired. Ask your guardian to send you a new one."))
    if invitation.guardianship.ended_at is not None:
        raise Invalid(_("This account is no longer managed by a guardian: this link no longer works."))
    return invitation


def _uuid_like(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def take_over(*, token: str, email: str, password: str) -> tuple[User, EmailAddress]:
    """The dependent takes over their account with their own address and password. ``Invalid``
    (naming the field) for an unusable address or password, or before the age; the link's own
    refusals as ``open_invitation``. Nothing changes when refused. The address is confirmed by the
    usual e-mail (the caller sends it); signing in waits for that confirmation."""
    now = timezone.now()
    invitation = open_invitation(token, now=now)
    guardianship = invitation.guardianship
    user = guardianship.dependent
    if not age_reached(user.pk, now=now):
        raise Invalid(_("You have not reached the age to hold your own account yet."))
    address = normalize_address(email or "")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise Invalid(_("Enter your e-mail address like name@example.org."), field="email") from exc
    key = sign_in_key(address)
    if User.objects.filter(email=key).exclude(pk=user.pk).exists() or EmailAddress.objects.filter(email=key).exists():
        raise Invalid(_("This address cannot be used for this account. Choose another one."), field="email")
    try:
        get_adapter().clean_password(password, user=user)
    except forms.ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password1") from exc
    with transaction.atomic():
        locked = TakeOverInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None or locked.replaced_at is not None:
            raise Invalid(_("This link was already used: the account has been taken over. Sign in instead."))
        user.email = seal_address(user_id=user.pk, address=address)
        user.set_password(password)
        user.save(update_fields=["email", "password"])
        EmailAddress.objects.filter(user=user).delete()
        confirmed = EmailAddress.objects.create(user=user, email=key, primary=True, verified=False)
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        _end(guardianship, Guardianship.EndReason.TOOK_OVER, now=now)
        record_event(
            actor=user,
            action="guardianship.taken_over",
            member_id=user.pk,
            subject_ref=f"guardianship:{guardianship.public_id}",
        )
        queue_guardianship_ended(
            guardian_id=guardianship.guardian_id, dependent_id=user.pk, event="took_over", actor_user_id=user.pk
        )
    return user, confirmed


# --- Ending a guardianship -----------------------------------------------------------------------


def _end(guardianship: Guardianship, reason: str, *, now: dt.datetime) -> None:
    changed = Guardianship.objects.filter(pk=guardianship.pk, ended_at__isnull=True).update(
        ended_at=now, end_reason=reason
    )
    if not changed:
        raise Invalid(_("This guardianship has already ended."))
    guardianship.invitations.filter(used_at__isnull=True, replaced_at__isnull=True).update(replaced_at=now)


def give_up(*, guardian: Any, public_id: Any) -> Guardianship:
    """The guardian gives up one of their dependents: the guardianship ends, both are told, and the
    account waits for the privacy office. ``NotFound`` for anyone else's dependent."""
    guardianship = _own_guardianship(guardian, public_id)
    with transaction.atomic():
        _end(guardianship, Guardianship.EndReason.GIVEN_UP, now=timezone.now())
        record_event(
            actor=guardian,
            action="guardianship.given_up",
            member_id=guardianship.dependent_id,
            subject_ref=f"guardianship:{guardianship.public_id}",
            details={"kind": guardianship.kind},
        )
        queue_guardianship_ended(
            guardian_id=guardianship.guardian_id,
            dependent_id=guardianship.dependent_id,
            event="given_up",
            actor_user_id=guardian.pk,
        )
    return guardianship


OFFICE_REASONS = (
    Guardianship.EndReason.COURT_ORDER_ENDED,
    Guardianship.EndReason.GUARDIAN_REPLACED,
    Guardianship.EndReason.GUARDIAN_DIED,
)


def end_by_office(*, officer: Any, public_id: Any, reason: str) -> Guardianship:
    """The privacy office ends an adult ward's guardianship (the court's document on file), with a
    reason; both are told. ``Forbidden`` for anyone but an officer, ``NotFound`` for an unknown or
    ended guardianship, ``Invalid`` for a child's (it ends when they take over) or an unknown reason."""
    if not load_actor(officer).is_privacy_officer:
        raise Forbidden(_("Only the privacy office ends a guardianship."))
    if reason not in OFFICE_REASONS:
        raise Invalid(_("Choose why the guardianship ends."), field="reason")
    guardianship = Guardianship.objects.filter(public_id=str(public_id)).first() if _uuid_like(public_id) else None
    if guardianship is None or guardianship.ended_at is not None:
        raise NotFound(_("We could not find that guardianship."))
    if guardianship.kind != Guardianship.Kind.ADULT_WARD:
        raise Invalid(_("A child's guardianship ends when they take over their own account."))
    with transaction.atomic():
        _end(guardianship, reason, now=timezone.now())
        record_event(
            actor=officer,
            action="guardianship.ended",
            member_id=guardianship.dependent_id,
            subject_ref=f"guardianship:{guardianship.public_id}",
            details={"reason": reason},
        )
        queue_guardianship_ended(
            guardian_id=guardianship.guardian_id,
            dependent_id=guardianship.dependent_id,
            event="ended_by_office",
            actor_user_id=officer.pk,
        )
    return guardianship


def left_without_guardian() -> list[Guardianship]:
    """Guardianships a guardian gave up whose dependent nobody manages now: the office's to decide."""
    ended = Guardianship.objects.filter(end_reason=Guardianship.EndReason.GIVEN_UP).order_by("-ended_at")
    managed = set(Guardianship.objects.filter(ended_at__isnull=True).values_list("dependent_id", flat=True))
    return [g for g in ended.select_related("dependent") if g.dependent_id not in managed and g.dependent.is_active]
