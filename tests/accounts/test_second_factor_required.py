"""SEC-1: practitioners, facility staff, the privacy office and the site's operators reach no patient
data (Connect, Partners, the office, their API, the Django admin) before they have a second factor
and have passed it in the session; members may add one, and need not."""

from __future__ import annotations

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.test import Client

from indigomed.accounts.models import PrivacyOfficer
from tests.accounts.second_factor import (
    add_authenticator_app,
    code_for,
    secret_of,
    sign_in_with_password,
    signed_in_user_id,
)
from tests.conftest import address_of, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


@pytest.fixture
def operator():
    user = make_user("operator.on.call@example.test")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    PrivacyOfficer.objects.create(user=user)
    return user


def test_a_practitioner_without_a_second_factor_reaches_neither_connect_nor_its_api(world) -> None:
    """SEC-1"""
    client, signed_in = sign_in_with_password(address_of(world.doctor_user))
    assert signed_in.status_code == 302 and signed_in_user_id(client) == str(world.doctor_user.pk)
    connect = client.get("/connect/")
    assert connect.status_code == 302 and connect["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/", follow=True).content.decode()
    assert "needs a second factor" in page
    api = client.get("/api/connect/calendar")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    # The front desk and the HCF admin's portal alike.
    desk, _ = sign_in_with_password(address_of(world.staff_user))
    assert desk.get("/connect/")["Location"] == "/accounts/2fa/"
    assert desk.get("/partners/")["Location"] == "/accounts/2fa/"


