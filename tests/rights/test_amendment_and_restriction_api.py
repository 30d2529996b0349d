"""RIGHT-AMEND and RIGHT-RESTRICT over the API: a member asks to correct a record, files a
statement of disagreement with a denial, asks for a restriction and ends it; the office enters a
letter's amendment structured like an online one, answered the same way. Another member's
amendment or restriction is not found; bad input is a clear 4xx and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from indigomed.privacy.models import Restriction
from indigomed.records.models import Amendment
from indigomed.rights.amendment import answer_amendment
from indigomed.rights.models import Request
from indigomed.rights.restriction import decide
from tests.conftest import address_of
from tests.privacy.amending import book, deny, officer, signed_in

SIGNED = {"signed_name": "Pat Example Member", "consent": True}
PDF = b"%PDF-1.4\n% a scanned letter\n"


def post(client: Client, url: str, body: dict) -> object:
    return client.post(url, body, content_type="application/json")


def test_a_member_asks_for_an_amendment_and_disagrees_with_its_denial_over_the_api(world) -> None:
    """RIGHT-AMEND: asked over the API, listed, denied by the office, disagreed with."""
    office = officer()
    member = signed_in(world.member)
    records = member.get("/api/me/amendments/records").json()
    assert "profile:date_of_birth" in [r["record"] for r in records]
    asked = post(
        member,
        "/api/me/amendments",
        {"record": "profile:date_of_birth", "proposed": "1979-02-03", "why": "My birth certificate says so.", **SIGNED},
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["kind"] == "amendment" and asked.json()["state"] == "received"
    amendment = Amendment.objects.get(request_public_id=asked.json()["id"])
    [listed] = member.get("/api/me/amendments").json()
    assert listed["id"] == str(amendment.public_id) and listed["status"] == "requested"
    assert listed["proposed"] == member.get(f"/api/me/amendments/{amendment.public_id}").json()["proposed"]

    deny(office, amendment, "The date was checked against your passport.")
    url = f"/api/me/amendments/{amendment.public_id}/disagreement"
    assert post(member, url, {"statement": "no"}).status_code == 400
    filed = post(member, url, {"statement": "My passport has a misprint that the embassy confirmed."})
    assert filed.status_code == 201
    assert filed.json()["disagreement"] == "My passport has a misprint that the embassy confirmed."
    assert filed.json()["explanation"] == "The date was checked against your passport."
    again = post(member, url, {"statement": "And I say it a second time, louder."})
    assert again.status_code == 400 and again.json()["detail"]


def test_another_members_amendment_and_bad_amendments_are_refused_and_nothing_is_stored(world) -> None:
    """RIGHT-AMEND bad input: another's record or amendment is not found; a bad value, no reason or
    no signature is a 4xx; nothing is stored."""
    theirs = book(world, world.other_member)
    member = signed_in(world.member)
    base = {"record": "profile:date_of_birth", "proposed": "1979-02-03", "why": "It is wrong.", **SIGNED}
    refused = [
        (base | {"record": f"booking:{theirs.public_id}:reason", "proposed": "acne"}, 404),
        (base | {"record": "profile:password"}, 404),
        (base | {"proposed": "9999-12-31"}, 400),
        (base | {"why": "   "}, 400),
        (base | {"consent": False}, 400),
        (base | {"signed_name": "Pat"}, 400),
        (base | {"record": "x" * 5000}, 422),
        ({k: v for k, v in base.items() if k != "why"}, 422),
    ]
    for body, status in refused:
        response = post(member, "/api/me/amendments", body)
        assert response.status_code == status, (body, response.content)
        assert response.json()["detail"]
    generic = post(member, "/api/me/requests", {"kind": "amendment", "text": "Fix my birthday.", **SIGNED})
    assert generic.status_code == 400
    assert not Amendment.objects.exists() and not Request.objects.exists()

    other = signed_in(world.other_member)
    post(other, "/api/me/amendments", base | {"signed_name": "Other Example Member"})
    their_amendment = Amendment.objects.get()
    assert member.get(f"/api/me/amendments/{their_amendment.public_id}").status_code == 404
    statement = {"statement": "This is not my amendment at all."}
    assert post(member, f"/api/me/amendments/{their_amendment.public_id}/disagreement", statement).status_code == 404
    assert member.get("/api/me/amendments").json() == []
    assert signed_in(world.doctor_user).get("/api/me/amendments").status_code == 404
    assert Client().get("/api/me/amendments").status_code == 401


def test_the_office_enters_a_letters_amendment_structured_like_an_online_one(world) -> None:
    """RIGHT-AMEND: a scanned letter names the record, the value and why; the office accepts it on
    the same path as an online request and the record changes, the original kept."""
    office = officer()
    desk = signed_in(office)
    form = {
        "member_email": address_of(world.member),
        "channel": "letter",
        "signed_on": timezone.localdate().isoformat(),
        "record": "profile:date_of_birth",
        "proposed": "1979-02-03",
        "why": "Enclosed copy of my birth certificate.",
        "scan": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    }
    entered = desk.post("/api/office/amendments", form)
    assert entered.status_code == 201, entered.content
    body = entered.json()
    assert body["kind"] == "amendment" and body["signature"] == "letter"
    amendment = Amendment.objects.get(request_public_id=body["id"])
    assert amendment.member_id == world.member.pk and amendment.record == "profile:date_of_birth"
    answer_amendment(officer=office, public_id=str(amendment.public_id), accept=True)
    [shown] = signed_in(world.member).get("/api/me/amendments").json()
    assert shown["status"] == "accepted" and shown["original"] and shown["proposed"]
    assert Request.objects.get(public_id=body["id"]).state == "fulfilled"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"record": "profile:password"}, 404),
        ({"proposed": "9999-12-31"}, 400),
        ({"why": ""}, 400),
        ({"scan": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")}, 400),
        ({"scan": SimpleUploadedFile("letter.pdf", b"", content_type="application/pdf")}, 400),
        ({"member_email": "nobody@example.test"}, 400),
        ({"signed_on": "2999-01-01"}, 400),
    ],
)
def test_a_bad_letter_amendment_is_refused_and_nothing_is_stored(world, changes, status) -> None:
    """RIGHT-AMEND bad input: checked like an online one, uploads checked for type and size."""
    desk = signed_in(officer())
    form = {
        "member_email": address_of(world.member),
        "channel": "letter",
        "signed_on": timezone.localdate().isoformat(),
        "record": "profile:date_of_birth",
        "proposed": "1979-02-03",
        "why": "Enclosed copy of my birth certificate.",
        "scan": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    } | changes
    response = desk.post("/api/office/amendments", form)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert not Amendment.objects.exists() and not Request.objects.exists()
    assert signed_in(world.member).post("/api/office/amendments", form).status_code in (400, 404)
    assert not Request.objects.exists()


def test_a_member_asks_for_a_restriction_and_ends_it_over_the_api(world) -> None:
    """RIGHT-RESTRICT: signed, what it limits and who must not receive; accepted, then ended."""
    office = officer()
    book(world)
    member = signed_in(world.member)
    refs = [r["ref"] for r in member.get("/api/me/restrictions/recipients").json()]
    doctor = f"practitioner:{world.heart_doctor.pk}"
    assert doctor in refs
    body = {"categories": ["medical"], "purposes": ["treatment"], "limits": "disclosure", "recipient_ref": doctor}
    asked = post(member, "/api/me/restrictions", body | SIGNED)
    assert asked.status_code == 201, asked.content
    restriction = asked.json()
    assert restriction["status"] == "requested" and restriction["limits"] == "disclosure"
    assert Request.objects.get(public_id=restriction["request_id"]).kind == "restriction"
    ending = f"/api/me/restrictions/{restriction['id']}/end"
    assert post(member, ending, {}).status_code == 400
    decide(officer=office, public_id=restriction["id"], accept=True)
    ended = post(member, ending, {})
    assert ended.status_code == 200 and ended.json()["status"] == "ended" and ended.json()["ended_at"]
    assert [r["status"] for r in member.get("/api/me/restrictions").json()] == ["ended"]
    assert post(signed_in(world.other_member), ending, {}).status_code == 404


def test_bad_restrictions_over_the_api_are_a_clear_4xx_and_store_nothing(world) -> None:
    """RIGHT-RESTRICT bad input: a recipient that does not exist, no signature, unknown limits."""
    member = signed_in(world.member)
    base = {"categories": ["medical"], "purposes": ["treatment"], "limits": "both", **SIGNED}
    for body, status in [
        (base | {"recipient_ref": "practitioner:999999"}, 400),
        (base | {"recipient_ref": "nonsense"}, 400),
        (base | {"consent": False}, 400),
        (base | {"limits": "everything"}, 422),
        (base | {"categories": ["x"] * 50}, 422),
    ]:
        response = post(member, "/api/me/restrictions", body)
        assert response.status_code == status, (body, response.content)
        assert response.json()["detail"]
    assert (
        post(member, "/api/me/requests", {"kind": "restriction", "text": "Restrict it.", **SIGNED}).status_code == 400
    )
    assert not Restriction.objects.exists() and not Request.objects.exists()
    assert post(member, f"/api/me/restrictions/{dt.date.today()}/end", {}).status_code == 422
