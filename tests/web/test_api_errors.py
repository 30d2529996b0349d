"""The JSON API answers every error as JSON with a message a person can read, never HTML."""

from __future__ import annotations

import pytest
from django.test import Client

from indigomed.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int, fragment: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and fragment in body["detail"]
    assert "<html" not in response.content.decode().lower()


def test_an_unknown_api_address_answers_json_404() -> None:
    assert_json_error(Client().get("/api/no-such-thing"), 404, "nothing at this address")
    assert_json_error(Client().get("/api/appointments/not-a-uuid/ics/extra"), 404, "nothing at this address")


def test_the_api_root_answers_json_404_and_logs_no_error(caplog) -> None:
    """The root says "nothing here" (the docs are at /api/docs); that is no crash to log."""
    assert_json_error(Client().get("/api/"), 404, "nothing at this address")
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "Unhandled" in r.getMessage()]


def test_a_wrong_method_answers_json_405() -> None:
    response = Client().delete("/api/search")
    assert_json_error(response, 405, "does not accept that method")
    assert response.json()["code"] == "method_not_allowed"


def test_a_too_large_body_answers_json_413(member_client) -> None:
    response = member_client.post("/api/appointments", "x" * (65 * 1024), content_type="application/json")
    assert_json_error(response, 413, "too large")
    assert not Appointment.objects.exists()


def test_invalid_input_answers_json_422_with_a_sentence_and_the_details(member_client) -> None:
    response = member_client.post("/api/appointments", {"slot_id": "abc"}, content_type="application/json")
    assert_json_error(response, 422, "slot_id")
    assert response.json()["errors"], "the per-field errors stay available to programs"
    assert not Appointment.objects.exists()


def test_a_crash_answers_json_500_without_a_traceback(world, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("indigomed.search.api.search", broken)
    response = Client(raise_request_exception=False).get("/api/search", {"postal_code": "10016"})
    assert_json_error(response, 500, "went wrong on our side")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_an_api_csrf_refusal_answers_json(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post("/api/appointments", {"slot_id": 1}, content_type="application/json")
    assert_json_error(response, 403, "CSRF")
    assert not Appointment.objects.exists()
