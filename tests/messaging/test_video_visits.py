"""BOOK-7: a remote visit's join link travels only in the member's own messages, the ways they
allow, and opens the room only to the member and the practitioner, at the time of the visit."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.scheduling.models import Slot
from indigomed.scheduling.services import book_appointment, cancel_appointment
from indigomed.scheduling.video import joining, room_url
from tests.conftest import address_of
from tests.scheduling.helpers import open_slot

MINUTE = dt.timedelta(minutes=1)


def remote(world) -> None:
    world.heart_role.visit_types.update(is_remote=True)


def book(world, slot: Slot):
    return book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan="aetna-hmo")


def test_a_video_visits_messages_carry_its_join_link_and_no_street(world, smtp) -> None:
    remote(world)
    visit = book(world, open_slot(world.heart_role, after_hours=120))
    deliver_until_idle(now=visit.starts_at - dt.timedelta(hours=2))
    confirmation, *reminders = smtp.to(address_of(world.member))
    join = f"/appointments/{visit.public_id}/join"
    for message in (confirmation, *reminders):
        body = message.get_content()
        assert join in body and "by video" in body
        assert world.ny_clinic.street not in body
    assert len(reminders) == 2
    assert room_url(visit) not in confirmation.get_content(), "the room itself is given only on the join page"


def test_an_in_person_visits_messages_have_no_join_link(world, smtp) -> None:
    visit = book(world, open_slot(world.heart_role, after_hours=120))
    deliver_until_idle(now=timezone.now())
    [confirmation] = smtp.to(address_of(world.member))
    assert "/join" not in confirmation.get_content() and world.ny_clinic.street in confirmation.get_content()
    member = Client()
    member.force_login(world.member)
    assert member.get(f"/appointments/{visit.public_id}/join").status_code == 404


def test_the_room_opens_to_the_member_and_practitioner_only_from_shortly_before_the_visit(world) -> None:
    remote(world)
    visit = book(world, open_slot(world.heart_role, after_hours=120))
    page = f"/appointments/{visit.public_id}/join"

    member = Client()
    member.force_login(world.member)
    own_page = member.get(f"/appointments/{visit.public_id}/").content.decode()
    assert f'href="{page}"' in own_page and world.ny_clinic.street not in own_page
    early = member.get(page)
    assert early.status_code == 200 and "The room opens at" in early.content.decode()
    assert room_url(visit) not in early.content.decode()

    opens = visit.starts_at - 15 * MINUTE
    assert joining(user_id=world.member.pk, public_id=str(visit.public_id), now=opens - MINUTE).room is None
    assert joining(user_id=world.member.pk, public_id=str(visit.public_id), now=opens).room == room_url(visit)
    practitioner = joining(user_id=world.doctor_user.pk, public_id=str(visit.public_id), now=opens)
    assert practitioner.room == room_url(visit)
    assert joining(user_id=world.member.pk, public_id=str(visit.public_id), now=visit.ends_at).room is None

    for outsider in (world.other_member, world.staff_user, world.outsider):
        someone = Client()
        someone.force_login(outsider)
        assert someone.get(page).status_code == 404
    assert Client().get(page).status_code == 302, "signed out: asked to sign in"

    cancel_appointment(actor=world.member, public_id=str(visit.public_id))
    gone = member.get(page)
    assert gone.status_code == 410 and "no longer taking place" in gone.content.decode()


def test_at_the_time_of_the_visit_the_join_page_takes_the_member_into_the_room(world) -> None:
    remote(world)
    start = timezone.now() + 10 * MINUTE
    slot = Slot.objects.create(
        role=world.heart_role,
        visit_type=world.heart_role.visit_types.first(),
        starts_at=start,
        ends_at=start + 30 * MINUTE,
    )
    visit = book(world, slot)
    member = Client()
    member.force_login(world.member)
    entered = member.get(f"/appointments/{visit.public_id}/join")
    assert entered.status_code == 302 and entered["Location"] == room_url(visit)
    assert str(visit.public_id) not in entered["Location"], "the room's name reveals nothing"
