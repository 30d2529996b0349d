"""Times labelled with their zone as people say it, on the reader's clock, and distances in the
reader's unit (issue 11, item 3; the rule is written in ``indigomed.web.conventions``)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from indigomed.accounts.models import Member
from indigomed.web.conventions import Place, Reader, clock, distance, local_time, place_of, zone_label
from tests.conftest import make_user

NEW_YORK = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
US_MEMBER = Reader(language="en", country="US")
FRENCH_MEMBER = Reader(language="fr", country="FR")


def at(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone).astimezone(dt.UTC)


def render(text: str, request, **context: object) -> str:
    """``text`` rendered as a page answering ``request`` renders it."""
    return Template("{% load local_time %}" + text).render(RequestContext(request, context))


def request_from(user=None, language: str | None = None):
    request = RequestFactory().get("/", **({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    request.user = user or AnonymousUser()
    return request


@pytest.fixture
def french_member(world):
    member = make_user("camille.paris@example.test", member=True, country="FR")
    Member.objects.filter(user=member).update(language="fr")
    return member


# --- The rule, case by case --------------------------------------------------------------


def test_a_us_member_reads_est_in_winter_and_edt_after_the_clocks_change() -> None:
    """9:00 in New York, the Friday before and the Monday after the change of 8 March 2026."""
    place = Place(NEW_YORK, "US")
    assert local_time(at(NEW_YORK, 2026, 3, 6, 9, 0), place, US_MEMBER) == "9:00 AM EST"
    assert local_time(at(NEW_YORK, 2026, 3, 9, 9, 0), place, US_MEMBER) == "9:00 AM EDT"
    # ... and back on 1 November.
    assert local_time(at(NEW_YORK, 2026, 10, 30, 14, 30), place, US_MEMBER) == "2:30 PM EDT"
    assert local_time(at(NEW_YORK, 2026, 11, 2, 14, 30), place, US_MEMBER) == "2:30 PM EST"
    assert local_time(at(NEW_YORK, 2026, 11, 2, 0, 5), place, US_MEMBER) == "12:05 AM EST"
    assert local_time(at(NEW_YORK, 2026, 11, 2, 12, 0), place, US_MEMBER) == "12:00 PM EST"


def test_a_french_member_reads_heure_de_paris_on_a_24_hour_clock_in_summer_and_winter() -> None:
    place = Place(PARIS, "FR")
    assert local_time(at(PARIS, 2026, 3, 27, 9, 0), place, FRENCH_MEMBER) == "09:00, heure de Paris"
    assert local_time(at(PARIS, 2026, 3, 30, 17, 45), place, FRENCH_MEMBER) == "17:45, heure de Paris"


def test_each_reader_keeps_their_own_clock_abroad() -> None:
    """A US member looking at Paris, a French member at New York: their own clock, the place's zone."""
    assert local_time(at(PARIS, 2026, 1, 12, 15, 0), Place(PARIS, "FR"), US_MEMBER) == "3:00 PM Paris time"
    assert local_time(at(NEW_YORK, 2026, 1, 12, 15, 0), Place(NEW_YORK, "US"), FRENCH_MEMBER) == (
        "15:00, heure de New York"
    )
    anchorage = place_of("America/Anchorage")
    assert zone_label(at(ZoneInfo("America/Anchorage"), 2026, 1, 12, 9), anchorage, FRENCH_MEMBER) == (
        "heure d'Anchorage"
    )
    assert zone_label(at(ZoneInfo("America/Anchorage"), 2026, 1, 12, 9), anchorage, US_MEMBER) == "AKST"


def test_visitors_read_with_the_places_conventions_in_their_browsers_language() -> None:
    visitor, french_visitor = Reader(language="en"), Reader(language="fr")
    new_york, paris = Place(NEW_YORK, "US"), Place(PARIS, "FR")
    assert local_time(at(NEW_YORK, 2026, 1, 12, 9), new_york, visitor) == "9:00 AM EST"
    assert local_time(at(PARIS, 2026, 1, 12, 9), paris, visitor) == "09:00 Paris time"
    assert local_time(at(PARIS, 2026, 1, 12, 9), paris, french_visitor) == "09:00, heure de Paris"
    assert clock(at(NEW_YORK, 2026, 1, 12, 21, 30), new_york, french_visitor) == "9:30 PM"
    # Where no place is named, the language's country.
    assert distance(10.0, None, visitor) == "6.2 mi"
    assert distance(10.0, None, french_visitor) == "10 km"


def test_distances_in_miles_for_us_readers_and_km_in_france() -> None:
    assert distance(5.0, Place(NEW_YORK, "US"), US_MEMBER) == "3.1 mi"
    assert distance(40.2, Place(NEW_YORK, "US"), US_MEMBER) == "25 mi"
    assert distance(5.04, Place(PARIS, "FR"), FRENCH_MEMBER) == "5,0 km"
    assert distance(5.04, Place(PARIS, "FR"), Reader(language="en", country="FR")) == "5.0 km"
    assert distance(5.0, Place(PARIS, "FR"), US_MEMBER) == "3.1 mi"


# --- Through the template tags, as a page reads its request ------------------------------


@pytest.mark.django_db
def test_the_tags_read_a_us_members_conventions_from_their_profile(world) -> None:
    request = request_from(world.member)
    winter, summer = at(NEW_YORK, 2026, 3, 6, 9), at(NEW_YORK, 2026, 3, 9, 9)
    text = render(
        "{% local_time winter f %}|{% local_time summer f %}|{% local_when summer f %}|{% distance 8.05 f %}",
        request,
        winter=winter,
        summer=summer,
        f=world.ny_clinic,
    )
    assert text == "9:00 AM EST|9:00 AM EDT|Mon, Mar 9, 9:00 AM EDT|5.0 mi"


