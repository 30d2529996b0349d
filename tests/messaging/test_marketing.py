"""MSG-2: marketing goes only to members who authorized it, and one click stops it without signing in."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.errors import NotFound
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import MarketingOptOut, Message
from indigomed.privacy.marketing import INDIGOMED, send_marketing_message
from tests.conftest import address_of
from tests.privacy.conftest import people  # noqa: F401 - the privacy office's personas
from tests.privacy.test_decision_point import authorize


def test_marketing_reaches_only_members_who_authorized_it(people, smtp) -> None:  # noqa: F811
    """MSG-2, USE-4: without a written authorization covering marketing, no marketing message."""
    authorize(people.new_york, INDIGOMED, ["marketing"], ["contact"])
    assert send_marketing_message(officer=people.officer, subject="IndigoMed: what's new", body="News.") == 1
    deliver_until_idle(now=timezone.now())
    assert [m["To"] for m in smtp.received] == [address_of(people.new_york)]
    with pytest.raises(NotFound):
        send_marketing_message(officer=people.new_york, subject="s", body="b")


def test_one_click_stops_marketing_without_signing_in_and_a_preview_changes_nothing(people, smtp) -> None:  # noqa: F811
    """MSG-2: each marketing message carries a link and RFC 8058 headers; a POST to it, with no
    session and no form token, stops marketing and withdraws what is queued."""
    authorize(people.new_york, INDIGOMED, ["marketing"], ["contact"])
    send_marketing_message(officer=people.officer, subject="IndigoMed: what's new", body="News.")
    deliver_until_idle(now=timezone.now())
    [message] = smtp.received
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_content()
    path = link.removeprefix("http://127.0.0.1:8000")
    anyone = Client(enforce_csrf_checks=True)
    assert anyone.get(path).status_code == 200
    assert not MarketingOptOut.objects.exists(), "opening the link is not opting out"
    send_marketing_message(officer=people.officer, subject="IndigoMed: more news", body="More.")
    assert anyone.post(path).status_code == 200
    assert MarketingOptOut.objects.filter(member_id=people.new_york.pk).exists()
    deliver_until_idle(now=timezone.now())
    assert len(smtp.received) == 1
    assert Message.objects.filter(kind="marketing", status="withdrawn").count() == 1
    assert send_marketing_message(officer=people.officer, subject="IndigoMed: again", body="Again.") == 0
    assert anyone.post("/messages/00000000-0000-4000-8000-000000000000/opt-out").status_code == 404


def test_the_office_writes_marketing_on_its_page_and_a_second_submit_sends_nothing_more(people, smtp) -> None:  # noqa: F811
    """USE-1, MSG-2: the office's page sends to authorized members once per form, lists what was
    sent, refuses a subject that names care, and is the office's alone."""
    authorize(people.new_york, INDIGOMED, ["marketing"], ["contact"])
    office = Client()
    office.force_login(people.officer)
    page = office.get("/office/marketing/")
    assert page.status_code == 200
    campaign = page.context["form"].initial["campaign"]
    form = {"subject": "IndigoMed: our archive of opening hours", "body": "We open on Saturdays.", "campaign": campaign}
    assert office.post("/office/marketing/", form).status_code == 302
    again = office.post("/office/marketing/", form)
    assert again.status_code == 409 and "already sent" in again.content.decode()
    deliver_until_idle(now=timezone.now())
    assert [m["To"] for m in smtp.received] == [address_of(people.new_york)]
    listed = office.get("/office/marketing/").content.decode()
    assert str(campaign) in listed and "We open on Saturdays" not in listed

    medical = {**form, "subject": "IndigoMed: free HIV screening", "campaign": uuid.uuid4()}
    refused = office.post("/office/marketing/", medical)
    assert refused.status_code == 400 and "must not name care" in refused.content.decode()
    too_long = {**form, "body": "x" * 5001, "campaign": uuid.uuid4()}
    assert office.post("/office/marketing/", too_long).status_code == 400
    assert Message.objects.filter(kind="marketing").count() == 1

    member = Client()
    member.force_login(people.new_york)
    assert member.get("/office/marketing/").status_code == 403
    assert member.post("/office/marketing/", {**form, "campaign": uuid.uuid4()}).status_code == 403
    assert Message.objects.filter(kind="marketing").count() == 1
