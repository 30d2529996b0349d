"""RIGHT-ACCOUNT over the API: the fee is shown before asking; a second accounting inside 12
months without accepting it is a clear 4xx that stores nothing; another member's accounting, in
any format, is not found."""

from __future__ import annotations

from indigomed.rights import office
from indigomed.rights.models import Request
from tests.rights.conftest import client_for

SIGNED = {"signed_name": "Pat Example Member", "consent": True}
PERIOD = {"asked_from": "2025-03-01", "asked_until": "2026-03-01", "delivery": "electronic"}


def test_the_second_accounting_in_twelve_months_needs_its_fee_accepted_over_the_api(desk, clock) -> None:
    member = client_for(desk.new_york)
    first = member.post("/api/me/accountings", PERIOD | SIGNED, content_type="application/json")
    assert first.status_code == 201 and first.json()["accounting"]["fee_cents"] == 0
    terms = member.get("/api/me/accountings/terms").json()
    assert terms["fee_cents"] == 1500 and terms["fee_currency"] == "USD"
    refused = member.post("/api/me/accountings", PERIOD | SIGNED, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["detail"]
    assert Request.objects.filter(member=desk.new_york).count() == 1
    paid = member.post("/api/me/accountings", PERIOD | SIGNED | {"accept_fee": True}, content_type="application/json")
    assert paid.status_code == 201 and paid.json()["accounting"]["fee_cents"] == 1500


def test_another_members_accounting_is_not_found_in_any_format(desk, clock) -> None:
    member = client_for(desk.new_york)
    filed = member.post("/api/me/accountings", PERIOD | SIGNED, content_type="application/json").json()
    office.start_review(officer=desk.officer, public_id=filed["id"])
    office.conclude(officer=desk.officer, public_id=filed["id"], outcome=Request.State.FULFILLED)
    assert member.get(f"/api/me/requests/{filed['id']}/accounting.csv").status_code == 200
    other = client_for(desk.paris)
    for fmt in ("pdf", "csv", "json"):
        assert other.get(f"/api/me/requests/{filed['id']}/accounting.{fmt}").status_code == 404
    assert other.get(f"/api/me/requests/{filed['id']}").status_code == 404
    assert member.get(f"/api/me/requests/{filed['id']}/accounting.exe").status_code in (400, 404)
