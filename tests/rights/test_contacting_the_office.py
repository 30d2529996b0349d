"""CONTACT-1: the privacy office's addresses from the operator's settings; a member's question is a
tracked request with a due date, what they write sealed correspondence (PI-1)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from indigomed.records.models import CorrespondenceEntry
from indigomed.rights.models import Request
from tests.rights.conftest import START, client_for

QUESTION = {"text": "Do you sell my data to advertisers?", "signed_name": "Pat Example Member", "consent": "on"}


def test_anyone_reads_how_to_reach_the_office_from_the_operators_settings(db, settings) -> None:
    settings.INDIGOMED = settings.INDIGOMED | {
        "PRIVACY_OFFICE_EMAIL": "dpo@operator.example",
        "PRIVACY_OFFICE_ADDRESS": "Operator House, 9 Test Lane",
        "PRIVACY_OFFICE_POSTAL_ADDRESS": "Privacy Office\\nPO Box 12\\nTestville",
    }
    page = Client().get("/privacy-office/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "dpo@operator.example" in text and "Operator House, 9 Test Lane" in text
    assert "Privacy Office<br>PO Box 12<br>Testville" in text
    assert "Sign in" in text and "Your question" not in text
    assert "/privacy-office/" in Client().get("/").content.decode()


def test_a_members_question_becomes_a_tracked_request_with_a_due_date(desk, clock) -> None:
    member = client_for(desk.new_york)
    assert "Your question" in member.get("/privacy-office/").content.decode()
    response = member.post("/privacy-office/", QUESTION)
    request = Request.objects.get(member=desk.new_york)
    assert response.status_code == 302 and response["Location"] == f"/me/requests/{request.public_id}/"
    assert request.kind == "question" and request.due_at == START + dt.timedelta(days=30)
    entry = CorrespondenceEntry.objects.get(pk=request.correspondence_id)
    assert b"advertisers" not in bytes(entry.body)
    assert "advertisers" in member.get(response["Location"]).content.decode()
    assert "advertisers" in client_for(desk.officer).get(f"/office/requests/{request.public_id}/").content.decode()


def test_a_question_without_a_signature_or_from_a_visitor_is_refused_and_nothing_kept(desk, clock) -> None:
    assert client_for(desk.new_york).post("/privacy-office/", QUESTION | {"consent": ""}).status_code == 400
    assert Client().post("/privacy-office/", QUESTION).status_code == 403
    assert client_for(desk.officer).post("/privacy-office/", QUESTION).status_code == 403
    api = client_for(desk.new_york).post(
        "/api/privacy-office/questions", {**QUESTION, "consent": False}, content_type="application/json"
    )
    assert api.status_code == 400
    assert not Request.objects.exists() and not CorrespondenceEntry.objects.exists()