def test_an_operator_without_a_second_factor_reaches_neither_the_admin_nor_the_office(operator) -> None:
    """SEC-1: the Django admin too, whose sign-in is the site's (web/admin_sign_in.py)."""
    client, _ = sign_in_with_password("operator.on.call@example.test")
    for path in ("/admin/", "/admin/accounts/user/", "/admin/login/?next=/admin/", "/office/", "/office/events/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/", path
    desk = client.get("/api/office/requests")
    assert desk.status_code == 403 and desk.json()["code"] == "second_factor_required"


def test_with_an_authenticator_app_the_practitioner_works_and_signs_in_with_a_code_next_time(
    world, django_capture_on_commit_callbacks
) -> None:
    """SEC-1: adding the app passes the second step for this session; a new session asks for a code."""
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    secret = add_authenticator_app(client, django_capture_on_commit_callbacks)
    assert Authenticator.objects.filter(user=world.doctor_user, type="totp").exists()
    assert client.get("/connect/").status_code == 200
    assert client.get("/api/connect/calendar").status_code == 200

    client.post("/accounts/logout/")
    fresh, second_step = sign_in_with_password(address_of(world.doctor_user))
    assert second_step["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_user_id(fresh) is None, "the password alone signs nobody in"
    assert fresh.get("/connect/").status_code == 302
    wrong = fresh.post("/accounts/2fa/authenticate/", {"code": code_for(secret, steps_ago=4)})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert fresh.post("/accounts/2fa/authenticate/", {"code": code_for(secret)}).status_code == 302
    assert signed_in_user_id(fresh) == str(world.doctor_user.pk)
    assert fresh.get("/connect/").status_code == 200


def test_the_operator_with_an_authenticator_app_reaches_the_admin(operator, django_capture_on_commit_callbacks) -> None:
    """SEC-1"""
    client, _ = sign_in_with_password("operator.on.call@example.test")
    add_authenticator_app(client, django_capture_on_commit_callbacks)
    assert client.get("/admin/").status_code == 200
    assert client.get("/office/").status_code == 200
    assert client.get("/api/office/requests").status_code == 200


def test_a_session_signed_in_before_the_app_was_added_elsewhere_confirms_it_first(
    world, django_capture_on_commit_callbacks
) -> None:
    """SEC-1: the app added in one browser; the other, signed in with the password only, asks for a code."""
    other, _ = sign_in_with_password(address_of(world.doctor_user))
    first, _ = sign_in_with_password(address_of(world.doctor_user))
    secret = add_authenticator_app(first, django_capture_on_commit_callbacks)
    refused = other.get("/connect/?day=2030-01-01")
    assert refused.status_code == 302, refused
    assert refused["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fconnect%2F%3Fday%3D2030-01-01"
    confirmed = other.post(refused["Location"], {"code": code_for(secret)})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/connect/?day=2030-01-01"
    assert other.get("/connect/").status_code == 200


def test_a_member_may_add_a_second_factor_and_needs_none(world, django_capture_on_commit_callbacks) -> None:
    """SEC-1: optional for members; their own pages open either way."""
    client, _ = sign_in_with_password(address_of(world.member))
    assert client.get("/me/").status_code == 200
    assert client.get("/appointments/").status_code == 200
    add_authenticator_app(client, django_capture_on_commit_callbacks)
    assert client.get("/me/").status_code == 200
    assert secret_of(world.member)


def test_staff_cannot_remove_their_last_second_factor_and_members_can(
    world, django_capture_on_commit_callbacks
) -> None:
    """SEC-1: staff would lock themselves out of their work; a member's choice is theirs."""
    doctor, _ = sign_in_with_password(address_of(world.doctor_user))
    add_authenticator_app(doctor, django_capture_on_commit_callbacks)
    refused = doctor.post("/accounts/2fa/totp/deactivate/", {"password": "correct-horse-battery-staple"})
    assert refused.status_code == 200
    assert Authenticator.objects.filter(user=world.doctor_user, type="totp").exists()

    member, _ = sign_in_with_password(address_of(world.member))
    add_authenticator_app(member, django_capture_on_commit_callbacks)
    assert (
        member.post("/accounts/2fa/totp/deactivate/", {"password": "correct-horse-battery-staple"}).status_code == 302
    )
    assert not Authenticator.objects.filter(user=world.member).exists()


def test_the_secret_is_sealed_at_rest(world, django_capture_on_commit_callbacks) -> None:
    """SEC-1: a copied database alone does not give the codes."""
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    secret = add_authenticator_app(client, django_capture_on_commit_callbacks)
    stored = Authenticator.objects.get(user=world.doctor_user, type="totp").data["secret"]
    assert secret not in stored and secret_of(world.doctor_user) == secret


def test_the_authenticator_app_shows_the_account_by_its_address_not_its_key(world) -> None:
    """The account row holds a key; the app's label is the address its owner signs in with."""
    assert get_adapter().get_totp_label(world.member) == "pat.member@example.test"
    assert "pat.member%40example.test" in get_adapter().build_totp_url(world.member, "JBSWY3DPEHPK3PXP")


def test_a_signed_out_visitor_is_sent_to_sign_in_not_to_add_a_factor() -> None:
    anonymous = Client()
    assert anonymous.get("/connect/")["Location"].startswith("/accounts/login/")


def test_every_second_factor_page_opens(world, django_capture_on_commit_callbacks) -> None:
    """SEC-1: allauth's pages, under the site's templates and settings, each answer (no 500)."""
    client, _ = sign_in_with_password(address_of(world.member))
    add_authenticator_app(client, django_capture_on_commit_callbacks)
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/recovery-codes/download/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/reauthenticate/",
        "/me/sessions/",
    ):
        assert client.get(path).status_code == 200, path


def test_a_practitioner_who_sets_up_an_authenticator_reaches_the_calendar_they_asked_for(
    world, django_capture_on_commit_callbacks
) -> None:
    """SEC-1: sent to add a factor on the way to their calendar, they see their recovery codes
    once, then go on to the calendar (the page kept in their session, not in a link)."""
    client, _ = sign_in_with_password(address_of(world.doctor_user))
    wanted = client.get("/connect/?view=week")
    assert wanted["Location"] == "/accounts/2fa/"
    add_authenticator_app(client, django_capture_on_commit_callbacks)
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    page_text = codes.content.decode()
    assert 'id="recovery_codes"' in page_text and "/accounts/2fa/continue" in page_text
    onward = client.get("/accounts/2fa/continue")
    assert onward.status_code == 302 and onward["Location"] == "/connect/?view=week"
    assert client.get(onward["Location"]).status_code == 200
    again = client.get("/accounts/2fa/continue")
    assert again["Location"] == "/connect/", "once only; then where staff land"


@pytest.mark.parametrize(
    "kept", ["https://evil.example/connect/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "calendar"]
)
def test_going_on_after_the_second_factor_never_leaves_the_site(world, kept) -> None:
    """SEC-1: only a path on this site is followed; anything else lands on the usual page."""
    client = Client()
    client.force_login(world.doctor_user)
    session = client.session
    session["after_second_factor"] = kept
    session.save()
    onward = client.get("/accounts/2fa/continue")
    assert onward.status_code == 302 and onward["Location"] == "/connect/"
