"""NOTICE-1, [A]: sign-up shows the current notice and Terms of Use and records their acceptance
with the versions shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from indigomed.accounts.models import User
from indigomed.notices.models import NoticeAcknowledgement
from indigomed.records.sign_in import sign_in_key
from tests.notices.conftest import publish

pytestmark = pytest.mark.django_db
SIGNUP = "/accounts/signup/"
PASSWORD = "a long enough passphrase for tests"


def form(email: str, **extra: object) -> dict[str, object]:
    return {
        "full_name": "Sam Example",
        "email": email,
        "date_of_birth": "1990-04-27",
        "country": "US",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_sign_up_links_the_current_versions_and_records_their_acceptance(world, officer) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    publish(officer, on=dt.date(2026, 2, 1))
    publish(officer, kind="terms", on=dt.date(2026, 1, 1))
    page = Client().get(SIGNUP).content.decode()
    assert 'href="/privacy/v/2/"' in page and 'href="/terms/v/1/"' in page
    assert 'name="accept_notices"' in page
    refused = Client().post(SIGNUP, form("no.tick@example.test"))
    assert (
        refused.status_code == 200
        and "Please read and accept the Terms of Use and the privacy notice." in refused.content.decode()
    )
    assert not User.objects.filter(email=sign_in_key("no.tick@example.test")).exists()
    done = Client().post(
        SIGNUP, form("ticked@example.test", accept_notices="on", privacy_version="2", terms_version="1")
    )
    assert done.status_code == 302
    user = User.objects.get(email=sign_in_key("ticked@example.test"))
    accepted = NoticeAcknowledgement.objects.filter(user=user).values_list("version__kind", "version__number", "how")
    assert set(accepted) == {("privacy", 2, "sign_up"), ("terms", 1, "sign_up")}


def test_a_version_published_while_signing_up_is_shown_before_anything_is_stored(world, officer) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    shown = form("racer@example.test", accept_notices="on", privacy_version="1")
    publish(officer, on=dt.date(2026, 2, 1))
    again = Client().post(SIGNUP, shown)
    assert again.status_code == 200 and "changed while you were signing up" in again.content.decode()
    assert 'href="/privacy/v/2/"' in again.content.decode()
    assert not User.objects.filter(email=sign_in_key("racer@example.test")).exists()


def test_before_anything_is_published_sign_up_asks_nothing_more(world) -> None:
    assert "accept_notices" not in Client().get(SIGNUP).content.decode()
    assert Client().post(SIGNUP, form("early@example.test")).status_code == 302
