"""BOOK-3: the member says new or returning and why first; only times of a fitting visit type are
offered, and the booking service refuses any other, whatever page or client sends it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from indigomed.scheduling.models import Appointment, Slot
from tests.scheduling.fits import completed_visit, first_visits_and_follow_ups, offered
from tests.scheduling.helpers import calendar_snapshot

API = "/api/appointments"
PAGE = "/practitioners/ada-hart/"


@pytest.fixture
def visits(world):
    return first_visits_and_follow_ups(world)


def book(client: Client, slot: Slot, reason: str = "chest-pain", patient: str | None = None):
    body = {"slot_id": slot.pk, "visit_reason": reason, "insurance_plan": None}
    if patient is not None:
        body["patient"] = patient
    return client.post(API, json.dumps(body), content_type="application/json")


def times_offered(client: Client, patient: str, reason: str) -> tuple[str, set[int]]:
    response = client.post(PAGE, {"patient": patient, "visit_reason": reason})
    assert response.status_code == 302, response.content
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    return html, offered(html)


def test_the_practitioner_page_asks_first_and_offers_a_new_patient_only_first_visits(visits, member_client) -> None:
    """BOOK-3: a new patient's reason never gets a follow-up slot on the page."""
    html = member_client.get(PAGE).content.decode()
    assert "Have you seen Dr. Ada Hart before?" in html
    assert offered(html) == set()  # no time before the question is answered

    html, shown = times_offered(member_client, "new", "chest-pain")
    assert shown, "a new patient is offered first visits"
    assert shown <= visits.ids(visits.first)
    assert not shown & visits.ids(visits.follow_up)
    assert "For a new patient · Chest pain" in html


def test_a_returning_patient_is_offered_follow_ups(visits, world, member_client) -> None:
    completed_visit(world.member, visits.role)
    _, shown = times_offered(member_client, "returning", "chest-pain")
    assert shown
    assert shown <= visits.ids(visits.follow_up)


def test_saying_returning_without_a_visit_is_taken_as_new_and_the_page_says_why(visits, member_client) -> None:
    """Decision: a returning claim is checked against completed visits with that practitioner."""
    html, shown = times_offered(member_client, "returning", "chest-pain")
    assert shown and shown <= visits.ids(visits.first)
    assert "We have no completed visit of yours with Dr. Ada Hart here" in html


def test_a_reason_only_returning_patients_come_for_gets_no_first_visit(visits, member_client) -> None:
    html, shown = times_offered(member_client, "new", "ecg-review")
    assert shown == set()
    assert "No time that fits in the next 7 days." in html


