"""Invariant 2c: the privacy office reads every change, newest first, by kind or by member; nobody
else can, and the page names members by reference only."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.scheduling import services as scheduling
from indigomed.security.services import record_event
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot

PAGE = "/office/events/"


@pytest.fixture
def officer(db: None) -> User:
    user = make_user("office.olga@example.test")
    PrivacyOfficer.objects.create(user=user)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book(world, member: User, index: int = 0):
    return scheduling.book_appointment(
        actor=member,
        slot_id=open_slot(world.heart_role, index=index).pk,
        visit_reason="chest-pain",
        insurance_plan=None,
    )


def test_the_office_sees_who_changed_what_newest_first(world, officer) -> None:
    """2c: a member's booking shows as made by "Member", the practice's change by its staff's name."""
    appointment = book(world, world.member)
    scheduling.set_visit_status(actor=world.doctor_user, public_id=str(appointment.public_id), status="checked_in")
    response = signed_in(officer).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode().split("<tbody>")[1]
    assert page.index("Visit status changed") < page.index("Appointment booked"), "newest first"
    assert "Ada Hart" in page and "Member" in page
    assert f"appointment:{appointment.public_id}" in page and f"member:{world.member.pk}" in page
    assert "Pat Member" not in page and "Chest pain" not in page, "no member's name, no reason"
    assert "/office/events/" in signed_in(officer).get("/office/").content.decode()


def listed(client: Client, **query: object) -> str:
    """The rows of the page, without the filter's list of kinds of change."""
    return client.get(PAGE, query).content.decode().split("<tbody>")[1]


def test_the_office_narrows_the_list_to_one_kind_of_change_or_one_member(world, officer) -> None:
    mine = book(world, world.member)
    theirs = book(world, world.other_member, index=1)
    scheduling.cancel_appointment(actor=world.member, public_id=str(mine.public_id))
    office = signed_in(officer)

    cancelled = listed(office, action="appointment.cancelled")
    assert f"appointment:{mine.public_id}" in cancelled and f"appointment:{theirs.public_id}" not in cancelled

    other = listed(office, member=world.other_member.pk)
    assert f"appointment:{theirs.public_id}" in other and f"appointment:{mine.public_id}" not in other

    refused = office.get(PAGE, {"member": "pat.member@example.test"})
    assert refused.status_code == 200 and "Give a member reference as a number." in refused.content.decode()


def test_the_list_is_paged_and_costs_the_same_queries_however_many_actors(world, officer) -> None:
    """No N+1: one query names every actor on the page, whoever they are."""
    office = signed_in(officer)

    def record(count: int) -> None:
        actors = [make_user(f"staff{User.objects.count()}.{n}@example.test") for n in range(count)]
        with transaction.atomic():
            for actor in actors:
                record_event(actor=actor, action="calendar.time_off_added", subject_ref=f"calendar:{actor.pk}")

    record(2)
    with CaptureQueriesContext(connection) as few:
        assert office.get(PAGE).status_code == 200
    record(60)
    with CaptureQueriesContext(connection) as many:
        first = office.get(PAGE).content.decode()
    rows = first.split("<tbody>")[1]
    assert len(many) == len(few)
    assert "Page 1 of 2" in first and rows.count("Time off added") == 50
    older = listed(office, page=2)
    assert older.count("Time off added") == 12


@pytest.mark.parametrize("who", ["member", "doctor_user", "staff_user", "outsider"])
def test_nobody_but_the_privacy_office_reads_the_changes(world, who) -> None:
    book(world, world.member)
    response = signed_in(getattr(world, who)).get(PAGE)
    assert response.status_code == 403
    assert "appointment:" not in response.content.decode()


def test_a_visitor_is_sent_to_sign_in(world) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
