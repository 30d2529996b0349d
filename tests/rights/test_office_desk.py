"""The privacy office's desk: due, due soon and overdue, per officer; the transitions; a scanned
letter entered for a member, checked for type and size and sealed like a legal demand's document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indigomed.messaging.models import Message
from indigomed.records.models import CorrespondenceEntry
from indigomed.rights import office, queries
from indigomed.rights.models import Request
from indigomed.security.models import AccessLogEntry
from tests.conftest import address_of
from tests.rights.conftest import START, client_for, signed

PDF = b"%PDF-1.4\n% a scanned letter\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_desk_sorts_open_requests_into_overdue_due_soon_and_later_per_officer(desk, clock) -> None:
    question = signed(desk.new_york, "question")  # due in 30 days
    access = signed(desk.paris, "access")  # due in 8 days
    amendment = signed(desk.new_york, "amendment")  # due in 60 days
    office.assign(officer=desk.officer, public_id=amendment.public_id, to_user_id=desk.second_officer.pk)
    clock.advance(days=9)
    board = queries.desk(officer=desk.officer)
    assert [r.pk for r in board.overdue] == [access.pk]
    assert board.due_soon == []
    assert [r.pk for r in board.later] == [question.pk, amendment.pk]
    clock.advance(days=16)  # question due in 5 days: soon
    board = queries.desk(officer=desk.officer)
    assert [r.pk for r in board.due_soon] == [question.pk]
    loads = {(load.officer.pk if load.officer else None): load for load in board.per_officer}
    assert loads[None].overdue == 1 and loads[None].due_soon == 1
    assert loads[desk.second_officer.pk].later == 1
    mine = queries.desk(officer=desk.second_officer, assigned_to=desk.second_officer.pk)
    assert [r.pk for r in mine.later] == [amendment.pk] and mine.overdue == []
    page = client_for(desk.officer).get("/office/requests/").content.decode()
    assert str(access.public_id)[:8] in page and "Sam Second" in page
    overdue = queries.overdue_by_officer()
    assert [r.pk for r in overdue[None]] == [access.pk]


def test_an_extension_moves_a_request_out_of_the_overdue_list(desk, clock) -> None:
    access = signed(desk.new_york, "access")
    clock.advance(days=29)
    office.extend(officer=desk.officer, public_id=access.public_id, reason="The archive holding it answers slowly.")
    clock.advance(days=2)  # past the first deadline, inside the extended one
    board = queries.desk(officer=desk.officer)
    assert board.overdue == [] and [r.pk for r in board.due_soon + board.later] == [access.pk]


def test_the_office_walks_a_request_through_its_pages(desk, clock) -> None:
    request = signed(desk.new_york, "question", "Who reads my messages?")
    office = client_for(desk.officer)
    detail = office.get(f"/office/requests/{request.public_id}/")
    assert detail.status_code == 200 and "Who reads my messages?" in detail.content.decode()
    # The office's look at what the member wrote is in the member's access log, as answering them.
    assert AccessLogEntry.objects.filter(
        member_id=desk.new_york.pk, actor_user_id=desk.officer.pk, rule=request.ref, purpose="answering your request"
    ).exists()
    base = f"/office/requests/{request.public_id}"
    assert office.post(f"{base}/assign", {"officer": desk.second_officer.pk}).status_code == 302
    assert office.post(f"{base}/review").status_code == 302
    assert office.post(f"{base}/conclude", {"outcome": "denied", "reasons": ""}).status_code == 302
    assert Request.objects.get(pk=request.pk).state == "in_review"  # refused: no reasons
    office.post(f"{base}/conclude", {"outcome": "fulfilled", "reasons": "Only you, and the office when you ask."})
    request.refresh_from_db()
    assert request.state == "fulfilled" and request.officer_id == desk.second_officer.pk


def test_only_the_office_sees_the_desk(desk, clock) -> None:
    request = signed(desk.new_york, "question")
    for user in (desk.new_york, desk.outsider):
        client = client_for(user)
        assert client.get("/office/requests/").status_code == 403
        assert client.get(f"/office/requests/{request.public_id}/").status_code == 403
        assert client.post(f"/office/requests/{request.public_id}/review").status_code == 403
    assert Client().get("/office/requests/").status_code == 302
    assert client_for(desk.officer).get("/office/requests/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert Request.objects.get(pk=request.pk).state == "received"


def enter(client: Client, member_email: str, **changes) -> object:
    form = {
        "step": "letter",
        "member_email": member_email,
        "kind": "access",
        "channel": "letter",
        "signed_on": (START - dt.timedelta(days=3)).date().isoformat(),
        "text": "Asks for a copy of the records of the last visit.",
        "scan": SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
    } | changes
    return client.post("/office/requests/enter", form)


def test_a_scanned_letter_is_entered_for_a_member_sealed_and_the_member_told(desk, clock) -> None:
    office = client_for(desk.officer)
    response = enter(office, address_of(desk.paris))
    assert response.status_code == 302
    request = Request.objects.get(member=desk.paris)
    assert request.signature == "letter" and request.entered_by_id == desk.officer.pk
    assert request.signed_at.date() == (START - dt.timedelta(days=3)).date()
    assert request.due_at == START + dt.timedelta(days=8)  # a copy in France: 8 days
    assert request.scan_type == "application/pdf"
    with request.scan.open("rb") as stored:
        at_rest = stored.read()
    assert not at_rest.startswith(b"%PDF") and b"scanned letter" not in at_rest
    assert CorrespondenceEntry.objects.get(pk=request.correspondence_id).channel == "letter"
    assert Message.objects.filter(member_id=desk.paris.pk, kind="request-received").exists()
    download = office.get(f"/office/requests/{request.public_id}/letter")
    assert download.content == PDF and download["Content-Type"] == "application/pdf"
    assert "letter-" in download["Content-Disposition"] and "paris" not in download["Content-Disposition"]
    assert client_for(desk.paris).get(f"/office/requests/{request.public_id}/letter").status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"scan": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
            "PDF, PNG or JPEG",
        ),
        ({"scan": SimpleUploadedFile("letter.html", b"<html><script>", content_type="text/html")}, "PDF, PNG or JPEG"),
        ({"scan": SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")}, "empty"),
        ({"scan": SimpleUploadedFile("huge.png", PNG + b"\x00" * 2048, content_type="image/png")}, "larger than"),
        ({"scan": ""}, "Attach the scan"),
        ({"signed_on": "9999-01-01"}, "four-digit year"),
        ({"signed_on": "0001-01-01"}, "four-digit year"),
        ({"signed_on": (START + dt.timedelta(days=1)).date().isoformat()}, "in the future"),
        ({"signed_on": (START - dt.timedelta(days=400)).date().isoformat()}, "over a year ago"),
        ({"channel": "email", "text": "", "scan": ""}, "Paste the text"),
    ],
)
def test_a_wrong_upload_or_date_is_refused_with_a_message_and_nothing_is_stored(
    desk, clock, settings, changes, message
) -> None:
    settings.INDIGOMED = settings.INDIGOMED | {"SCANNED_LETTER_MAX_BYTES": 1024}
    response = enter(client_for(desk.officer), address_of(desk.paris), **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Request.objects.exists() and not CorrespondenceEntry.objects.exists() and not Message.objects.exists()


def test_entering_for_a_member_that_does_not_exist_is_refused(desk, clock) -> None:
    office = client_for(desk.officer)
    for email in ("nobody.here@example.test", address_of(desk.outsider), address_of(desk.officer)):
        response = enter(office, email)
        assert response.status_code == 400 and "No member signs in with that e-mail" in response.content.decode()
    assert not Request.objects.exists()
    # Whatever was typed stays out of the address bar and of the answer's headers.
    assert "nobody.here" not in response.get("Location", "")


def test_a_scan_larger_than_a_page_body_goes_through_for_the_office_only(desk, clock) -> None:
    """The request-size guard lets the office's letters through (up to the upload limit), nobody else's."""
    big = PDF + b"%" * (512 * 1024)
    office = client_for(desk.officer)
    page = enter(office, address_of(desk.paris), scan=SimpleUploadedFile("l.pdf", big, content_type="application/pdf"))
    assert page.status_code == 302
    form = {
        "member_email": address_of(desk.paris),
        "kind": "access",
        "channel": "letter",
        "signed_on": "2026-02-27",
        "scan": SimpleUploadedFile("l.pdf", big, content_type="application/pdf"),
    }
    assert office.post("/api/office/requests", form).status_code == 201
    assert (
        enter(client_for(desk.paris), address_of(desk.paris), scan=SimpleUploadedFile("l.pdf", big)).status_code == 413
    )
    assert Request.objects.count() == 2


def test_the_desk_and_the_members_list_cost_the_same_few_queries_for_many_requests(
    desk, clock, django_assert_max_num_queries
) -> None:
    """STYLE 6: list views without N+1."""
    for _ in range(3):
        signed(desk.new_york, "question")
    desk_page, member = client_for(desk.officer), client_for(desk.new_york)
    with django_assert_max_num_queries(20) as few:
        desk_page.get("/office/requests/")
    with django_assert_max_num_queries(20) as few_mine:
        member.get("/me/requests/")
    for _ in range(12):
        request = signed(desk.new_york, "access")
        office.assign(officer=desk.officer, public_id=request.public_id, to_user_id=desk.second_officer.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk_page.get("/office/requests/")
    with django_assert_max_num_queries(len(few_mine.captured_queries)):
        member.get("/me/requests/")