def test_the_question_is_validated_beside_its_fields_and_changes_nothing(visits, member_client) -> None:
    response = member_client.post(PAGE, {"patient": "maybe", "visit_reason": "x" * 5000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert offered(html) == set()
    assert "booking:choices" not in member_client.session


def test_the_booking_service_refuses_a_follow_up_to_a_new_patient(visits, member_client) -> None:
    """BOOK-3: the service, not only the page: a clear 409 with the times that fit, nothing written."""
    follow_up = visits.slots(visits.follow_up)[0]
    before = calendar_snapshot()
    response = book(member_client, follow_up, patient="new")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "visit_type_does_not_fit"
    assert "This time is for returning patients (Follow-up)" in body["detail"]
    assert body["next_slots"]
    assert {s["id"] for s in body["next_slots"]} <= visits.ids(visits.first)
    assert calendar_snapshot() == before


def test_a_member_who_does_not_say_is_what_their_history_makes_them(visits, world, member_client) -> None:
    follow_up = visits.slots(visits.follow_up)[0]
    assert book(member_client, follow_up).json()["code"] == "visit_type_does_not_fit"  # no visit yet: new
    completed_visit(world.member, visits.role)
    assert book(member_client, follow_up).status_code == 201  # after a completed visit: returning


def test_saying_returning_does_not_open_follow_ups_without_a_visit(visits, member_client) -> None:
    response = book(member_client, visits.slots(visits.follow_up)[0], patient="returning")
    assert response.status_code == 409
    assert "we have no completed visit of yours with them here" in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_a_first_visit_is_only_for_its_reasons(visits, member_client) -> None:
    first = visits.slots(visits.first)[0]
    response = book(member_client, first, reason="ecg-review", patient="new")
    assert response.status_code == 409
    assert "is not for ecg review" in response.json()["detail"]
    assert book(member_client, first, reason="palpitations", patient="new").status_code == 201


def test_a_returning_patient_may_still_take_a_first_visit(visits, world, member_client) -> None:
    """Decision: saying new is taken at its word; the practice offered the longer visit."""
    completed_visit(world.member, visits.role)
    assert book(member_client, visits.slots(visits.first)[0], patient="new").status_code == 201


def test_a_retired_visit_type_is_not_booked(visits, member_client) -> None:
    slot = visits.slots(visits.first)[0]
    visits.first.is_active = False
    visits.first.save(update_fields=["is_active"])
    response = book(member_client, slot, patient="new")
    assert response.status_code == 409
    assert "no longer offers New patient visit visits" in response.json()["detail"]


def test_an_unknown_kind_of_patient_is_refused(visits, member_client) -> None:
    response = book(member_client, visits.slots(visits.first)[0], patient="sometimes")
    assert response.status_code in (400, 422)
    assert not Appointment.objects.exists()


def test_the_booking_page_refuses_a_misfit_beside_the_question_and_offers_times_that_fit(visits, member_client) -> None:
    follow_up = visits.slots(visits.follow_up)[0]
    before = calendar_snapshot()
    response = member_client.post(
        f"/book/{follow_up.pk}/", {"patient": "new", "visit_reason": "chest-pain", "insurance_plan": ""}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This time is for returning patients (Follow-up)" in html
    assert "Times for a new patient with this reason:" in html
    shown = offered(html)
    assert shown and shown <= visits.ids(visits.first)
    assert calendar_snapshot() == before


def test_the_booking_page_says_at_once_when_the_chosen_time_does_not_fit(visits, member_client) -> None:
    member_client.post(PAGE, {"patient": "new", "visit_reason": "chest-pain"})
    page = member_client.get(f"/book/{visits.slots(visits.follow_up)[0].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This time is for returning patients (Follow-up)." in html
    assert offered(html) <= visits.ids(visits.first)
    # What the member said is asked again, already answered, on the booking form.
    assert re.search(r'value="new"[^>]* checked', html)


def test_a_time_that_fits_is_booked_from_the_page_with_what_was_said(visits, member_client) -> None:
    member_client.post(PAGE, {"patient": "new", "visit_reason": "palpitations"})
    first = visits.slots(visits.first)[0]
    response = member_client.post(
        f"/book/{first.pk}/", {"patient": "new", "visit_reason": "palpitations", "insurance_plan": ""}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().visit_type == visits.first
    # What was said is forgotten once booked: it is health information.
    assert str(visits.role.practitioner_id) not in member_client.session.get("booking:choices", {})


def test_a_move_keeps_the_kind_of_visit(visits, member_client) -> None:
    """A first visit moves to another first visit only; the page lists only those."""
    first = visits.slots(visits.first)
    booked = book(member_client, first[0], patient="new").json()["id"]
    page = member_client.get(f"/appointments/{booked}/").content.decode()
    listed = {int(v) for v in re.findall(r"<option value=\"(\d+)\"", page)}
    assert listed and listed <= visits.ids(visits.first)
    refused = member_client.post(
        f"{API}/{booked}/reschedule",
        json.dumps({"slot_id": visits.slots(visits.follow_up)[0].pk}),
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "visit_type_does_not_fit"
    assert Appointment.objects.get(public_id=booked).status == "booked"
    moved = member_client.post(
        f"{API}/{booked}/reschedule", json.dumps({"slot_id": first[1].pk}), content_type="application/json"
    )
    assert moved.status_code == 200, moved.content


def test_the_open_times_api_filters_by_patient_and_reason(visits, member_client) -> None:
    url = f"/api/roles/{visits.role.pk}/slots"
    every = {s["id"] for s in Client().get(url).json()}
    assert every & visits.ids(visits.follow_up) and every & visits.ids(visits.first)
    fitting = {s["id"] for s in Client().get(url, {"patient": "new", "visit_reason": "chest-pain"}).json()}
    assert fitting and fitting <= visits.ids(visits.first)
    # A signed-in member who says returning without a visit is shown first visits, as on the page.
    theirs = {s["id"] for s in member_client.get(url, {"patient": "returning", "visit_reason": "chest-pain"}).json()}
    assert theirs and theirs <= visits.ids(visits.first)


def test_the_open_times_api_wants_both_answers_and_a_reason_the_practitioner_sees(visits) -> None:
    url = f"/api/roles/{visits.role.pk}/slots"
    assert Client().get(url, {"patient": "new"}).status_code == 400
    assert Client().get(url, {"visit_reason": "chest-pain"}).status_code == 400
    assert Client().get(url, {"patient": "new", "visit_reason": "acne"}).json() == []
    assert Client().get(url, {"patient": "new", "visit_reason": "no-such-reason"}).json() == []
    assert Client().get(url, {"patient": "often", "visit_reason": "chest-pain"}).status_code in (400, 422)
