"""BOOK-2, BOOK-3: a visitor who chooses a time before having an account has it held for a few
minutes while they sign up, and comes back to it; holds never let anyone lock a calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from indigomed.scheduling.models import Appointment, Slot, SlotHold
from indigomed.security.models import AuditEvent
from tests.conftest import PASSWORD as MEMBER_PASSWORD
from tests.conftest import address_of, make_user
from tests.scheduling.helpers import calendar_snapshot, open_slot, past_slot

PASSWORD = "a long passphrase for booking"
LINK = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def hold(client: Client, slot: Slot, *, then: str = "sign-up", ip: str = "192.0.2.10", **said: str):
    return client.post(f"/book/{slot.pk}/hold", {"then": then, **said}, REMOTE_ADDR=ip)


def api_book(client: Client, slot: Slot):
    body = {"slot_id": slot.pk, "visit_reason": "chest-pain", "insurance_plan": None}
    return client.post("/api/appointments", json.dumps(body), content_type="application/json")


def test_someone_not_signed_in_is_asked_first_then_to_sign_up_and_nothing_is_held_by_looking(world) -> None:
    slot = open_slot(world.heart_role)
    page = Client().get(f"/book/{slot.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Have you seen Dr. Ada Hart before?" in html
    assert "Create an account to book" in html and "Sign in to book" in html
    assert not SlotHold.objects.exists()  # following a link holds nothing; only a deliberate POST does
    assert Client().get(f"/book/{slot.pk}/hold").status_code == 405


def test_choosing_to_sign_up_holds_the_time_and_leads_to_sign_up_with_the_way_back(world) -> None:
    visitor = Client()
    slot = open_slot(world.heart_role)
    response = hold(visitor, slot, patient="new", visit_reason="chest-pain")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/accounts/signup/"
    assert target.query == f"next=%2Fbook%2F{slot.pk}%2F"  # the slot's number only, never the reason
    held = SlotHold.objects.get()
    assert held.slot_id == slot.pk
    assert dt.timedelta(minutes=9) < held.expires_at - timezone.now() <= dt.timedelta(minutes=10)
    # The hold names the visitor by a hash of the token in their session, never the token itself.
    assert held.holder == hashlib.sha256(visitor.session["booking:visitor"].encode()).hexdigest()
    event = AuditEvent.objects.get(action="slot.held")
    assert event.subject_ref == f"slot:{slot.pk}" and event.actor_user_id is None
    assert urlsplit(hold(visitor, slot, then="sign-in")["Location"]).path == "/accounts/login/"


def test_a_held_time_is_refused_to_everyone_else_while_the_hold_lasts(world, member_client) -> None:
    slot = open_slot(world.heart_role)
    hold(Client(), slot)
    before = calendar_snapshot()
    response = api_book(member_client, slot)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_held"
    assert "Someone is finishing booking this time. It may be free again in 10 minutes" in body["detail"]
    assert body["next_slots"]
    page = member_client.get(f"/book/{slot.pk}/").content.decode()
    assert "Someone is finishing booking this time" in page
    assert calendar_snapshot() == before
    # Once the hold has lapsed, the time is anyone's again.
    SlotHold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_book(member_client, slot).status_code == 201


def test_the_practitioner_page_does_not_offer_a_time_someone_else_holds(world, member_client) -> None:
    member_client.post("/practitioners/ada-hart/", {"patient": "new", "visit_reason": "chest-pain"})
    first = [
        int(i)
        for i in re.findall(r'href="/book/(\d+)/"', member_client.get("/practitioners/ada-hart/").content.decode())
    ]
    hold(Client(), Slot.objects.get(pk=first[0]))
    again = member_client.get("/practitioners/ada-hart/").content.decode()
    assert f'href="/book/{first[0]}/"' not in again
    assert f'href="/book/{first[1]}/"' in again


def test_a_visitor_holds_one_time_at_most(world) -> None:
    visitor = Client()
    first, second = open_slot(world.heart_role), open_slot(world.heart_role, index=2)
    hold(visitor, first)
    hold(visitor, second)
    assert list(SlotHold.objects.values_list("slot_id", flat=True)) == [second.pk]


def test_a_calendar_has_only_a_few_held_times_at_once(world) -> None:
    """However many visitors, at most three held times per calendar (the rest stay bookable)."""
    slots = [open_slot(world.heart_role, index=i) for i in range(4)]
    answers = [hold(Client(), slot, ip=f"192.0.2.{20 + i}") for i, slot in enumerate(slots)]
    assert SlotHold.objects.count() == 3
    # The fourth visitor is told, and still goes on to sign up and book it if they are quick.
    assert urlsplit(answers[3]["Location"]).path == "/accounts/signup/"
    assert not SlotHold.objects.filter(slot=slots[3]).exists()


def test_one_place_can_hold_only_so_often(world) -> None:
    slots = [open_slot(world.heart_role, index=i) for i in range(6)]
    for slot in slots[:5]:
        hold(Client(), slot, ip="198.51.100.9")
        SlotHold.objects.all().delete()  # the calendar cap is not what this test is about
    refused = Client()
    response = hold(refused, slots[5], ip="198.51.100.9")
    assert not SlotHold.objects.exists()
    followed = refused.get(response["Location"])
    assert "We hold times for a few people from one place at a time" in followed.content.decode()


def test_a_time_gone_or_past_is_not_held_and_the_visitor_goes_back_to_choose(world, member_client) -> None:
    taken = open_slot(world.heart_role)
    assert api_book(member_client, taken).status_code == 201
    response = hold(Client(), taken)
    assert response["Location"] == f"/book/{taken.pk}/"
    gone = hold(Client(), past_slot(world.heart_role))
    assert urlsplit(gone["Location"]).path.startswith("/book/")
    assert not SlotHold.objects.exists()
    assert Client().post("/book/999999999999/hold").status_code == 404
    assert Client().post(f"/book/{2**70}/hold").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_signing_up_from_a_time_comes_back_to_it_still_held_and_books_it(world) -> None:
    """BOOK-3: sign up from a chosen time, confirm the address, sign in: back on the time, held
    a few fresh minutes, and booked with what was said before signing up."""
    visitor = Client()
    slot = open_slot(world.heart_role)
    signup = hold(visitor, slot, patient="new", visit_reason="chest-pain")["Location"]
    response = visitor.post(
        signup,
        {
            "full_name": "Robin Example",
            "email": "robin.example@example.test",
            "date_of_birth": "1990-04-27",
            "country": "US",
            "language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content
    link = LINK.search(mail.outbox[-1].body)
    assert link is not None
    confirmed = visitor.post(link.group(1))
    # Confirming does not sign in; it leads to signing in, and from there back to the time.
    assert confirmed["Location"] == f"/accounts/login/?next=%2Fbook%2F{slot.pk}%2F"
    signed_in = visitor.post(confirmed["Location"], {"login": "robin.example@example.test", "password": PASSWORD})
    assert signed_in["Location"] == f"/book/{slot.pk}/"
    SlotHold.objects.update(expires_at=timezone.now() + dt.timedelta(minutes=1))  # a slow sign-up
    page = visitor.get(f"/book/{slot.pk}/").content.decode()
    assert "We are holding this time for you until" in page
    assert SlotHold.objects.get().expires_at - timezone.now() > dt.timedelta(minutes=9)  # renewed, once
    assert re.search(r'value="new"[^>]* checked', page)
    assert re.search(r'<option value="chest-pain" selected>', page)
    # Someone else still cannot take it meanwhile.
    other = Client()
    other.force_login(make_user("quick.other@example.test", member=True))
    assert api_book(other, slot).json()["code"] == "slot_held"
    booked = visitor.post(f"/book/{slot.pk}/", {"patient": "new", "visit_reason": "chest-pain", "insurance_plan": ""})
    assert booked.status_code == 302, booked.content
    assert Appointment.objects.get().slot_id == slot.pk
    assert not SlotHold.objects.exists()  # the hold ends with the booking


def test_signing_in_without_a_next_address_still_goes_back_to_the_chosen_time_once(world) -> None:
    visitor = Client()
    slot = open_slot(world.heart_role)
    hold(visitor, slot, then="sign-in")
    member = make_user("returning.member@example.test", member=True)

    signed_in = visitor.post("/accounts/login/", {"login": address_of(member), "password": MEMBER_PASSWORD})
    assert signed_in["Location"] == f"/book/{slot.pk}/"
    assert "accounts:return-after-sign-up" not in visitor.session  # the way back is used once
