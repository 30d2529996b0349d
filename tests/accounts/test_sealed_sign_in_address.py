"""PI-3 for the address people sign in with: the accounts tables keep only its keyed hash, yet
sign-up, verification, sign-in and password reset work as anyone would expect, and their
e-mails reach the real address."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client

from indigomed.accounts.models import User
from indigomed.records.queries import profile_of
from indigomed.records.sign_in import address_for, sign_in_key
from tests.accounts.test_signup import PASSWORD, sign_up, years_ago
from tests.conftest import PASSWORD as STAFF_PASSWORD
from tests.conftest import make_user

ADDRESS = "Pat.Example@Example.TEST"
CONFIRM = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")
HIDDEN_INPUT = re.compile(r'<input type="hidden"[^>]*>')
RESET = re.compile(r"http://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")


def stored_values() -> list[tuple[str, str]]:
    """(table, value as text) of every column of every row, and of the decoded sessions: what
    someone holding a copy of the database would read."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values.extend(
                    (table, bytes(v).decode("latin-1") if isinstance(v, memoryview | bytes) else str(v)) for v in row
                )
    # Session data is signed and encoded: read what it says, not its encoding.
    values.extend(("django_session", str(session.get_decoded())) for session in Session.objects.all())
    return values


def every_stored_text() -> str:
    return "\n".join(value for _, value in stored_values())


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db(transaction=True)
def test_after_sign_up_and_sign_in_the_address_is_nowhere_in_clear_in_the_database() -> None:
    client = Client()
    sign_up(client, ADDRESS, years_ago(30).isoformat())
    client.post(CONFIRM.search(mail.outbox[0].body).group(1))
    client.post("/accounts/login/", {"login": ADDRESS, "password": PASSWORD})
    assert signed_in_user_id(client) is not None

    stored = every_stored_text().lower()
    assert ADDRESS.lower() not in stored
    assert "pat.example" not in stored, "not even the part before the @"
    assert User.objects.get().email == sign_in_key(ADDRESS)


@pytest.mark.django_db
def test_the_confirmation_goes_to_the_address_typed_and_signing_in_ignores_its_case() -> None:
    sign_up(Client(), ADDRESS, years_ago(30).isoformat())
    [confirmation] = mail.outbox
    assert confirmation.to == [ADDRESS.lower()]
    assert "sealed.invalid" not in confirmation.body

    client = Client()
    client.post(CONFIRM.search(confirmation.body).group(1))
    page = client.get(CONFIRM.search(confirmation.body).group(1)).content.decode()
    assert "sealed.invalid" not in page

    for typed in ("pat.example@example.test", "  PAT.EXAMPLE@EXAMPLE.TEST "):
        client = Client()
        client.post("/accounts/login/", {"login": typed, "password": PASSWORD})
        assert signed_in_user_id(client) is not None
    wrong = Client()
    response = wrong.post("/accounts/login/", {"login": ADDRESS, "password": "not the password at all"})
    assert response.status_code == 200 and signed_in_user_id(wrong) is None
    assert "do not match" in response.content.decode() or "not correct" in response.content.decode()


@pytest.mark.django_db
def test_an_unconfirmed_member_who_signs_in_is_sent_a_new_link_at_their_address() -> None:
    sign_up(Client(), ADDRESS, years_ago(30).isoformat())
    mail.outbox.clear()
    cache.clear()  # allauth sends one link per address every few minutes: let that time pass
    client = Client()
    client.post("/accounts/login/", {"login": ADDRESS, "password": PASSWORD})
    assert signed_in_user_id(client) is None
    [again] = mail.outbox
    assert again.to == [ADDRESS.lower()] and CONFIRM.search(again.body)


@pytest.mark.django_db
def test_signing_up_again_with_a_known_address_tells_its_owner_and_makes_no_second_account() -> None:
    sign_up(Client(), ADDRESS, years_ago(30).isoformat())
    mail.outbox.clear()
    cache.clear()  # allauth sends one message per address every few minutes: let that time pass
    response = sign_up(Client(), ADDRESS.upper(), years_ago(40).isoformat())
    assert response.status_code == 302, "the page does not reveal that the address is taken"
    assert User.objects.count() == 1
    [notice] = mail.outbox
    assert notice.to == [ADDRESS.lower()]
    assert ADDRESS.lower() in notice.body and "sealed.invalid" not in notice.body


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_from_a_link_sent_to_the_address() -> None:
    user = make_user("front.desk@example.test")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "Front.Desk@example.test"})
    [message] = mail.outbox
    assert message.to == ["front.desk@example.test"]
    link = RESET.search(message.body).group(1)
    form = client.get(link, follow=True)
    new_password = "a brand new passphrase for the reception"
    client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})

    signed_in = Client()
    signed_in.post("/accounts/login/", {"login": "front.desk@example.test", "password": new_password})
    assert signed_in_user_id(signed_in) == str(user.pk)


