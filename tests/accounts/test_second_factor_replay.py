"""SEC-1, bad input: a replayed authenticator code, a recovery code used twice, a passkey's answer
for another account: each refused, and the right one still works (so the refusals can fail)."""

from __future__ import annotations

import pytest

from tests.accounts.second_factor import (
    add_authenticator_app,
    code_for,
    recovery_codes_of,
    sign_in_with_password,
    signed_in_user_id,
)
from tests.conftest import address_of

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


@pytest.fixture
def doctor_secret(world, django_capture_on_commit_callbacks) -> str:
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    secret = add_authenticator_app(client, django_capture_on_commit_callbacks)
    client.post("/accounts/logout/")
    return secret


def test_a_replayed_authenticator_code_is_refused(world, doctor_secret) -> None:
    """SEC-1: the code that signed one browser in does not sign in another, even within its 30 seconds."""
    code = code_for(doctor_secret)
    first, _ = sign_in_with_password(address_of(world.doctor_user))
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert signed_in_user_id(first) == str(world.doctor_user.pk)

    thief, _ = sign_in_with_password(address_of(world.doctor_user))
    replayed = thief.post("/accounts/2fa/authenticate/", {"code": code})
    assert replayed.status_code == 200 and "Incorrect code" in replayed.content.decode()
    assert signed_in_user_id(thief) is None
    assert thief.get("/connect/")["Location"].startswith("/accounts/login/")


def test_an_old_code_is_refused(world, doctor_secret) -> None:
    """SEC-1: a code from a few minutes ago (seen over a shoulder) no longer works."""
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    old = client.post("/accounts/2fa/authenticate/", {"code": code_for(doctor_secret, steps_ago=6)})
    assert old.status_code == 200 and signed_in_user_id(client) is None


def test_a_recovery_code_works_once(world, doctor_secret) -> None:
    """SEC-1: a recovery code stands in for a lost phone once; used again it is refused."""
    code = recovery_codes_of(world.doctor_user)[0]
    first, _ = sign_in_with_password(address_of(world.doctor_user))
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert first.get("/connect/").status_code == 200

    again, _ = sign_in_with_password(address_of(world.doctor_user))
    refused = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200 and "Incorrect code" in refused.content.decode()
    assert signed_in_user_id(again) is None
    # The next code on the sheet still works.
    assert (
        again.post("/accounts/2fa/authenticate/", {"code": recovery_codes_of(world.doctor_user)[1]}).status_code == 302
    )


def test_another_accounts_code_is_refused(world, doctor_secret, django_capture_on_commit_callbacks) -> None:
    """SEC-1: the front desk's own code does not open the practitioner's account."""
    desk, _ = sign_in_with_password(address_of(world.staff_user))
    desk_secret = add_authenticator_app(desk, django_capture_on_commit_callbacks)
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    refused = client.post("/accounts/2fa/authenticate/", {"code": code_for(desk_secret)})
    assert refused.status_code == 200 and signed_in_user_id(client) is None
