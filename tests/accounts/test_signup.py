"""Sign-up with e-mail verification, and the age gate (CHILD-1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from indigomed.accounts.models import Member, User
from indigomed.records.queries import profile_of
from indigomed.records.sign_in import sign_in_key

SIGNUP = "/accounts/signup/"
# The age that passes, as a person would read it (tokens and ids may contain the digits).
AGE_HINT = re.compile(r"\b13\b|thirteen", re.IGNORECASE)
PASSWORD = "a long enough passphrase for tests"


def years_ago(years: int, days: int = 0) -> dt.date:
    today = dt.date.today()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def sign_up(client: Client, email: str, dob: object, **extra: object) -> object:
    data = {
        "full_name": "Sam Example",
        "email": email,
        "date_of_birth": dob,
        "country": "US",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(SIGNUP, {**data, **extra})


@pytest.mark.django_db
def test_an_adult_signs_up_becomes_a_member_and_is_asked_to_verify_the_address() -> None:
    response = sign_up(Client(), "new.person@example.test", years_ago(30).isoformat())
    assert response.status_code == 302
    user = User.objects.get(email=sign_in_key("new.person@example.test"))
    assert Member.objects.filter(user=user).exists()
    assert profile_of(user.pk).date_of_birth == years_ago(30)
    assert profile_of(user.pk).name == "Sam Example"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "new.person@example.test" in mail.outbox[0].to
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_thirteen_year_old_on_their_birthday_may_sign_up() -> None:
    response = sign_up(Client(), "teen@example.test", years_ago(13).isoformat())
    assert response.status_code == 302
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_a_child_under_13_is_refused_clearly_and_nothing_is_stored() -> None:
    """CHILD-1: a clear refusal, no hint of the age that passes, and not the e-mail, not a row."""
    response = sign_up(Client(), "young.child@example.test", years_ago(13, days=-1).isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    assert "can&#x27;t create an IndigoMed account" in page or "can't create an IndigoMed account" in page
    assert not AGE_HINT.search(page.split("<main>")[1])
    assert "young.child@example.test" not in page
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert Member.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dob", "message"),
    [("", "enter your date of birth"), ("27/04/1990", "Enter a date"), ("2999-01-01", "cannot be in the future")],
)
def test_a_missing_or_malformed_date_of_birth_is_explained(dob: str, message: str) -> None:
    response = sign_up(Client(), "someone@example.test", dob)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_sign_up_page_asks_for_a_date_of_birth_without_hinting_at_an_age() -> None:
    page = Client().get(SIGNUP).content.decode()
    assert 'name="date_of_birth"' in page
    assert not AGE_HINT.search(page.split("<main>")[1])


@pytest.mark.django_db
def test_the_verification_link_confirms_the_address_and_the_member_signs_in() -> None:
    sign_up(Client(), "new.person@example.test", years_ago(30).isoformat())
    client = Client()
    credentials = {"login": "new.person@example.test", "password": PASSWORD}
    assert client.post("/accounts/login/", credentials).status_code == 302
    assert "_auth_user_id" not in client.session, "an unverified address cannot sign in yet"
    link = re.search(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email=sign_in_key("new.person@example.test")).verified
    assert client.post("/accounts/login/", credentials).status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=sign_in_key("new.person@example.test")).pk)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["b" * 65 + "@example.test", "a@" + "d" * 250 + ".test"])
def test_an_address_no_mail_server_would_take_is_refused_and_nothing_is_sent(address: str) -> None:
    """SEC-1: a name part over 64 or an address over 254 characters could never be confirmed."""
    response = sign_up(Client(), address, years_ago(30).isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    # Django's own address check may speak first for the longest addresses.
    assert "Enter an address you can receive e-mail at" in page or "Enter a valid email address." in page
    assert not User.objects.exists() and mail.outbox == []
