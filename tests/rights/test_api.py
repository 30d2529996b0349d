"""The requests desk over the API: the same services as the pages, members' and the office's."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indigomed.rights.models import Request
from tests.conftest import address_of
from tests.rights.conftest import START, client_for, signed

SIGNED = {"signed_name": "Pat Example Member", "consent": True}


def post(client: Client, url: str, body: dict) -> object:
    return client.post(url, body, content_type="application/json")


def test_a_member_files_follows_and_lists_requests_over_the_api(desk, clock) -> None:
    member = client_for(desk.paris)
    key = str(uuid.uuid4())
    sent = post(member, "/api/me/requests", {"kind": "access", "text": "A copy, please.", "submission": key, **SIGNED})
    assert sent.status_code == 201
    body = sent.json()
    assert body["state"] == "received" and body["text"] == "A copy, please."
    assert dt.datetime.fromisoformat(body["due_at"]) == START + dt.timedelta(days=8)
    assert [m["kind"] for m in body["messages"]] == ["request-received"]
    again = post(member, "/api/me/requests", {"kind": "access", "text": "A copy, please.", "submission": key, **SIGNED})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert [r["id"] for r in member.get("/api/me/requests").json()] == [body["id"]]
    assert member.get(f"/api/me/requests/{body['id']}").json()["signed_name"] == "Pat Example Member"


def test_bad_input_over_the_api_is_a_clear_4xx_and_stores_nothing(desk, clock) -> None:
    member = client_for(desk.paris)
    cases = [
        {"kind": "access", "text": "x", "signed_name": "Pat", "consent": True},
        {"kind": "access", "text": "x", "signed_name": "Pat Example", "consent": False},
        {"kind": "telepathy", "text": "x", **SIGNED},
        {"kind": "access", "text": "x" * 5001, **SIGNED},
        {"kind": "accounting", "text": "x", **SIGNED},
        {"kind": "access", **SIGNED},
    ]
    for body in cases:
        response = post(member, "/api/me/requests", body)
        assert response.status_code in (400, 422), body
        assert response.json()["detail"]
    too_long = {"asked_from": "2020-01-01", "asked_until": "9999-12-31", "delivery": "electronic", **SIGNED}
    assert post(member, "/api/me/accountings", too_long).status_code == 422
    assert post(member, "/api/me/accountings", too_long | {"asked_until": "2019-01-01"}).status_code == 400
    assert not Request.objects.exists()
    assert Client().get("/api/me/requests").status_code == 401
    assert client_for(desk.officer).get("/api/me/requests").status_code == 404


def test_an_accounting_over_the_api_says_how_its_period_was_cut_and_what_it_costs(desk, clock) -> None:
    member = client_for(desk.new_york)
    terms = member.get("/api/me/accountings/terms").json()
    assert terms == {
        "lookback_days": 2190,
        "earliest": "2020-03-03",
        "fee_cents": 0,
        "fee_currency": "USD",
        "free_one_on": None,
    }
    body = {"asked_from": "2001-01-01", "asked_until": "2026-03-01", "delivery": "electronic", **SIGNED}
    filed = post(member, "/api/me/accountings", body).json()
    assert filed["accounting"]["cut_to_lookback"] and filed["accounting"]["covered_from"] == "2020-03-03"
    assert "reaches back 2190 days" in filed["accounting"]["note"]
    assert member.get("/api/me/accountings/terms").json()["fee_cents"] == 1500
    paid = post(member, "/api/me/accountings", body | {"accept_fee": True}).json()
    assert paid["accounting"]["fee_cents"] == 1500


def test_the_office_works_the_desk_over_the_api(desk, clock) -> None:
    request = signed(desk.paris, "amendment")
    office = client_for(desk.officer)
    board = office.get("/api/office/requests").json()
    assert [r["id"] for r in board["later"]] == [str(request.public_id)]
    base = f"/api/office/requests/{request.public_id}"
    assert (
        post(office, f"{base}/assign", {"officer": desk.second_officer.pk}).json()["officer"] == desk.second_officer.pk
    )
    assert post(office, f"{base}/review", {}).json()["state"] == "in_review"
    assert post(office, f"{base}/review", {}).status_code == 409
    extended = post(office, f"{base}/extend", {"reason": "The practice that recorded it must confirm."}).json()
    assert dt.datetime.fromisoformat(extended["extended_due_at"]) == START + dt.timedelta(days=90)
    assert post(office, f"{base}/conclude", {"outcome": "denied"}).status_code == 400
    done = post(office, f"{base}/conclude", {"outcome": "denied", "reasons": "The record is accurate and complete."})
    assert done.json()["state"] == "denied" and done.json()["reasons"] == "The record is accurate and complete."
    member_view = client_for(desk.paris).get(f"/api/me/requests/{request.public_id}").json()
    assert [m["kind"] for m in member_view["messages"]] == [
        "request-received",
        "request-in-review",
        "request-extended",
        "request-concluded",
    ]


def test_the_office_enters_a_letter_over_the_api_and_members_cannot(desk, clock) -> None:
    form = {
        "member_email": address_of(desk.new_york),
        "kind": "access",
        "channel": "letter",
        "signed_on": "2026-02-27",
        "scan": SimpleUploadedFile("letter.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, content_type="image/jpeg"),
    }
    entered = client_for(desk.officer).post("/api/office/requests", form)
    assert entered.status_code == 201 and entered.json()["has_letter"] and entered.json()["signature"] == "letter"
    nobody = client_for(desk.officer).post("/api/office/requests", form | {"member_email": "nobody@example.test"})
    assert nobody.status_code == 400
    for user in (desk.new_york, desk.outsider):
        refused = client_for(user).post("/api/office/requests", form)
        assert refused.status_code == 404
        assert client_for(user).get("/api/office/requests").status_code == 404
        assert client_for(user).get(f"/api/office/requests/{entered.json()['id']}").status_code == 404
    assert Request.objects.count() == 1
