"""COOKIE-1: cookies by consent. Nothing but the strictly necessary before a choice; refusing is one
click like accepting; the choice is a signed cookie, and one that was tampered with reads as no
choice; the Global Privacy Control signal refuses analytics."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client, RequestFactory

from indigomed.web import consent

pytestmark = pytest.mark.django_db

NECESSARY_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", consent.COOKIE_NAME}
PAGES = ["/", "/search/", "/cookies/", "/privacy-office/", "/accounts/login/", "/accounts/signup/"]


def choose(client: Client, action: str, **fields: str) -> None:
    answer = client.post("/cookies/", {"choice": action, "next": "/search/", **fields})
    assert answer.status_code == 302 and answer["Location"] == "/search/"


def test_a_first_visit_sets_only_strictly_necessary_cookies(world) -> None:
    """COOKIE-1"""
    client = Client()
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert set(answer.cookies) <= NECESSARY_COOKIES, (path, set(answer.cookies))
        assert consent.COOKIE_NAME not in answer.cookies, "no choice is stored before the visitor makes one"
    page = Client().get("/").content.decode()
    assert 'id="cookie-banner"' in page
    assert 'value="accept_all"' in page and 'value="refuse_all"' in page, "refusing sits beside accepting"


def test_refusing_is_one_click_and_the_banner_goes(world) -> None:
    """COOKIE-1"""
    client = Client()
    client.get("/")
    choose(client, "refuse_all")
    choice = consent._decode(client.cookies[consent.COOKIE_NAME].value)
    assert choice is not None and not choice.preferences and not choice.analytics
    page = client.get("/search/").content.decode()
    assert 'id="cookie-banner"' not in page
    assert "/cookies/" in page, "the choice stays changeable from the footer"


def test_accepting_then_changing_ones_mind_on_the_settings_page(world) -> None:
    """COOKIE-1"""
    client = Client()
    choose(client, "accept_all")
    request = RequestFactory().get(
        "/", HTTP_COOKIE=f"{consent.COOKIE_NAME}={client.cookies[consent.COOKIE_NAME].value}"
    )
    assert consent.allows(request, consent.ANALYTICS) and consent.allows(request, consent.PREFERENCES)
    page = client.get("/cookies/").content.decode()
    assert "Your current choice was made on" in page
    assert 'name="analytics" id="id_analytics" checked' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    answer = client.post("/cookies/", {"choice": "save", "analytics": "on"})
    assert answer.status_code == 302
    choice = consent._decode(client.cookies[consent.COOKIE_NAME].value)
    assert choice is not None and choice.analytics and not choice.preferences
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "", "withdrawing preferences removes them"


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        signing.dumps({"v": consent.VERSION, "p": True, "a": True, "t": 1}, salt="another.salt"),
        signing.dumps({"v": consent.VERSION, "p": True, "a": True, "t": 1}, salt=consent.SALT) + "x",
        signing.dumps({"v": consent.VERSION + 1, "p": True, "a": True, "t": 1}, salt=consent.SALT),
        signing.dumps({"v": consent.VERSION, "p": "yes", "a": 1, "t": 1}, salt=consent.SALT),
        signing.dumps(["analytics"], salt=consent.SALT),
    ],
    ids=["unsigned", "other-salt", "altered-signature", "old-version", "wrong-types", "wrong-shape"],
)
def test_a_tampered_consent_cookie_reads_as_no_consent(value: str) -> None:
    """COOKIE-1, bad input: a consent cookie that was tampered with reads as "no consent"."""
    request = RequestFactory().get("/", HTTP_COOKIE=f"{consent.COOKIE_NAME}={value}")
    assert consent.choice_of(request) is None
    assert not consent.allows(request, consent.ANALYTICS)
    assert not consent.allows(request, consent.PREFERENCES)
    assert consent.allows(request, consent.NECESSARY)


def test_a_tampered_cookie_brings_the_banner_back(world) -> None:
    """COOKIE-1"""
    client = Client()
    choose(client, "refuse_all")
    value = client.cookies[consent.COOKIE_NAME].value
    client.cookies[consent.COOKIE_NAME] = value.replace(value[-3:], "abc" if value[-3:] != "abc" else "xyz")
    assert 'id="cookie-banner"' in client.get("/search/").content.decode()


def test_an_old_choice_expires_and_is_asked_again(settings) -> None:
    """COOKIE-1: a choice is kept for a limited time."""
    settings.COOKIE_CONSENT_MAX_AGE_SECONDS = -1
    old = signing.dumps({"v": consent.VERSION, "p": True, "a": True, "t": 1}, salt=consent.SALT)
    assert consent.choice_of(RequestFactory().get("/", HTTP_COOKIE=f"{consent.COOKIE_NAME}={old}")) is None


def test_the_gpc_signal_refuses_analytics_whatever_the_cookie_says(world) -> None:
    """COOKIE-1: the Global Privacy Control signal is honoured as a refusal."""
    client = Client()
    choose(client, "accept_all")
    cookie = f"{consent.COOKIE_NAME}={client.cookies[consent.COOKIE_NAME].value}"
    request = RequestFactory().get("/", HTTP_COOKIE=cookie, HTTP_SEC_GPC="1")
    assert not consent.allows(request, consent.ANALYTICS)
    assert consent.allows(request, consent.PREFERENCES), "GPC opts out of sharing, not of one's own settings"
    assert "Global Privacy Control" in client.get("/cookies/", HTTP_SEC_GPC="1").content.decode()


@pytest.mark.parametrize(
    "post",
    [{"choice": "everything"}, {}, {"choice": "accept_all", "next": "https://elsewhere.example/"}],
    ids=["unknown-action", "no-action", "foreign-next"],
)
def test_odd_choices_are_refused_or_kept_on_the_site(world, post) -> None:
    """COOKIE-1: an unknown action stores nothing; a foreign return address is not followed."""
    answer = Client().post("/cookies/", post)
    if "next" in post:
        assert answer.status_code == 302 and answer["Location"] == "/cookies/"
    else:
        assert answer.status_code == 400
        assert consent.COOKIE_NAME not in answer.cookies


def test_the_banner_works_without_a_page_load_for_scripts(world) -> None:
    """COOKIE-1: the enhanced banner posts in the background and gets an answer without a redirect."""
    client = Client()
    answer = client.post("/cookies/", {"choice": "refuse_all"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json() == {"preferences": False, "analytics": False}
    assert consent.COOKIE_NAME in answer.cookies
