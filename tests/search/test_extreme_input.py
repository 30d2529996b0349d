"""DIR-2: whatever a searcher types into dates, distances, points and pages, search answers with a
refusal that says what to change, never a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

HUGE = "9" * 40

EXTREME_DATES = [
    {"available_from": "9999-12-31"},
    {"available_from": "0001-01-01"},
    {"available_to": "9999-12-31"},
    {"available_to": "0001-01-01"},
    {"available_from": "9999-12-20", "available_to": "9999-12-31"},
    {"available_from": "0001-01-01", "available_to": "0001-01-05"},
    {"available_from": "0001-01-01", "postal_code": "75011", "country": "FR"},
    {"available_from": "9999-12-31", "postal_code": "10016", "country": "US"},
]


def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("params", EXTREME_DATES)
def test_the_api_refuses_dates_outside_the_calendar_with_a_message(world, params: dict) -> None:
    """DIR-2: the availability window must lie where open times can exist."""
    response = client().get("/api/search", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "choose dates in between" in body["detail"]


@pytest.mark.parametrize("params", EXTREME_DATES)
def test_the_page_shows_the_date_refusal_beside_the_form(world, params: dict) -> None:
    """DIR-2: the search page refuses the same dates and keeps what the searcher typed."""
    response = client().get("/search/", params)
    assert response.status_code == 400
    html = response.content.decode()
    label = "Available from" if "available_from" in params else "to"
    assert f"{label}: Open times are shown from" in html, "the refusal sits with the field it is about"
    assert next(iter(params.values())) in html, "the form shows the date back for correction"


def test_the_refusal_names_the_dates_that_can_be_searched(world, settings) -> None:
    """DIR-2: the message says which dates work, from today to the calendar horizon in settings."""
    settings.INDIGOMED = {**settings.INDIGOMED, "SLOT_HORIZON_DAYS": 10}
    today = timezone.now().date()
    body = client().get("/api/search", {"available_from": (today + dt.timedelta(days=11)).isoformat()}).json()
    assert body["detail"] == (
        f"Open times are shown from {today.isoformat()} to {(today + dt.timedelta(days=10)).isoformat()}: "
        "choose dates in between."
    )
    last_day = (today + dt.timedelta(days=10)).isoformat()
    assert client().get("/api/search", {"available_from": last_day}).status_code == 200


def test_a_window_from_today_to_the_horizon_is_searched(world) -> None:
    """DIR-2: the widest window that is allowed still answers with results."""
    today = timezone.now().date()
    response = client().get(
        "/api/search",
        {"available_from": today.isoformat(), "available_to": (today + dt.timedelta(days=28)).isoformat()},
    )
    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"latitude": "nan", "longitude": "0"}, "less than or equal to 90"),
        ({"latitude": "inf", "longitude": "0"}, "less than or equal to 90"),
        ({"latitude": "0", "longitude": "-inf"}, "greater than or equal to -180"),
        ({"latitude": "1e308", "longitude": "0"}, "less than or equal to 90"),
        ({"latitude": "0", "longitude": "0", "radius_km": "nan"}, "less than or equal to 500"),
        ({"latitude": "0", "longitude": "0", "radius_km": HUGE}, "less than or equal to 500"),
        ({"postal_code": "10016", "radius_km": "-1"}, "greater than 0"),
        ({"page": HUGE}, "less than or equal to 1000"),
        ({"page": "9" * 5000}, "exceeded maximum size"),
        ({"page": "0"}, "greater than or equal to 1"),
        ({"page": "-1"}, "greater than or equal to 1"),
        ({"what": "x" * 10_000}, "at most 80 characters"),
        ({"postal_code": "9" * 10_000}, "at most 12 characters"),
        ({"available_from": "10000-01-01"}, "valid date"),
    ],
)
def test_the_api_refuses_absurd_numbers_and_strings(world, params: dict, message: str) -> None:
    """DIR-2: out-of-range points, distances, pages and oversized text are refused by the schema."""
    response = client().get("/api/search", params)
    assert response.status_code == 422
    assert message in response.json()["errors"][0]["msg"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postal_code": "10016", "radius_km": HUGE}, "less than or equal to 500"),
        ({"postal_code": "10016", "radius_km": "nan"}, "Enter a whole number"),
        ({"postal_code": "10016", "radius_km": "-1"}, "greater than or equal to 1"),
        ({"page": HUGE}, "less than or equal to 1000"),
        ({"page": "9" * 5000}, "Enter a whole number"),
        ({"page": "-1"}, "greater than or equal to 1"),
        ({"what": "x" * 10_000}, "at most 80 characters"),
        ({"available_from": "10000-01-01"}, "Enter a valid date"),
    ],
)
def test_the_page_refuses_absurd_numbers_and_strings(world, params: dict, message: str) -> None:
    """DIR-2: the search page explains each refused field."""
    response = client().get("/search/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("field", ["what", "plan", "language", "postal_code"])
def test_a_null_character_is_an_unknown_value_not_a_database_error(world, field: str) -> None:
    """DIR-2: text PostgreSQL cannot store is refused before it reaches the database."""
    response = client().get("/api/search", {field: "a\x00b"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