@pytest.mark.django_db
def test_the_tags_read_a_french_members_conventions_from_their_profile(world, french_member) -> None:
    request = request_from(french_member)
    monday = at(PARIS, 2026, 3, 9, 9)
    text = render(
        "{% local_time t f %}|{% local_when t f %}|{% local_day t f %}|{% distance 8.05 f %}|{% local_time t ny %}",
        request,
        t=monday,
        f=world.paris_clinic,
        ny=world.ny_clinic,
    )
    assert (
        text == "09:00, heure de Paris|lundi 9 mars, 09:00, heure de Paris|lundi 9 mars|8,1 km|04:00, heure de New York"
    )


@pytest.mark.django_db
def test_a_french_speaking_visitor_reads_french_words(world) -> None:
    text = render(
        "{% local_time t f %}",
        request_from(language="fr-FR,fr;q=0.9"),
        t=at(PARIS, 2026, 3, 9, 9),
        f=world.paris_clinic,
    )
    assert text == "09:00, heure de Paris"


@pytest.mark.django_db
def test_a_time_after_the_clocks_change_under_a_heading_carries_its_own_zone(world) -> None:
    """The night New York's clocks go forward: 1:30 is EST, 3:30 EDT, under a heading saying EST."""
    before, after = at(NEW_YORK, 2026, 3, 8, 1, 30), at(NEW_YORK, 2026, 3, 8, 3, 30)
    text = render(
        "{% zone_label a f as zone %}{{ zone }}: {% clock a f zone %}, {% clock b f zone %}",
        request_from(),
        a=before,
        b=after,
        f=world.ny_clinic,
    )
    assert text == "EST: 1:30 AM, 3:30 AM EDT"


# --- On the pages ------------------------------------------------------------------------


def page_for(user, path: str, said: dict[str, str] | None = None, **headers: str) -> str:
    """The page as ``user`` reads it; ``said``: what they answered first on a practitioner's page
    (new or returning, and why), which its open times follow."""
    client = Client(**headers)
    if user is not None:
        client.force_login(user)
    if said is not None:
        client.post(path, said)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


NEW_CHEST_PAIN = {"patient": "new", "visit_reason": "chest-pain"}
SLOT = re.compile(r'<a class="slot" href="/book/\d+/">([^<]+)</a>')


@pytest.mark.django_db
def test_a_us_member_sees_12_hour_times_with_est_or_edt_and_miles(world) -> None:
    profile = page_for(world.member, "/practitioners/ada-hart/", NEW_CHEST_PAIN)
    assert "America/New_York" not in profile
    assert re.search(r"\((EST|EDT)\)</small></h4>", profile)
    assert set(SLOT.findall(profile)) >= {"9:00 AM", "11:30 AM"}
    results = page_for(world.member, "/search/?what=cardiology&postal_code=10016&country=US")
    assert re.search(r" · \d+\.\d mi</p>", results) and " km</p>" not in results
    # The next open time, whichever it is at the hour the test runs: 12-hour, with the zone's letters.
    assert re.search(r">\w{3}, \w{3} \d+, 1?\d:\d\d [AP]M E[SD]T</a>", results)


@pytest.mark.django_db
def test_a_french_member_sees_heure_de_paris_on_a_24_hour_clock_and_km(world, french_member) -> None:
    profile = page_for(french_member, "/practitioners/claire-coeur/", NEW_CHEST_PAIN)
    assert "Europe/Paris" not in profile and "(heure de Paris)</small></h4>" in profile
    assert set(SLOT.findall(profile)) >= {"09:00", "11:30"}
    assert " AM" not in profile
    results = page_for(french_member, "/search/?what=cardiology&postal_code=75011&country=FR")
    assert re.search(r" · \d+,\d km</p>", results) and " mi</p>" not in results
    # The next open time, whichever it is at the hour the test runs: French day, 24-hour clock.
    assert re.search(r">(lun|mar|mercre|jeu|vendre|same)di \d+ \w+, [0-2]\d:[0-5]\d, heure de Paris</a>", results)


@pytest.mark.django_db
def test_a_visitor_reads_each_facilitys_own_conventions(world) -> None:
    new_york = page_for(None, "/facilities/hudson-clinic/")
    assert re.search(r"Open times this week <small class=\"zone\">\((EST|EDT)\)</small>", new_york)
    assert "9:00 AM" in SLOT.findall(new_york)
    paris = page_for(None, "/facilities/cabinet-voltaire/")
    assert "(Paris time)" in paris and "09:00" in SLOT.findall(paris)
    paris_in_french = page_for(None, "/facilities/cabinet-voltaire/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "(heure de Paris)" in paris_in_french


@pytest.mark.django_db
def test_a_parent_reads_the_day_of_their_consent_in_their_browsers_language(world, french_member) -> None:
    from indigomed.accounts.services import parental_consent_token

    member = Member.objects.get(user=french_member)
    Member.objects.filter(pk=member.pk).update(
        parental_consent_needed=True, parental_consent_at=at(PARIS, 2026, 3, 12, 10)
    )
    link = f"/accounts/parental-consent/{parental_consent_token(member)}/"
    assert "Le consentement a déjà été donné le jeudi 12 mars 2026." in page_for(
        None, link, HTTP_ACCEPT_LANGUAGE="fr-FR"
    )
    assert "Consent was already given on March 12, 2026." in page_for(None, link, HTTP_ACCEPT_LANGUAGE="en-GB")
