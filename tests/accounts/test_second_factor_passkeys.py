"""SEC-1: a passkey (WebAuthn) is a second factor; its answer for another account is refused."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.accounts.second_factor import sign_in_with_password, signed_in_user_id
from tests.accounts.soft_key import SoftKey
from tests.conftest import PASSWORD, address_of

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


def add_passkey(client, key: SoftKey, capture_on_commit) -> None:
    page = client.get("/accounts/2fa/webauthn/add/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    with capture_on_commit(execute=True):
        added = client.post(
            "/accounts/2fa/webauthn/add/",
            {"name": "Desk key", "credential": key.registration(page.context["js_data"]["creation_options"])},
        )
    assert added.status_code == 302, added.content.decode()


def second_step_with(key: SoftKey, address: str):
    client, _ = sign_in_with_password(address)
    page = client.get("/accounts/2fa/authenticate/")
    answer = key.assertion(page.context["js_data"]["request_options"])
    return client, client.post("/accounts/2fa/authenticate/", {"credential": answer})


def test_a_practitioner_with_a_passkey_reaches_connect(world, django_capture_on_commit_callbacks) -> None:
    """SEC-1"""
    key = SoftKey()
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    add_passkey(client, key, django_capture_on_commit_callbacks)
    assert Authenticator.objects.filter(user=world.doctor_user, type="webauthn").exists()
    assert client.get("/connect/").status_code == 200
    client.post("/accounts/logout/")
    again, done = second_step_with(key, address_of(world.doctor_user))
    assert done.status_code == 302 and signed_in_user_id(again) == str(world.doctor_user.pk)
    assert again.get("/connect/").status_code == 200


def test_a_passkeys_answer_for_another_account_is_refused(world, django_capture_on_commit_callbacks) -> None:
    """SEC-1, bad input: the front desk's key signs a challenge for the practitioner's sign-in."""
    doctors_key, desks_key = SoftKey(), SoftKey()
    doctor, _ = sign_in_with_password(address_of(world.doctor_user))
    add_passkey(doctor, doctors_key, django_capture_on_commit_callbacks)
    desk, _ = sign_in_with_password(address_of(world.staff_user))
    add_passkey(desk, desks_key, django_capture_on_commit_callbacks)

    client, refused = second_step_with(desks_key, address_of(world.doctor_user))
    assert refused.status_code == 200 and signed_in_user_id(client) is None
    assert client.get("/connect/")["Location"].startswith("/accounts/login/")
    # The practitioner's own key, on the same kind of request, is accepted.
    _, accepted = second_step_with(doctors_key, address_of(world.doctor_user))
    assert accepted.status_code == 302


def test_staff_keep_their_last_passkey_and_a_member_types_their_password(
    world, django_capture_on_commit_callbacks
) -> None:
    """SEC-1: allauth's own page would delete any key on a click; here staff keep their last one,
    and a member removing their last types a password that can stand alone."""
    doctor, _ = sign_in_with_password(address_of(world.doctor_user))
    add_passkey(doctor, SoftKey(), django_capture_on_commit_callbacks)
    key = Authenticator.objects.get(user=world.doctor_user, type="webauthn")
    kept = doctor.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/", {"password": PASSWORD})
    assert kept.status_code == 200 and "add another app or passkey" in kept.content.decode()
    assert Authenticator.objects.filter(pk=key.pk).exists()

    member, _ = sign_in_with_password(address_of(world.member))
    add_passkey(member, SoftKey(), django_capture_on_commit_callbacks)
    own = Authenticator.objects.get(user=world.member, type="webauthn")
    page = member.get(f"/accounts/2fa/webauthn/keys/{own.pk}/remove/").content.decode()
    assert 'name="password"' in page
    # Another member's key is nobody's business: not found.
    assert doctor.post(f"/accounts/2fa/webauthn/keys/{own.pk}/remove/", {"password": PASSWORD}).status_code == 404
    wrong = member.post(f"/accounts/2fa/webauthn/keys/{own.pk}/remove/", {"password": "not my password at all"})
    assert wrong.status_code == 200 and Authenticator.objects.filter(pk=own.pk).exists()
    assert member.post(f"/accounts/2fa/webauthn/keys/{own.pk}/remove/", {"password": PASSWORD}).status_code == 302
    assert not Authenticator.objects.filter(user=world.member).exists()