@pytest.mark.django_db
def test_a_reset_asked_for_an_unknown_address_says_so_to_that_address_only() -> None:
    make_user("front.desk@example.test")
    Client().post("/accounts/password/reset/", {"email": "nobody@example.test"})
    [message] = mail.outbox
    assert message.to == ["nobody@example.test"] and RESET.search(message.body) is None


@pytest.mark.django_db
def test_an_address_at_the_sealed_domain_cannot_sign_up() -> None:
    response = sign_up(Client(), sign_in_key("someone@example.test"), years_ago(30).isoformat())
    assert response.status_code == 200 and User.objects.count() == 0
    assert "receive e-mail" in response.content.decode()


@pytest.mark.django_db
def test_django_sign_in_paths_take_the_address_as_typed() -> None:
    user = make_user("ops@example.test")
    assert authenticate(email="OPS@example.test", password=STAFF_PASSWORD) == user
    assert authenticate(email="ops@example.test", password="wrong") is None
    assert Client().login(email="ops@example.test", password=STAFF_PASSWORD)


def change_address(client: Client, new_address: str, password: str = STAFF_PASSWORD) -> None:
    """Ask for the change, confirming the password when asked (allauth then carries the change out)."""
    response = client.post("/accounts/email/", {"action_add": "", "email": new_address})
    if response.status_code == 302 and "reauthenticate" in response["Location"]:
        client.post(response["Location"], {"password": password})


def signed_in(address: str, password: str = STAFF_PASSWORD) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": address, "password": password})
    assert signed_in_user_id(client) is not None
    return client


@pytest.mark.django_db
def test_a_member_changes_their_address_once_they_confirm_the_new_one() -> None:
    member = make_user("old.address@example.test", member=True)
    client = signed_in("old.address@example.test")
    page = client.get("/accounts/email/").content.decode()
    assert "old.address@example.test" in page

    change_address(client, "New.Address@example.test")
    [link_mail] = mail.outbox
    assert link_mail.to == ["new.address@example.test"]
    page = client.get("/accounts/email/").content.decode()
    assert "new.address@example.test" in page and "Changing to" in page
    signed_in("old.address@example.test")  # still the address until the new one is confirmed
    assert profile_of(member.pk).email == "old.address@example.test"

    Client().post(CONFIRM.search(link_mail.body).group(1))
    assert profile_of(member.pk).email == "new.address@example.test"
    signed_in("new.address@example.test")
    refused = Client()
    refused.post("/accounts/login/", {"login": "old.address@example.test", "password": STAFF_PASSWORD})
    assert signed_in_user_id(refused) is None
    stored = every_stored_text().lower()
    assert "new.address@example.test" not in stored and "old.address@example.test" not in stored


@pytest.mark.django_db
def test_a_cancelled_change_leaves_no_copy_of_the_new_address() -> None:
    member = make_user("stays@example.test", member=True)
    client = signed_in("stays@example.test")
    change_address(client, "fleeting@example.test")
    assert address_for(sign_in_key("fleeting@example.test")) == "fleeting@example.test"
    client.post("/accounts/email/", {"action_remove": "", "email": sign_in_key("fleeting@example.test")})
    assert address_for(sign_in_key("fleeting@example.test")) is None
    assert profile_of(member.pk).email == "stays@example.test"


@pytest.mark.django_db
def test_changing_the_address_asks_for_the_password_when_the_sign_in_is_not_recent() -> None:
    member = make_user("careful@example.test", member=True)
    client = Client()
    client.force_login(member)  # a session whose password was not typed just now
    response = client.post("/accounts/email/", {"action_add": "", "email": "taken.over@example.test"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert mail.outbox == [] and address_for(sign_in_key("taken.over@example.test")) is None


@pytest.mark.django_db
def test_no_account_page_shows_a_sign_in_key() -> None:
    make_user("pages@example.test", member=True)
    client = signed_in("pages@example.test")
    change_address(client, "pages.new@example.test")
    for path in (
        "/accounts/email/",
        "/accounts/reauthenticate/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/me/",
        "/me/privacy/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        # The pending change's form names it by its key in a hidden field (allauth finds it so).
        shown = HIDDEN_INPUT.sub("", response.content.decode())
        assert "sealed.invalid" not in shown, path
