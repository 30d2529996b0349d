"""The privacy office enters a member's letter asking for an amendment or a restriction on its
entry page (and over the API), structured like the member's own online request: the amendment
names the record and its new value, the restriction what it covers and who must not receive it.
Accepted, each works as an online one does: the value changes with the original kept, the
restriction is enforced by the decision point. Bad input is refused beside its field, nothing
stored; a second submit files one request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from indigomed.messaging.models import Message
from indigomed.privacy.amendment_queries import ENTERING
from indigomed.privacy.models import Restriction
from indigomed.records.models import Amendment, CorrespondenceEntry
from indigomed.records.queries import profile_of
from indigomed.rights.models import Request
from indigomed.security.models import AccessLogEntry
from tests.conftest import address_of
from tests.privacy.amending import book, calendar_page, officer, row_cell, signed_in

PDF = b"%PDF-1.4\n% a scanned letter\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENTER = "/office/requests/enter"


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def scan(content: bytes = PDF, name: str = "letter.pdf", kind: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name} on the page"
    return found.group(1)


def find(desk: Client, member, kind: str) -> dict[str, str]:
    """The first step: the member's address and what the letter asks; what the next step carries."""
    page = desk.post(ENTER, {"step": "find", "member_email": address_of(member), "kind": kind})
    assert page.status_code == 200, page.content
    text = page.content.decode()
    return {"member_email": address_of(member), "submission": hidden(text, "submission"), "page": text}


def amendment_letter(desk: Client, member, record: str, **changes) -> object:
    carried = find(desk, member, "amendment")
    assert 'value="profile:date_of_birth"' in carried.pop("page")
    chosen = desk.post(ENTER, {"step": "record", "record": record, **carried})
    assert chosen.status_code == 200, chosen.content
    form = {
        "step": "amendment",
        "record": record,
        "proposed": "1979-02-03",
        "why": "Enclosed is a copy of my birth certificate.",
        "channel": "letter",
        "signed_on": days_ago(2),
        "scan": scan(),
        **carried,
    } | changes
    return desk.post(ENTER, form)


def restriction_letter(desk: Client, world, **changes) -> object:
    carried = find(desk, world.member, "restriction")
    assert f'value="practitioner:{world.heart_doctor.pk}"' in carried.pop("page")
    form = {
        "step": "restriction",
        "categories": ["insurance"],
        "purposes": ["treatment"],
        "limits": "disclosure",
        "recipient": f"practitioner:{world.heart_doctor.pk}",
        "signed_name": "Pat Example Member",
        "channel": "letter",
        "signed_on": days_ago(5),
        "scan": scan(),
        **carried,
    } | changes
    return desk.post(ENTER, form)


def nothing_stored() -> bool:
    return not (
        Request.objects.exists()
        or Amendment.objects.exists()
        or Restriction.objects.exists()
        or CorrespondenceEntry.objects.exists()
        or Message.objects.filter(kind="request-received").exists()
    )


def test_an_officer_enters_an_amendment_letter_accepts_it_and_the_value_changes_with_the_original_kept(world) -> None:
    office = officer()
    desk = signed_in(office)
    before = profile_of(world.member.pk).date_of_birth
    entered = amendment_letter(desk, world.member, "profile:date_of_birth")
    assert entered.status_code == 302, entered.content
    request = Request.objects.get()
    assert (request.kind, request.signature, request.entered_by_id) == ("amendment", "letter", office.pk)
    assert request.signed_at.date().isoformat() == days_ago(2) and request.scan_type == "application/pdf"
    amendment = Amendment.objects.get(request_public_id=request.public_id)
    assert (amendment.member_id, amendment.record) == (world.member.pk, "profile:date_of_birth")
    # The office's look at the member's records to pick one is in the member's access log, as the office's.
    assert AccessLogEntry.objects.filter(member_id=world.member.pk, actor_user_id=office.pk, purpose=ENTERING).exists()

    # The same path as an online amendment: accepted on its page, the record corrected.
    assert desk.post(f"/office/amendments/{amendment.public_id}/accept").status_code == 302
    assert profile_of(world.member.pk).date_of_birth == dt.date(1979, 2, 3)
    [shown] = signed_in(world.member).get("/api/me/amendments").json()
    assert shown["status"] == "accepted" and shown["original"] == "1 June 1985" == f"{before:%-d %B %Y}"
    assert Request.objects.get().state == "fulfilled"
    assert Message.objects.filter(member_id=world.member.pk, kind="request-concluded").exists()


