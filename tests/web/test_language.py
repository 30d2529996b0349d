"""Issue 12 "French throughout": every page in the visitor's language, a switch on every page, and the
member's choice remembered (their pages follow it from sign-in, their messages too)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from indigomed.accounts.models import Member
from indigomed.conventions import Reader, local_when, place_of
from indigomed.security.models import AuditEvent
from tests.conftest import PASSWORD

PARIS = ZoneInfo("Europe/Paris")


def test_a_french_reader_reads_the_day_and_month_in_full_lowercase_on_a_24_hour_clock() -> None:
    tuesday = dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS)
    assert local_when(tuesday, place_of("Europe/Paris"), Reader(language="fr", country="FR")).startswith(
        "mardi 3 mars, 09:00"
    )
    # English stays as it was: a US reader's clock and abbreviations.
    assert local_when(tuesday, place_of("America/New_York"), Reader(language="en", country="US")) == (
        "Tue, Mar 3, 3:00 AM EST"
    )


@pytest.mark.django_db
def test_a_browser_asking_for_french_gets_french_pages(world) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5").get("/").content.decode()
    assert '<html lang="fr">' in page and "Se connecter" in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB").get("/").content.decode()
    assert '<html lang="en">' in english and "Sign in" in english


@pytest.mark.django_db
def test_the_switch_keeps_a_visitors_choice_in_the_session_and_sets_no_cookie(world) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/search/"})
    assert answer.status_code == 302 and answer["Location"] == "/search/"
    # A language cookie is a preferences cookie: without consent, the session holds the choice.
    assert "django_language" not in answer.cookies
    assert '<html lang="fr">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_with_consent_to_preferences_the_switch_remembers_the_language_beyond_the_session(world) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/cookies/", {"choice": "accept_all", "next": "/"})
    answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/search/"})
    cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and cookie["httponly"] and cookie["samesite"] == "Lax"
    # The session ends (the browser was closed, or it expired): the cookie still says French.
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    assert '<html lang="fr">' in client.get("/").content.decode()
    # The session's choice comes before the cookie.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_without_consent_a_language_cookie_is_neither_set_nor_read(world) -> None:
    refused = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused.post("/cookies/", {"choice": "refuse_all", "next": "/"})
    answer = refused.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    # A language cookie the browser sends anyway (set before consent was withdrawn) is not read.
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    stranger.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="en">' in stranger.get("/").content.decode()
    refused.cookies.pop(settings.SESSION_COOKIE_NAME)
    refused.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="en">' in refused.get("/").content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_an_unknown_language_and_a_foreign_address(world) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/i18n/setlang/", {"language": "xx", "next": "https://elsewhere.example/"})
    assert answer.status_code == 302 and "elsewhere" not in answer["Location"]
    assert '<html lang="en">' in client.get("/").content.decode()
    assert client.get("/i18n/setlang/").status_code == 405


@pytest.mark.django_db
def test_a_members_choice_is_saved_and_their_pages_follow_it_at_the_next_sign_in(world) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.member)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/appointments/"})
    assert Member.objects.get(user=world.member).language == "fr"
    assert AuditEvent.objects.filter(action="language.chosen", member_id=world.member.pk).count() == 1
    # Another browser, asking for English: the member's own language wins once they sign in.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    assert (
        elsewhere.post("/accounts/login/", {"login": "pat.member@example.test", "password": PASSWORD}).status_code
        == 302
    )
    assert '<html lang="fr">' in elsewhere.get("/appointments/").content.decode()


@pytest.mark.django_db
def test_staff_switch_without_becoming_members(world) -> None:
    client = Client()
    client.force_login(world.doctor_user)
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/connect/"}).status_code == 302
    assert '<html lang="fr">' in client.get("/connect/").content.decode()
    assert not Member.objects.filter(user=world.doctor_user).exists()


@pytest.mark.django_db
def test_the_api_keeps_english_codes_and_explains_in_the_readers_language(world) -> None:
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/api/nowhere").json()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/nowhere").json()
    assert french["code"] == english["code"] == "not_found"
    assert french["detail"] != english["detail"] and "adresse" in french["detail"]


def test_a_french_browser_reads_english_once_the_site_is_no_longer_written_in_french(
    rf: pytest.FixtureRequest, settings: pytest.FixtureRequest
) -> None:
    from indigomed.web.language import browser_language

    asking = rf.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")  # type: ignore[attr-defined]
    assert browser_language(asking) == "fr"
    settings.LANGUAGES = [("en", "English")]  # type: ignore[attr-defined]
    assert browser_language(asking) == "en"


def test_a_header_longer_than_django_reads_gives_the_language_django_would() -> None:
    from django.test import RequestFactory
    from django.utils.translation import trans_real

    from indigomed.web.language import browser_language

    # Django reads up to the last comma before its limit; the French asked for past it is unread.
    header = "de-DE," * (trans_real.LANGUAGE_CODE_MAX_LENGTH // 6 + 1) + "fr"
    asking = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert trans_real.get_language_from_request(asking) == browser_language(asking) == "en"
    # The same words within the limit are read to their end.
    within = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="de-DE," * 10 + "fr")
    assert trans_real.get_language_from_request(within) == browser_language(within) == "fr"
