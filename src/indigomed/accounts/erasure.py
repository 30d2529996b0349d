"""Ending an account for good when its member is shredded (PI-3, CHILD-2), and making the
pseudonymous account a shredded member's visits are moved to.

The user row stays (append-only rows elsewhere hold its id), but nothing in it names anyone:
the sign-in key is replaced by a random one of the same shape, which no address hashes to.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from indigomed.accounts.models import Member, SignedInSession, User
from indigomed.records.sign_in_keys import SEALED_DOMAIN


def _random_sign_in_key() -> str:
    # The shape of a sign-in key (64 hex characters at sealed.invalid), derived from no address.
    return f"{secrets.token_hex(32)}@{SEALED_DOMAIN}"


def end_every_session(*, user_id: int, keep: str | None = None) -> int:
    """Delete every live session of the user — the named ones and any other whose data carries
    their id — but ``keep``, in the caller's transaction. Returns how many sessions ended."""
    keys = set(SignedInSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    # Sessions from before sessions were named, or never named, carry the id in their data.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            keys.add(session.session_key)
    keys.discard(keep or "")
    Session.objects.filter(session_key__in=keys).delete()
    SignedInSession.objects.filter(user_id=user_id, session_key__in=keys).delete()
    return len(keys)


def revoke_second_factors(*, user_id: int) -> int:
    """Remove the user's MFA devices (TOTP, passkeys, recovery codes), when MFA is installed."""
    if not apps.is_installed("allauth.mfa"):
        return 0
    label, name = "mfa", "Authenticator"  # looked up by name: MFA may be off in some settings
    authenticator: Any = apps.get_model(label, name)
    return int(authenticator.objects.filter(user_id=user_id).delete()[0])


def forget_account(*, user: User) -> None:
    """Close the account for good: sessions ended, second factors and e-mail addresses removed,
    sign-in key, name and public id replaced, password unusable, the member role removed.
    In the caller's transaction; a second call changes nothing that matters."""
    with transaction.atomic():
        end_every_session(user_id=user.pk)
        revoke_second_factors(user_id=user.pk)
        EmailAddress.objects.filter(user_id=user.pk).delete()
        Member.objects.filter(user_id=user.pk).delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.set_unusable_password()
        User.objects.filter(pk=user.pk).update(
            email=_random_sign_in_key(),
            display_name="",
            public_id=uuid.uuid4(),
            is_active=False,
            is_staff=False,
            is_superuser=False,
            last_login=None,
            password=user.password,
        )


def new_pseudonym() -> User:
    """A user that stands for "a patient whose account was shredded": it cannot sign in and
    names no one. Each shredding makes its own, so two shredded people's visits are not merged."""
    user = User(email=_random_sign_in_key(), is_active=False)
    user.set_unusable_password()
    user.save()
    return user
