"""What a member or the office met when trying the latest pages as an attacker and as a careless
user: a form sent twice, a retried API call, a refusal in the wrong language, a number written as
at home. Each now behaves as a member would expect."""

from __future__ import annotations

import html
import re
import uuid

import pytest

from indigomed.accounts.models import Guardianship, LostContactReport
from indigomed.errors import Invalid
from indigomed.privacy.models import Restriction
from indigomed.records.models import Amendment
from indigomed.rights.models import Request
from indigomed.rights.restriction import ask_for_restriction
from tests.conftest import PASSWORD, address_of, make_user
from tests.privacy.amending import officer, signed_in

pytestmark = pytest.mark.django_db

SIGNED = {"signed_name": "Pat Example Member", "consent": True}


def test_adding_the_same_dependent_twice_adds_them_once(world) -> None:
    guardian = signed_in(world.member)
    page = guardian.get("/me/dependents/").content.decode()
    key = re.search(r'name="submission" value="([0-9a-f-]+)"', page)
    assert key, "the form carries a one-time key"
    form = {"name": "Robin Member", "date_of_birth": "2019-05-04", "country": "US", "submission": key.group(1)}
    assert guardian.post("/me/dependents/", form).status_code == 302
    again = guardian.post("/me/dependents/", form)
    assert again.status_code in (302, 409)
    assert Guardianship.objects.filter(guardian=world.member).count() == 1


def test_an_amendment_sent_again_with_its_submission_key_returns_the_request_it_filed(world) -> None:
    member = signed_in(world.member)
    body = {
        "record": "profile:name",
        "proposed": "Pat Q. Member",
        "why": "My middle initial is missing.",
        "submission": str(uuid.uuid4()),
        **SIGNED,
    }
    first = member.post("/api/me/amendments", body, content_type="application/json")
    assert first.status_code == 201
    again = member.post("/api/me/amendments", body, content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Amendment.objects.count() == 1 and Request.objects.count() == 1


def test_a_restriction_sent_again_with_its_submission_key_returns_the_one_it_filed(world) -> None:
    member = signed_in(world.member)
    body = {"categories": ["contact"], "submission": str(uuid.uuid4()), **SIGNED}
    first = member.post("/api/me/restrictions", body, content_type="application/json")
    assert first.status_code == 201
    again = member.post("/api/me/restrictions", body, content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Restriction.objects.count() == 1


def test_the_restriction_service_refuses_an_unknown_category_clearly(world) -> None:
    with pytest.raises(Invalid):
        ask_for_restriction(
            actor=world.member,
            categories=["no-such-category"],
            purposes=[],
            limits="both",
            recipient_ref="",
            paid_in_full=False,
            signed_name="Pat Example Member",
            consent=True,
        )
    assert not Restriction.objects.exists()


def test_the_office_lost_contact_page_says_why_in_french(world) -> None:
    office = signed_in(officer())
    staff_account = office.post(
        "/office/lost-contact/",
        {"member_email": "front.desk@example.test", "kind": "phone", "checks": ["date_of_birth", "call_back"]},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert staff_account.status_code == 404
    assert "Aucun membre n'a ce compte." in html.unescape(staff_account.content.decode())
    too_few = office.post(
        "/office/lost-contact/",
        {"member_email": address_of(world.member), "kind": "phone", "checks": ["call_back"]},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert too_few.status_code == 400
    assert "cochez au moins 2" in html.unescape(too_few.content.decode())
    assert not LostContactReport.objects.exists()


def test_a_member_in_france_gives_their_new_mobile_number_as_they_write_it(world) -> None:
    marie = make_user("marie.lost@example.test", member=True, country="FR")
    client = signed_in(marie)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    answer = client.post("/me/lost-contact/", {"kind": "phone", "new_phone": "06 12 34 56 78"})
    assert answer.status_code == 302 and answer["Location"] == "/me/lost-contact/code"
