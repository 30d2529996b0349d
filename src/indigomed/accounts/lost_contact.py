"""Lost or stolen contact data (SEC-4): the member, after signing in again, or the privacy office
for them, after identity checks it records, reports a lost phone or a compromised e-mail address.

In one transaction: the lost value stops being used (``messaging.lost_contact``), every session of
the account ends — all but the one reporting, when the member reports from it — for a compromised
address it no longer signs in (``retire_sign_in_address``), and, for a phone, every second factor
is revoked (a TOTP app or a passkey may live on it; recovery codes were shown
on a screen that may be lost too). The new value is used only once checked: a code texted to a new
number, allauth's confirmation link for a new address.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.erasure import end_every_session, revoke_second_factors
from indigomed.accounts.models import LostContactReport, Member, SignedInSession, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Forbidden, Invalid, NotFound
from indigomed.messaging import lost_contact
from indigomed.records.sign_in_keys import SEALED_DOMAIN, retire_address, seal_pending_address, sign_in_key
from indigomed.security.services import record_event

OFFICE_CHECKS_NEEDED = 2


def report_lost_contact(
    *,
    actor: Any,
    member_id: int,
    kind: str,
    checks: Sequence[str] = (),
    keep_session: str | None = None,
) -> tuple[LostContactReport, bool]:
    """Record the loss and act on it; returns the report and whether this call made it (the same
    report sent again, while open, changes nothing).

    ``actor`` is the member themselves, or a privacy officer who made at least
    ``OFFICE_CHECKS_NEEDED`` of ``LostContactReport.Check``. ``keep_session`` is the session the
    member reports from, which stays open. Raises ``NotFound`` for an account that is not the
    actor's own (officers: not a member's), ``Forbidden`` for anyone else, ``Invalid`` for an
    unknown kind or too few checks.
    """
    if kind not in LostContactReport.Kind.values:
        raise Invalid(gettext("Say whether a phone or an e-mail address was lost."), field="kind")
    by_office = getattr(actor, "pk", None) != member_id
    if by_office:
        if not load_actor(actor).is_privacy_officer:
            raise NotFound(gettext("No such account."))
        unknown = set(checks) - set(LostContactReport.Check.values)
        if unknown or len(set(checks)) < OFFICE_CHECKS_NEEDED:
            raise Invalid(
                gettext("Make and tick at least %(count)d identity checks before acting for a member.")
                % {"count": OFFICE_CHECKS_NEEDED},
                field="checks",
            )
        keep_session = None
    elif checks:
        raise Forbidden(gettext("Identity checks are the office's to record."))
    if not Member.objects.filter(user_id=member_id).exists():
        raise NotFound(gettext("No member has that account."))
    open_report = LostContactReport.objects.filter(user_id=member_id, kind=kind, resolved_at__isnull=True).first()
    if open_report is not None:
        return open_report, False
    try:
        with transaction.atomic():
            lost_contact.stop_using(member_id=member_id, kind=kind)
            kept = SignedInSession.objects.filter(user_id=member_id, session_key=keep_session or "").first()
            ended = end_every_session(user_id=member_id, keep=keep_session)
            revoked = revoke_second_factors(user_id=member_id) if kind == LostContactReport.Kind.PHONE else 0
            if kind == LostContactReport.Kind.EMAIL:
                retire_sign_in_address(user_id=member_id)
            report = LostContactReport.objects.create(
                user_id=member_id,
                kind=kind,
                reported_by_id=actor.pk,
                checks=sorted(set(checks)),
                sessions_ended=ended,
                second_factors_revoked=revoked,
            )
            record_event(
                actor=actor,
                action="contact.reported_lost",
                member_id=member_id,
                subject_ref=f"lost-contact:{report.public_id}",
                details={
                    "kind": kind,
                    "by": "office" if by_office else "member",
                    "checks": sorted(set(checks)),
                    "sessions_ended": ended,
                    "second_factors_revoked": revoked,
                    "kept_this_session": kept is not None,
                },
            )
    except IntegrityError:  # reported meanwhile from another page: that report stands
        found = LostContactReport.objects.get(user_id=member_id, kind=kind, resolved_at__isnull=True)
        return found, False
    return report, True


def retire_sign_in_address(*, user_id: int) -> None:
    """A compromised address stops signing in and receiving at once, before any new one is
    confirmed: allauth's addresses of the account go (a change under way too: it may be the
    thief's), the account's sign-in key becomes one no address has, and the sealed copy is emptied.
    The member goes on in the session they reported from; anyone else signs in only with a new
    address once confirmed, which the member gives on their page or the office after its checks."""
    EmailAddress.objects.filter(user_id=user_id).delete()
    User.objects.filter(pk=user_id).update(email=f"{secrets.token_hex(32)}@{SEALED_DOMAIN}")
    retire_address(user_id=user_id)


def send_new_address_link(request: HttpRequest, *, member_id: int, address: str) -> None:
    """The office, after its checks, gives the member's new address for a compromised one:
    allauth's confirmation link goes to it, and once opened the account signs in with it.
    ``Invalid`` when another account signs in with that address."""
    key = sign_in_key(address)
    if (
        EmailAddress.objects.filter(email=key).exclude(user_id=member_id).exists()
        or User.objects.filter(email=key).exclude(pk=member_id).exists()
    ):
        raise Invalid(gettext("Another account signs in with that address."), field="new_email")
    seal_pending_address(user_id=member_id, address=address)
    EmailAddress.objects.add_new_email(request, User.objects.get(pk=member_id), key)


def replacement_checked(*, user_id: int, kind: str) -> int:
    """The new phone's code was typed back, or a new address confirmed: the open report of that
    kind is resolved (and, for e-mail, messages go by e-mail again). Returns how many resolved."""
    with transaction.atomic():
        resolved = LostContactReport.objects.filter(user_id=user_id, kind=kind, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        if kind == LostContactReport.Kind.EMAIL:
            lost_contact.resume_email(member_id=user_id)
        record_event(
            actor=None,
            action="contact.replacement_checked",
            member_id=user_id,
            subject_ref=f"user:{user_id}",
            details={"kind": kind, "reports": resolved},
        )
    return resolved


def confirm_new_phone(*, actor: Any, code: str) -> str:
    """The member types the code texted to their new number (``Invalid`` if wrong or expired)."""
    number = lost_contact.confirm_phone(member_id=actor.pk, code=code)
    replacement_checked(user_id=actor.pk, kind=LostContactReport.Kind.PHONE)
    return number


def address_confirmed(sender: Any, email_address: Any, **_: Any) -> None:
    """allauth confirmed a new address: an open e-mail report of that account is resolved."""
    if LostContactReport.objects.filter(
        user_id=email_address.user_id, kind=LostContactReport.Kind.EMAIL, resolved_at__isnull=True
    ).exists():
        replacement_checked(user_id=email_address.user_id, kind=LostContactReport.Kind.EMAIL)