def test_an_officer_enters_a_restriction_letter_and_once_accepted_the_named_practitioner_is_refused(world) -> None:
    office = officer()
    visit = book(world)
    assert "Aetna HMO" in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")
    desk = signed_in(office)
    entered = restriction_letter(desk, world)
    assert entered.status_code == 302, entered.content
    restriction = Restriction.objects.get()
    request = Request.objects.get(public_id=restriction.request_public_id)
    assert (request.kind, request.signature) == ("restriction", "letter")
    assert (restriction.limits, restriction.recipient_ref) == ("disclosure", f"practitioner:{world.heart_doctor.pk}")
    assert restriction.categories == ["insurance"] and restriction.purposes == ["treatment"]
    assert restriction.signed_at.date().isoformat() == days_ago(5), "dated by the letter's date"
    assert restriction.status == "requested", "it binds nobody until accepted"
    assert "Aetna HMO" in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")

    assert desk.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"}).status_code == 302
    assert Restriction.objects.get().status == "accepted" and Request.objects.get().state == "fulfilled"
    assert "Aetna HMO" not in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")


def test_a_second_submit_of_a_letter_enters_one_request(world) -> None:
    desk = signed_in(officer())
    carried = find(desk, world.member, "amendment")
    carried.pop("page")
    form = {
        "step": "amendment",
        "record": "profile:date_of_birth",
        "proposed": "1979-02-03",
        "why": "Enclosed is a copy of my birth certificate.",
        "channel": "email",
        "text": "Please correct my date of birth.",
        "signed_on": days_ago(1),
        **carried,
    }
    first, second = desk.post(ENTER, form), desk.post(ENTER, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Request.objects.count() == Amendment.objects.count() == 1
    book(world)
    again = find(desk, world.member, "restriction")
    again.pop("page")
    restriction = {
        "step": "restriction",
        "categories": ["insurance"],
        "limits": "both",
        "signed_name": "Pat Example Member",
        "channel": "email",
        "text": "Do not share my insurance.",
        "signed_on": days_ago(1),
        **again,
    }
    assert desk.post(ENTER, restriction).status_code == desk.post(ENTER, restriction).status_code == 302
    assert Restriction.objects.count() == 1 and Request.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scan": scan(b"MZ\x90\x00 not a pdf")}, "PDF, PNG or JPEG"),
        ({"scan": scan(b"<html><script>", "letter.html", "text/html")}, "PDF, PNG or JPEG"),
        ({"scan": scan(PDF + b"%" * 2048)}, "larger than"),
        ({"scan": ""}, "Attach the scan"),
        ({"signed_on": "9999-01-01"}, "four-digit year"),
        ({"signed_on": "0001-01-01"}, "four-digit year"),
        ({"signed_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "in the future"),
        ({"proposed": "2999-01-01"}, ""),
        ({"why": ""}, "This field is required."),
    ],
)
def test_a_bad_amendment_letter_is_refused_beside_its_field_and_nothing_is_stored(
    world, settings, changes, message
) -> None:
    settings.INDIGOMED = settings.INDIGOMED | {"SCANNED_LETTER_MAX_BYTES": 1024}
    desk = signed_in(officer())
    response = amendment_letter(desk, world.member, "profile:date_of_birth", **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored()


def test_a_record_that_is_not_the_members_is_refused_and_nothing_is_stored(world) -> None:
    theirs = book(world, world.other_member)
    desk = signed_in(officer())
    record = f"booking:{theirs.public_id}:reason"
    carried = find(desk, world.member, "amendment")
    page = carried.pop("page")
    assert str(theirs.public_id) not in page, "only the member's own records are offered"
    for step in ("record", "amendment"):
        response = desk.post(
            ENTER,
            {"step": step, "record": record, "proposed": "acne", "why": "Wrong.", "signed_on": days_ago(1)}
            | {"channel": "letter", "scan": scan()}
            | carried,
        )
        assert response.status_code == 400
        assert "Choose one of this member" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recipient": "practitioner:999999"}, "We do not know that recipient"),
        ({"recipient": "skin-doctor"}, "We do not know that recipient"),
        ({"signed_name": "Pat"}, "full name"),
        ({"categories": []}, "Choose at least one kind of information"),
        ({"limits": "everything"}, "Select a valid choice"),
        ({"scan": scan(b"GIF89a")}, "PDF, PNG or JPEG"),
        ({"signed_on": "9999-12-31"}, "four-digit year"),
        ({"signed_on": days_ago(-3)}, "in the future"),
    ],
)
def test_a_bad_restriction_letter_is_refused_beside_its_field_and_nothing_is_stored(world, changes, message) -> None:
    book(world)
    if changes.get("recipient") == "skin-doctor":
        changes = {"recipient": f"practitioner:{world.skin_doctor.pk}"}  # real, but never the member's
    response = restriction_letter(signed_in(officer()), world, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored()


def test_a_letter_for_an_address_no_member_has_stops_at_the_first_step(world) -> None:
    desk = signed_in(officer())
    response = desk.post(ENTER, {"step": "find", "member_email": "nobody.here@example.test", "kind": "restriction"})
    assert response.status_code == 400 and "No member signs in with that e-mail" in response.content.decode()
    # An address changed in the page's body on a later step is caught there too.
    carried = {"member_email": "nobody.here@example.test", "signed_name": "Pat Example Member"}
    late = desk.post(ENTER, {"step": "restriction", "categories": ["insurance"], "limits": "both", **carried})
    assert late.status_code == 400 and "No member signs in with that e-mail" in late.content.decode()
    assert nothing_stored()
    assert signed_in(world.member).post(ENTER, {"step": "find", "kind": "access"}).status_code == 403


def test_a_copy_request_letter_is_entered_without_more_steps(world) -> None:
    desk = signed_in(officer())
    carried = find(desk, world.member, "access")
    assert "profile:date_of_birth" not in carried.pop("page")
    form = {"step": "letter", "kind": "access", "channel": "letter", "signed_on": days_ago(0), "scan": scan()}
    assert desk.post(ENTER, form | carried).status_code == 302
    assert Request.objects.get().kind == "access"
    # An amendment or a restriction cannot slip through the plain step: they need their structure.
    for kind in ("amendment", "restriction"):
        other = carried | {"submission": ""}
        refused = desk.post(ENTER, form | other | {"kind": kind, "scan": scan()})
        assert refused.status_code == 400
    assert Request.objects.count() == 1


# --- The API ----------------------------------------------------------------------------------


def api_restriction(world, **changes) -> dict:
    return {
        "member_email": address_of(world.member),
        "channel": "letter",
        "signed_on": days_ago(3),
        "signed_name": "Pat Example Member",
        "limits": "disclosure",
        "categories": ["insurance"],
        "purposes": ["treatment"],
        "recipient_ref": f"practitioner:{world.heart_doctor.pk}",
        "scan": scan(),
    } | changes


def test_the_api_enters_a_restriction_letter_decided_like_an_online_one(world) -> None:
    office = officer()
    visit = book(world)
    desk = signed_in(office)
    entered = desk.post("/api/office/restrictions", api_restriction(world))
    assert entered.status_code == 201, entered.content
    body = entered.json()
    assert body["kind"] == "restriction" and body["signature"] == "letter" and body["has_letter"]
    restriction = Restriction.objects.get(request_public_id=body["id"])
    assert restriction.signed_at.date().isoformat() == days_ago(3)
    desk.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"})
    assert "Aetna HMO" not in row_cell(calendar_page(world.doctor_user, visit), visit, "Insurance")


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"recipient_ref": "practitioner:999999"}, 400),
        ({"categories": ["no-such-thing"]}, 400),
        ({"purposes": ["no-such-purpose"]}, 400),
        ({"member_email": "nobody@example.test"}, 400),
        ({"signed_name": "Pat"}, 400),
        ({"scan": scan(b"MZ\x90\x00")}, 400),
        ({"signed_on": "9999-01-01"}, 400),
        ({"signed_on": "0001-01-01"}, 400),
        ({"limits": "everything"}, 422),
    ],
)
def test_a_bad_restriction_letter_over_the_api_is_a_clear_4xx_and_nothing_is_stored(world, changes, status) -> None:
    book(world)
    response = signed_in(officer()).post("/api/office/restrictions", api_restriction(world, **changes))
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert nothing_stored()
    assert signed_in(world.member).post("/api/office/restrictions", api_restriction(world)).status_code in (403, 404)
    assert nothing_stored()


def test_the_plain_api_entry_refuses_a_restriction_which_needs_its_structure(world) -> None:
    form = {"member_email": address_of(world.member), "kind": "restriction", "channel": "letter"}
    form |= {"signed_on": days_ago(1), "scan": scan()}
    response = signed_in(officer()).post("/api/office/requests", form)
    assert response.status_code == 400 and "/api/office/restrictions" in response.json()["detail"]
    assert nothing_stored()
