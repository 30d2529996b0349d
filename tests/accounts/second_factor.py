"""Steps the second-factor tests share: signing in through the pages, and the codes an
authenticator app would show (computed with allauth's own TOTP helper)."""

from __future__ import annotations

import time

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from tests.conftest import PASSWORD


def code_for(secret: str, *, steps_ago: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ago`` 30-second steps before)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def secret_of(user) -> str:
    """The secret of the user's authenticator app, as the adapter opens it."""
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_adapter().decrypt(totp.data["secret"])


def recovery_codes_of(user) -> list[str]:
    return RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)).generate_codes()


def sign_in_with_password(address: str, password: str = PASSWORD, client: Client | None = None):
    client = client or Client()
    return client, client.post("/accounts/login/", {"login": address, "password": password})


def add_authenticator_app(client: Client, capture_on_commit) -> str:
    """Adds an authenticator app from the account's own pages; returns its secret."""
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        # allauth asks for the password again before a factor is added.
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page
    secret = client.session[SECRET_SESSION_KEY]
    with capture_on_commit(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret)})
    assert done.status_code == 302, done.content.decode()
    return secret


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")
