"""USE-5, USE-3: what each practice role sees of a patient is the policy file's, and each view is
decided and logged: the front desk sees what scheduling needs, the practitioner the reason too."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from indigomed.directory.models import FacilityStaff
from indigomed.privacy.errors import PolicyError
from indigomed.privacy.models import Disclosure
from indigomed.privacy.policy import DEFAULT_POLICY, parse_policy
from indigomed.scheduling.models import Slot
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AccessLogEntry
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot

SHIPPED = DEFAULT_POLICY.read_text(encoding="utf-8")
FRONT_DESK = 'front_desk = ["name", "insurance"]'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def calendar_rows(user, day: dt.date) -> list[dict]:
    return client_for(user).get("/api/connect/calendar", {"day": day.isoformat(), "days": 1}).json()


@pytest.fixture
def booked(world):
    return book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )


def local_day(appointment) -> dt.date:
    return appointment.starts_at.astimezone(ZoneInfo("America/New_York")).date()


@pytest.fixture
def admin_user(world):
    admin = make_user("hcf.admin@example.test")
    FacilityStaff.objects.create(user=admin, facility=world.ny_clinic, role=FacilityStaff.Role.ADMIN)
    return admin


@pytest.mark.parametrize("who", ["staff_user", "admin_user"])
def test_the_front_desk_and_the_admin_see_name_time_visit_and_insurance_but_not_the_reason(
    world, booked, who, request
) -> None:
    """USE-5: minimum necessary; the reason is never even asked for, so nothing medical is logged."""
    user = getattr(world, who) if who == "staff_user" else request.getfixturevalue(who)
    [row] = calendar_rows(user, local_day(booked))
    assert (row["patient"], row["starts_at"][:16], row["visit_type"], row["insurance"]) == (
        "Pat Member",
        booked.starts_at.isoformat()[:16],
        "Consultation",
        "Aetna HMO",
    )
    assert row["visit_reason"] is None and row["withheld"] == []
    assert row["fields"] == ["insurance", "name"]
    facility = f"facility:{world.ny_clinic.pk}"
    looked = set(AccessLogEntry.objects.filter(recipient_ref=facility).values_list("categories", flat=True))
    assert looked == {"contact", "insurance"}
    assert not Disclosure.objects.filter(recipient_ref=facility, categories__contains="medical").exists()
    page = client_for(user).get("/connect/", {"day": local_day(booked).isoformat()}).content.decode()
    assert "Pat Member" in page and "Aetna HMO" in page and "Consultation" in page
    assert "Chest pain" not in page and "<th>Reason</th>" not in page


def test_the_practitioner_sees_the_reason_too(world, booked) -> None:
    """USE-5"""
    [row] = calendar_rows(world.doctor_user, local_day(booked))
    assert (row["patient"], row["visit_reason"], row["insurance"]) == ("Pat Member", "Chest pain", "Aetna HMO")
    assert row["fields"] == ["insurance", "name", "reason"]
    page = client_for(world.doctor_user).get("/connect/", {"day": local_day(booked).isoformat()}).content.decode()
    assert "<th>Reason</th>" in page and "Chest pain" in page
    assert Disclosure.objects.filter(
        recipient_ref=f"practitioner:{world.heart_doctor.pk}", categories__contains="medical"
    ).exists()


def test_a_policy_that_widens_the_front_desks_view_lets_them_see_the_reason(world, booked, settings, tmp_path) -> None:
    """USE-5, USE-2: only the policy file widens a role's view, and what it shows is decided and ledgered."""
    widened = tmp_path / "policy.toml"
    widened.write_text(SHIPPED.replace(FRONT_DESK, 'front_desk = ["name", "insurance", "reason"]'), encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(widened)
    [row] = calendar_rows(world.staff_user, local_day(booked))
    assert row["visit_reason"] == "Chest pain"
    assert Disclosure.objects.filter(
        recipient_ref=f"facility:{world.ny_clinic.pk}", categories__contains="medical"
    ).exists()
    page = client_for(world.staff_user).get("/connect/", {"day": local_day(booked).isoformat()}).content.decode()
    assert "<th>Reason</th>" in page and "Chest pain" in page


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ('front_desk = ["name", "diagnosis"]', "'front_desk' names unknown field 'diagnosis'"),
        ('receptionist = ["name"]', "unknown practice role 'receptionist'"),
        ("", "[practice_views] lacks 'front_desk'"),
    ],
)
def test_the_start_up_check_refuses_an_unknown_role_or_field_and_a_role_left_out(replacement, message) -> None:
    """USE-2: a mistake in who sees what stops the platform, naming the line."""
    text = SHIPPED.replace(FRONT_DESK, replacement)
    with pytest.raises(PolicyError) as refused:
        parse_policy(text, "policy.toml")
    assert message in str(refused.value)
    assert str(refused.value).startswith("policy.toml, line ")


def test_the_api_counts_a_day_in_the_facilitys_zone_as_the_page_does(world) -> None:
    """A visit at 21:30 in New York is on that New York day, although it is the next day in UTC."""
    visit = world.heart_role.visit_types.first()
    day = (dt.datetime.now(ZoneInfo("America/New_York")) + dt.timedelta(days=5)).date()
    starts = dt.datetime.combine(day, dt.time(21, 30), tzinfo=ZoneInfo("America/New_York"))
    slot = Slot.objects.create(
        role=world.heart_role, visit_type=visit, starts_at=starts, ends_at=starts + dt.timedelta(minutes=30)
    )
    booked = book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)
    assert [row["id"] for row in calendar_rows(world.doctor_user, day)] == [str(booked.public_id)]
    assert calendar_rows(world.doctor_user, day + dt.timedelta(days=1)) == []
    page = client_for(world.doctor_user).get("/connect/", {"day": day.isoformat()}).content.decode()
    assert str(booked.public_id) in page and "9:30 PM" in page
