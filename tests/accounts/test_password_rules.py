"""SEC-1, NIST SP 800-63B: at least 15 characters (8 with a second factor), up to 64, no composition
rules, and no predictable, context-specific, common or breached password."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from indigomed.accounts.models import User
from indigomed.demo.seed import DEMO_PASSWORD
from tests.accounts.test_signup import sign_up, years_ago
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADDRESS = "robin.quartermaine@example.test"


def refused_at_sign_up(password: str) -> str:
    response = sign_up(Client(), ADDRESS, years_ago(30).isoformat(), password1=password, password2=password)
    assert response.status_code == 200, "the form is shown again"
    assert not User.objects.exists() and mail.outbox == [], "nothing is created or sent"
    return response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaaaaa", "repeated or sequential characters"),
        ("123456789012345", "repeated or sequential characters"),
        ("abcdefghijklmnopq", "repeated or sequential characters"),
        ("qwertyuiopasdfgh", "repeated or sequential characters"),
        ("abababababababab", "repeated or sequential characters"),
        (ADDRESS, "can&#x27;t contain your e-mail address"),
        ("my name is robin.quartermaine", "can&#x27;t contain your e-mail address"),
        ("Sam Example is my long password", "can&#x27;t contain your e-mail address"),
        ("my indigomed password 2026", "can&#x27;t contain your e-mail address"),
        ("correct horse battery staple", "list of common or leaked passwords"),
        ("Correct-Horse-Battery-Staple!", "list of common or leaked passwords"),
        ("1q2w3e4r5t6y7u8i9o0p", "list of common or leaked passwords"),
        ("short but ok", "at least 15 characters"),
    ],
)
def test_a_weak_password_is_refused_at_sign_up_with_its_reason(password: str, message: str) -> None:
    """SEC-1"""
    assert message in refused_at_sign_up(password)


def test_the_demos_printed_passwords_old_and_new_are_refused_for_real_accounts() -> None:
    """SEC-1: a password printed to everyone who runs the demo is no one's secret."""
    assert "can&#x27;t contain your e-mail address" in refused_at_sign_up("indigomed-demo-2026")
    assert "list of common or leaked passwords" in refused_at_sign_up(DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("indig0med-password", "can&#x27;t contain your e-mail address"),
        ("r0b1n quartermaine rules", "can&#x27;t contain your e-mail address"),
        ("passwordpassword123", "list of common or leaked passwords"),
        ("p@ssw0rdp@ssw0rdp@ssw0rd", "list of common or leaked passwords"),
    ],
)
def test_look_alike_spellings_and_repeats_of_a_refused_password_are_refused(password: str, message: str) -> None:
    """SEC-1: "0" for "o" or a word said twice does not make a guessable password safe."""
    assert message in refused_at_sign_up(password)


def test_long_unremarkable_passphrases_pass_without_composition_rules() -> None:
    """SEC-1: 15 lower-case letters and spaces are enough; 64 characters are accepted."""
    for password in ("plum orbit kettle", "lilac harbour quietly folds over a lantern by the sea under it x"):
        validate_password(password)
    assert len("lilac harbour quietly folds over a lantern by the sea under it x") == 64
    response = sign_up(
        Client(), ADDRESS, years_ago(30).isoformat(), password1="plum orbit kettle", password2="plum orbit kettle"
    )
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_a_password_change_refuses_the_members_own_address(world) -> None:
    """SEC-1: the saved account's address is opened from its sealed copy to compare."""
    user = make_user("jordan.whitfield@example.test")
    with pytest.raises(ValidationError, match="e-mail address"):
        validate_password("jordan.whitfield@example.test", user)
    client = Client()
    client.force_login(user)
    before = User.objects.get(pk=user.pk).password
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "jordanwhitfield forever", "password2": "jordanwhitfield forever"},
    )
    assert response.status_code == 200
    assert "can&#x27;t contain your e-mail address" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == before


SHORT = "Jy7-mrbq"  # 8 characters, nothing predictable, listed or about anyone


def change_password(user: User, new: str, old: str = PASSWORD) -> tuple[int, str, bool]:
    """Changes the password from the account's page: (status, page, whether it changed)."""
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    before = User.objects.get(pk=user.pk).password
    response = client.post("/accounts/password/change/", {"oldpassword": old, "password1": new, "password2": new})
    return response.status_code, response.content.decode(), User.objects.get(pk=user.pk).password != before


def with_authenticator_app(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def test_eight_characters_are_accepted_only_with_a_second_factor() -> None:
    """SEC-1: NIST SP 800-63B allows 8 characters when the password is not the only factor."""
    assert len(SHORT) == 8
    assert "at least 15 characters" in refused_at_sign_up(SHORT)
    without = make_user("sam.without@example.test", member=True)
    status, page, changed = change_password(without, SHORT)
    assert status == 200 and "at least 15 characters" in page and not changed

    holder = with_authenticator_app(make_user("sam.with@example.test", member=True))
    validate_password(SHORT, holder)
    assert change_password(holder, SHORT)[2]
    status, page, changed = change_password(holder, SHORT[:7], old=SHORT)
    assert status == 200 and "at least 8 characters" in page and not changed


def test_recovery_codes_alone_are_not_a_second_factor_for_the_length() -> None:
    """SEC-1: they stand in for a lost app or key; the shorter password needs the app or key itself."""
    user = make_user("sam.codes@example.test")
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x", "used_mask": 0})
    with pytest.raises(ValidationError, match="at least 15 characters"):
        validate_password(SHORT, user)


def test_more_than_64_characters_are_refused_with_or_without_a_factor() -> None:
    """SEC-1: up to 64 characters, as the length rule says."""
    long = "lilac harbour quietly folds over a lantern by the sea under it xy"
    assert len(long) == 65
    assert "at most 64 characters" in refused_at_sign_up(long)
    holder = with_authenticator_app(make_user("sam.long@example.test"))
    with pytest.raises(ValidationError, match="at most 64"):
        validate_password(long, holder)


@pytest.mark.real_second_factor
def test_turning_off_the_last_factor_asks_for_a_long_enough_password(django_capture_on_commit_callbacks) -> None:
    """SEC-1 (docs/security.md): a member whose 8-character password was allowed by their app must
    change it to 15 characters before turning the app off; the wrong password turns nothing off."""
    member = make_user("sam.short@example.test", member=True)
    holder = with_authenticator_app(member)
    assert change_password(holder, SHORT)[2]
    client = Client()
    client.force_login(User.objects.get(pk=holder.pk))
    client.post("/accounts/reauthenticate/", {"password": SHORT})
    wrong = client.post("/accounts/2fa/totp/deactivate/", {"password": "not my password at all"})
    assert wrong.status_code == 200 and "Type your password" in wrong.content.decode()
    short = client.post("/accounts/2fa/totp/deactivate/", {"password": SHORT})
    assert short.status_code == 200 and "shorter than 15 characters" in short.content.decode()
    assert Authenticator.objects.filter(user=holder, type="totp").exists()
    client.post(
        "/accounts/password/change/",
        {"oldpassword": SHORT, "password1": "plum orbit kettle", "password2": "plum orbit kettle"},
    )
    assert client.post("/accounts/2fa/totp/deactivate/", {"password": "plum orbit kettle"}).status_code == 302
    assert not Authenticator.objects.filter(user=holder).exists()
