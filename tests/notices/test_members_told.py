"""NOTICE-1, MSG-1: a new privacy-notice version is told to every member through the outbox, in
batches, in their language; on their next sign-in they are asked once to acknowledge it, and
nothing (booking included) waits for their answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from indigomed.accounts.models import Member
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.notices.models import NoticeAcknowledgement, NoticeAnnouncement
from indigomed.notices.services import announce_batch
from indigomed.scheduling.models import Appointment, Slot
from tests.conftest import PASSWORD, address_of, make_user
from tests.notices.conftest import publish

pytestmark = pytest.mark.django_db


def sign_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": address_of(user), "password": PASSWORD}).status_code == 302
    return client


def test_publishing_a_new_version_tells_every_member_in_batches_through_the_outbox(world, officer) -> None:
    """NOTICE-1: members are told of a new version, each by an outbox row."""
    Member.objects.filter(user=world.other_member).update(language="fr")
    publish(officer, on=dt.date(2026, 1, 1))
    assert not Message.objects.filter(kind="notice-version").exists()  # the first version is accepted at sign-up
    version = publish(
        officer,
        on=dt.date(2026, 2, 1),
        changes_en="Section 3: paper copies by post.",
        changes_fr="Section 3 : copies papier par courrier.",
    )
    later = make_user("joined.after@example.test", member=True)  # accepts the new version at sign-up
    assert announce_batch(batch=1) == 1  # one member per transaction here
    assert not NoticeAnnouncement.objects.get().finished_at
    call_command("announce_notice", "--batch", "1")
    told = set(Message.objects.filter(kind="notice-version", about_ref=version.ref).values_list("member_id", flat=True))
    assert told == {world.member.pk, world.other_member.pk}
    assert later.pk not in told and world.doctor_user.pk not in told  # not members before, or not members
    assert NoticeAnnouncement.objects.get().finished_at is not None and NoticeAnnouncement.objects.get().queued == 2
    assert announce_batch() is None  # nothing left: run again, nobody is told twice
    mail.outbox.clear()
    deliver_until_idle()
    by_address = {m.to[0]: m for m in mail.outbox}
    english, french = by_address[address_of(world.member)], by_address[address_of(world.other_member)]
    assert english.subject == "IndigoMed: we updated our privacy notice"
    assert "Section 3: paper copies by post." in english.body and "1 February 2026" in english.body
    assert "Section 3 : copies papier par courrier." in french.body and "politique de confidentialité" in french.subject


def test_a_member_is_asked_once_per_version_at_sign_in_and_booking_is_never_blocked(world, officer) -> None:
    """NOTICE-1: asked to acknowledge at the next sign-in, once per version; booking is not blocked."""
    publish(officer, on=dt.date(2026, 1, 1))
    publish(officer, on=dt.date(2026, 2, 1), changes_en="- Cookies now need your consent.")
    member = sign_in(world.member)
    asked = member.get("/appointments/")
    assert asked.status_code == 302 and asked["Location"] == "/privacy/changes/?next=%2Fappointments%2F"
    page = member.get(asked["Location"]).content.decode()
    assert "<li>Cookies now need your consent.</li>" in page and "Version 2, effective 1 February 2026" in page
    # Not now: carry on, and booking works without acknowledging.
    assert '<a href="/appointments/">Not now: continue</a>' in page
    assert member.get("/appointments/").status_code == 200  # asked once in this sign-in, not on every page
    slot = (
        Slot.objects.filter(role=world.heart_role, starts_at__gt=dt.datetime.now(dt.UTC)).order_by("starts_at").first()
    )
    assert member.get(f"/book/{slot.pk}/").status_code == 200
    booked = member.post(f"/book/{slot.pk}/", {"visit_reason": "chest-pain", "insurance_plan": ""})
    assert booked.status_code == 302 and Appointment.objects.filter(member=world.member).exists()
    assert not NoticeAcknowledgement.objects.filter(user=world.member).exists()
    # Asked once per version: the next sign-in goes straight on, and the notice offers what changed.
    member = sign_in(world.member)
    assert member.get("/appointments/").status_code == 200
    assert 'href="/privacy/changes/">Read what changed</a>' in member.get("/privacy/").content.decode()
    done = member.post("/privacy/changes/", {"action": "acknowledge", "number": "2", "next": "/appointments/"})
    assert done["Location"] == "/appointments/"
    member.post("/privacy/changes/", {"action": "acknowledge", "number": "2"})  # twice: still one record
    assert NoticeAcknowledgement.objects.filter(user=world.member, version__number=2).count() == 1
    assert "Read what changed" not in member.get("/privacy/").content.decode()
    # Version 3: asked again, once.
    publish(officer, on=dt.date(2026, 3, 1))
    assert sign_in(world.member).get("/appointments/").status_code == 302
    assert sign_in(world.member).get("/appointments/").status_code == 200


def test_acknowledging_needs_the_current_version_and_a_member(world, officer) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    publish(officer, on=dt.date(2026, 2, 1))
    member = Client()
    member.force_login(world.member)
    for number in ("1", "99", "x"):
        member.post("/privacy/changes/", {"action": "acknowledge", "number": number})
    assert not NoticeAcknowledgement.objects.exists()
    staff = Client()
    staff.force_login(world.staff_user)
    assert staff.post("/privacy/changes/", {"action": "acknowledge", "number": "2"}).status_code == 302
    assert not NoticeAcknowledgement.objects.exists()
    assert Client().get("/privacy/changes/").status_code == 302  # sign in first
