"""Members follow their requests at /me/requests/ (SPEC §4): state, due date, what they were sent;
another member's request is "not found"."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from indigomed.messaging.models import Message
from indigomed.records.models import CorrespondenceEntry
from indigomed.rights import office
from indigomed.rights.models import Request
from indigomed.security.models import AccessLogEntry
from tests.rights.conftest import client_for, signed

SIGNED = {"signed_name": "Pat Example Member", "consent": "on"}


def test_a_member_files_each_kind_from_its_form_and_follows_it(desk, clock) -> None:
    member = client_for(desk.paris)
    page = member.get("/me/requests/")
    assert page.status_code == 200
    for kind in ("access", "amendment", "restriction", "question"):
        assert f"/me/requests/new/{kind}/" in page.content.decode()
        response = member.post(f"/me/requests/new/{kind}/", {"text": f"My {kind} request.", **SIGNED})
        assert response.status_code == 302, kind
    # An amendment names its record and a restriction what it covers: each has its own signed form.
    assert set(Request.objects.filter(member=desk.paris).values_list("kind", flat=True)) == {"access", "question"}
    assert member.get("/me/requests/new/amendment/")["Location"] == "/me/amendments/new/"
    assert member.get("/me/requests/new/restriction/")["Location"] == "/me/privacy/#restrict"
    listing = member.get("/me/requests/").content.decode()
    assert "A copy of my records" in listing and "10 Mar 2026" in listing  # access in France: 8 days
    access = Request.objects.get(member=desk.paris, kind="access")
    detail = member.get(f"/me/requests/{access.public_id}/").content.decode()
    assert "My access request." in detail and "Pat Example Member" in detail
    assert "Received: waiting to be sent" in detail  # the acknowledgment, in the outbox


def test_reading_ones_own_request_is_in_ones_access_log(desk, clock) -> None:
    request = signed(desk.new_york, "question")
    before = AccessLogEntry.objects.filter(member_id=desk.new_york.pk, rule="self").count()
    client_for(desk.new_york).get(f"/me/requests/{request.public_id}/")
    assert AccessLogEntry.objects.filter(member_id=desk.new_york.pk, rule="self").count() == before + 1


def test_another_members_request_is_not_found_on_pages_and_over_the_api(desk, clock) -> None:
    request = signed(desk.new_york, "question", "Something only I should read.")
    other = client_for(desk.paris)
    for url in (f"/me/requests/{request.public_id}/", f"/me/requests/{uuid.uuid4()}/"):
        response = other.get(url)
        assert response.status_code == 404 and "Something only I" not in response.content.decode()
    assert other.get(f"/api/me/requests/{request.public_id}").status_code == 404
    assert not AccessLogEntry.objects.filter(member_id=desk.new_york.pk, actor_user_id=desk.paris.pk).exists()


def test_non_members_and_visitors_cannot_file(desk, clock) -> None:
    assert client_for(desk.officer).get("/me/requests/").status_code == 403
    assert client_for(desk.officer).post("/me/requests/new/question/", {"text": "x", **SIGNED}).status_code == 403
    anonymous = Client().get("/me/requests/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(desk.paris).get("/me/requests/new/telepathy/").status_code == 404
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": "My question.", "signed_name": "Pat", "consent": "on"}, "full name"),
        ({"text": "My question.", "signed_name": "Pat Example"}, "Tick the box"),
        ({"text": "", **SIGNED}, "required"),
        ({"text": "x" * 6000, **SIGNED}, "at most 5000"),
    ],
)
def test_a_form_with_a_mistake_says_so_beside_the_field_and_stores_nothing(desk, clock, form, message) -> None:
    response = client_for(desk.paris).post("/me/requests/new/question/", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Request.objects.exists() and not CorrespondenceEntry.objects.exists()


def test_a_double_submit_of_one_form_files_one_request_two_forms_file_two(desk, clock) -> None:
    """The form carries a one-time key: a second click returns the request the first one filed."""
    member = client_for(desk.paris)
    form = member.get("/me/requests/new/question/").context["form"]
    key = str(form.initial["submission"])
    for _ in range(2):
        sent = member.post("/me/requests/new/question/", {"text": "Same question.", "submission": key, **SIGNED})
        assert sent.status_code == 302
    request = Request.objects.get(member=desk.paris)
    assert sent["Location"] == f"/me/requests/{request.public_id}/"
    assert Message.objects.filter(member_id=desk.paris.pk, kind="request-received").count() == 1
    other_key = str(member.get("/me/requests/new/question/").context["form"].initial["submission"])
    assert other_key != key
    member.post("/me/requests/new/question/", {"text": "Same question.", "submission": other_key, **SIGNED})
    assert Request.objects.filter(member=desk.paris).count() == 2
    # The key is the member's own: another member sending it files their own request.
    client_for(desk.new_york).post("/me/requests/new/question/", {"text": "Mine.", "submission": key, **SIGNED})
    assert Request.objects.filter(member=desk.new_york).count() == 1


def test_the_member_sees_the_answer_and_its_reasons(desk, clock) -> None:
    request = signed(desk.new_york, "restriction")
    office.start_review(officer=desk.officer, public_id=request.public_id)
    office.conclude(
        officer=desk.officer,
        public_id=request.public_id,
        outcome="denied",
        reasons="We cannot keep your records from your own doctor's care team.",
    )
    page = client_for(desk.new_york).get(f"/me/requests/{request.public_id}/").content.decode()
    assert "Denied" in page and "keep your records from your own doctor" in page
