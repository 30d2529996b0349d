"""The demo's staff accounts come with an authenticator app already added (SEC-1), on one published
secret, so whoever runs the demo can pass the second step: with any authenticator app given the
secret, or with ``python -m indigomed demo_code <address>``. Never in production: a published
secret protects nothing."""

from __future__ import annotations

import time

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from indigomed.accounts.models import User
from indigomed.records.sign_in_keys import sign_in_key

# Published with the demo (README, the demo's start-up lines): a valid base32 secret of 20 bytes.
DEMO_TOTP_SECRET = "INDIGOMEDDEMOTOTPSECRETPUBLISHED"  # noqa: S105  # nosec B105 # the demo's published secret
PERIOD_SECONDS = 30


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("The demo's published authenticator secret is never used in production.")


def seed_second_factors(*, emails: list[str]) -> None:
    """Adds the demo authenticator app to each of these demo accounts."""
    refuse_in_production()
    for email in emails:
        user = User.objects.get(email=sign_in_key(email))
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)


def current_code(email: str) -> tuple[str, int] | None:
    """The code the demo account's authenticator app shows now and the seconds it has left, or
    ``None`` when the account has no authenticator app."""
    refuse_in_production()
    user = User.objects.filter(email=sign_in_key(email)).first()
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first() if user else None
    if totp is None:
        return None
    secret = get_adapter().decrypt(totp.data["secret"])
    now = int(time.time())
    return format_hotp_value(hotp_value(secret, now // PERIOD_SECONDS)), PERIOD_SECONDS - now % PERIOD_SECONDS
