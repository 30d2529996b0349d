"""DIR-2: search by specialty or reason, plan, distance, language, gender and availability window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from indigomed.scheduling.models import Slot


def api(**params: object) -> tuple[int, dict]:
    response = Client().get("/api/search", {k: v for k, v in params.items() if v is not None})
    return response.status_code, response.json()


def names(body: dict) -> list[str]:
    return [r["practitioner_name"] for r in body["results"]]


def test_by_specialty_near_a_us_zip_code(world) -> None:
    status, body = api(what="cardiology", postal_code="10016", country="US")
    assert status == 200
    assert names(body) == ["Dr. Ada Hart"]
    result = body["results"][0]
    assert result["distance_km"] < 5
    assert len(result["next_slots"]) == 3
    assert result["next_slots"] == sorted(result["next_slots"], key=lambda s: s["starts_at"])


def test_by_visit_reason_finds_the_specialty(world) -> None:
    assert names(api(what="acne")[1]) == ["Dr. Ben Skinner"]


def test_near_a_french_postal_code(world) -> None:
    status, body = api(what="cardiology", postal_code="75011", country="FR")
    assert status == 200
    assert names(body) == ["Dr Claire Cœur"]
    assert body["near"] == "Paris 11e"


def test_near_a_point_sorted_by_distance(world) -> None:
    status, body = api(latitude=40.75, longitude=-73.98, radius_km=20, sort="distance")
    assert status == 200
    assert set(names(body)) == {"Dr. Ada Hart", "Dr. Ben Skinner"}
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)


def test_by_plan_language_and_gender(world) -> None:
    assert names(api(plan="cigna-oap")[1]) == ["Dr. Ben Skinner"]
    assert names(api(language="es")[1]) == ["Dr. Ada Hart"]
    assert set(names(api(gender="female")[1])) == {"Dr. Ada Hart", "Dr Claire Cœur"}


def test_available_between_dates_excludes_who_has_nothing_open(world) -> None:
    """Ben Skinner works Mondays and Tuesdays only; a Wednesday-to-Friday window leaves him out."""
    today = dt.date.today()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)
    status, body = api(postal_code="10016", available_from=wednesday, available_to=wednesday + dt.timedelta(days=2))
    assert status == 200
    assert names(body) == ["Dr. Ada Hart"]
    for slot in body["results"][0]["next_slots"]:
        assert slot["starts_at"][:10] >= wednesday.isoformat()


def test_soonest_availability_comes_first(world) -> None:
    Slot.objects.filter(role=world.heart_role).update(is_open=False)
    from indigomed.scheduling.services import refresh_next_open

    refresh_next_open(role_ids=[world.heart_role.pk])
    _status, body = api(postal_code="10016")
    assert names(body)[-1] == "Dr. Ada Hart"
    assert body["results"][-1]["next_slots"] == []


def test_results_are_paginated(world, settings) -> None:
    settings.INDIGOMED = {**settings.INDIGOMED, "SEARCH_PAGE_SIZE": 2}
    first = api(sort="soonest")[1]
    second = api(sort="soonest", page=2)[1]
    assert first["has_next"] is True and second["has_next"] is False
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"postal_code": "ABCDE"}, "five digits"),
        ({"postal_code": "00000"}, "do not know that ZIP"),
        ({"postal_code": "123", "country": "FR"}, "five digits"),
        ({"what": "astrology"}, "do not know that specialty"),
        ({"plan": "nope"}, "insurance plan"),
        ({"sort": "distance"}, "give a postal code"),
        ({"available_from": "2026-12-10", "available_to": "2026-12-01"}, "before its start"),
        ({"latitude": 40.0}, "both a latitude and a longitude"),
    ],
)
def test_bad_search_input_is_explained(world, params: dict, fragment: str) -> None:
    status, body = api(**params)
    assert status == 400
    assert fragment in body["detail"]


def test_malformed_values_are_refused_by_the_schema(world) -> None:
    assert api(available_from="next tuesday")[0] == 422
    assert api(radius_km=-3, postal_code="10016")[0] == 422
    assert api(country="DE", postal_code="10115")[0] == 422


def test_the_web_page_shows_the_same_results_as_the_api(world) -> None:
    _, body = api(what="cardiology", postal_code="10016")
    page = Client().get("/search/", {"what": "cardiology", "postal_code": "10016"})
    assert page.status_code == 200
    html = page.content.decode()
    for result in body["results"]:
        assert result["practitioner_name"] in html
        assert f"/book/{result['next_slots'][0]['id']}/" in html


def test_the_web_page_explains_a_bad_postal_code(world) -> None:
    page = Client().get("/search/", {"postal_code": "ABCDE"})
    assert page.status_code == 400
    assert "five digits" in page.content.decode()


def test_search_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    """No N+1: the page costs the same whatever the number of results."""
    with django_assert_max_num_queries(8):
        Client().get("/api/search", {"postal_code": "10016"})


def test_answers_hold_to_the_documented_schema_in_both_languages(world) -> None:
    """The answer is what the API's documentation (PageOut) says, names in the reader's language."""
    from indigomed.search.api import PageOut

    english = Client().get("/api/search", {"what": "cardiology", "latitude": 40.75, "longitude": -73.98})
    french = Client(headers={"accept-language": "fr"}).get(
        "/api/search", {"what": "cardiology", "latitude": 40.75, "longitude": -73.98}
    )
    for response in (english, french):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        page = PageOut.model_validate_json(response.content)
        assert [r.practitioner_name for r in page.results] == ["Dr. Ada Hart"]
        assert len(page.results[0].next_slots) == 3
        assert response.json()["results"][0]["next_slots"][0]["starts_at"].endswith("Z")
    assert english.json()["results"][0]["languages"] == ["English", "Spanish"]
    assert french.json()["results"][0]["languages"] == ["anglais", "espagnol"]
