"""Issue 11's bad input: each refused with a message beside the field it is about, and nothing
changed (no row, no message, no event); a double submit changes nothing twice."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from indigomed.accounts.models import User
from indigomed.directory.models import Facility, FacilityInvitation, FacilityStaff, Practitioner, PractitionerRole
from indigomed.directory.services import set_facility_plans
from indigomed.errors import Invalid
from indigomed.messaging.models import Message
from indigomed.scheduling import practice_rules
from indigomed.scheduling.models import AvailabilityRule, VisitType
from tests.partners.conftest import calendar_state, client_for, events


def beside(page, field: str) -> str:
    """The text shown in the form block of one field (its errors included)."""
    text = page.content.decode()
    for block in re.split(r'<div class="field(?: invalid)?">', text)[1:]:
        if f'name="{field}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {field} on the page")


def nothing_changed_since(before: tuple) -> bool:
    return before == snapshot() and not events() and not Message.objects.exists()


def snapshot() -> tuple:
    return (
        calendar_state(),
        list(Facility.objects.order_by("pk").values()),
        sorted(Facility.plans.through.objects.values_list("facility_id", "insuranceplan_id")),
        sorted(Practitioner.plans.through.objects.values_list("practitioner_id", "insuranceplan_id")),
        Practitioner.objects.count(),
        User.objects.count(),
        FacilityInvitation.objects.count(),
        list(FacilityStaff.objects.order_by("pk").values_list("pk", "role")),
    )


@pytest.fixture
def admin(ny_admin) -> Client:
    return client_for(ny_admin)


@pytest.fixture
def heart(world) -> str:
    return f"/partners/{world.ny_clinic.pk}/practitioners/{world.heart_role.pk}"


def consultation(world) -> int:
    return VisitType.objects.get(role=world.heart_role, name="Consultation").pk


# --- Weekly hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "says"),
    [
        ("10:00", "11:00", "start_time", "overlap Monday 09:00–12:00"),
        ("14:00", "13:00", "end_time", "end before they start"),
        ("22:00", "02:00", "end_time", "two rules: one on Monday until 23:59, and one on Tuesday from 00:00"),
        ("20:00", "24:00", "end_time", "Enter a time from 00:00 to 23:59"),
        ("13:00", "13:00", "end_time", "end when they start"),
        ("13:00", "13:10", "end_time", "No Consultation of 30 minutes fits between 13:00 and 13:10"),
        ("9999:00", "10:00", "start_time", "Enter a time from 00:00 to 23:59"),
    ],
)
def test_hours_that_cannot_be_a_rule_are_refused_beside_the_field(world, admin, heart, start, end, field, says) -> None:
    before = snapshot()
    page = admin.post(
        f"{heart}/hours", {"weekday": "0", "start_time": start, "end_time": end, "visit_type": consultation(world)}
    )
    assert page.status_code == 400
    assert says in beside(page, field)
    assert nothing_changed_since(before)


def test_hours_that_overlap_the_practitioners_hours_at_another_facility_in_the_zone_are_refused(world) -> None:
    bronx = Facility.objects.create(
        slug="bronx-care",
        name="Bronx Care",
        street="3 Example Road",
        city="New York",
        postal_code="10451",
        country="US",
        latitude=40.82,
        longitude=-73.92,
        timezone="America/New_York",
    )
    bronx_admin = User.objects.create_user("bea.bronx@example.test", "x" * 20)
    FacilityStaff.objects.create(user=bronx_admin, facility=bronx, role="admin")
    role = PractitionerRole.objects.create(practitioner=world.heart_doctor, facility=bronx)
    visit = VisitType.objects.create(role=role, name="Consultation", duration_minutes=30)
    with pytest.raises(Invalid) as refused:
        practice_rules.add_hours(
            actor=bronx_admin,
            facility_id=bronx.pk,
            role_id=role.pk,
            hours=practice_rules.WeeklyHours(weekday=2, start=_t("11:00"), end=_t("13:00"), visit_type_id=visit.pk),
        )
    assert refused.value.details["field"] == "start_time"
    assert "Dr. Ada Hart practises at another facility on Wednesday 09:00–12:00" in refused.value.message
    assert not AvailabilityRule.objects.filter(role=role).exists()


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def test_a_visit_type_or_reason_of_another_calendar_is_refused(world, admin, heart) -> None:
    before = snapshot()
    other = VisitType.objects.get(role=world.paris_role).pk
    page = admin.post(
        f"{heart}/hours", {"weekday": "0", "start_time": "13:00", "end_time": "14:00", "visit_type": other}
    )
    assert page.status_code == 400 and "Select a valid choice" in beside(page, "visit_type")
    with pytest.raises(Invalid):
        practice_rules.add_hours(
            actor=User.objects.get(facility_staff__role="admin", facility_staff__facility=world.ny_clinic),
            facility_id=world.ny_clinic.pk,
            role_id=world.heart_role.pk,
            hours=practice_rules.WeeklyHours(weekday=0, start=_t("13:00"), end=_t("14:00"), visit_type_id=other),
        )
    acne = admin.post(
        f"{heart}/visit-types",
        {"name": "Skin check", "duration_minutes": "20", "patients": "any", "where": "in_person", "reasons": ["acne"]},
    )
    assert acne.status_code == 400 and "Choose reasons from the list" in beside(acne, "reasons")
    assert nothing_changed_since(before)


# --- Visit types --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "says"),
    [
        ("0", "A visit lasts at least 5 minutes"),
        ("-30", "A visit lasts at least 5 minutes"),
        ("481", "A visit lasts at most 480 minutes"),
        ("1e9", "Give the length in whole minutes"),
        ("9" * 400, "A visit lasts at most 480 minutes"),
    ],
)
def test_a_visit_type_of_zero_minutes_is_refused_by_the_form_before_the_database(
    world, admin, heart, minutes, says
) -> None:
    before = snapshot()
    page = admin.post(
        f"{heart}/visit-types", {"name": "Quick", "duration_minutes": minutes, "patients": "any", "where": "remote"}
    )
    assert page.status_code == 400
    assert says in beside(page, "duration_minutes")
    assert nothing_changed_since(before)


def test_the_service_refuses_a_zero_minute_visit_too_and_names_the_field(world, ny_admin) -> None:
    with pytest.raises(Invalid) as refused:
        practice_rules.create_visit_type(
            actor=ny_admin,
            facility_id=world.ny_clinic.pk,
            role_id=world.heart_role.pk,
            spec=practice_rules.VisitTypeSpec(name="Nothing", duration_minutes=0),
        )
    assert refused.value.details["field"] == "duration_minutes"


def test_a_visit_type_whose_hours_would_be_shorter_than_one_visit_is_refused(world, admin, heart) -> None:
    before = snapshot()
    page = admin.post(
        f"{heart}/visit-types/{consultation(world)}",
        {"name": "Consultation", "duration_minutes": "240", "patients": "any", "where": "in_person"},
    )
    assert page.status_code == 400
    assert "are shorter than 240 minutes" in beside(page, "duration_minutes")
    assert nothing_changed_since(before)


# --- Plans ------------------------------------------------------------------------------------------


def test_a_plan_the_facility_does_not_know_is_refused(world, admin, heart, ny_admin) -> None:
    before = snapshot()
    for plan in ("no-such-plan", "mgen-reference", "x" * 5000):
        page = admin.post(f"/partners/{world.ny_clinic.pk}/plans", {"plans": ["aetna-hmo", plan]})
        assert page.status_code == 400
        assert "Choose plans from the list" in beside(page, "plans")
    with pytest.raises(Invalid) as refused:
        set_facility_plans(actor=ny_admin, facility_id=world.ny_clinic.pk, plan_slugs=["mgen-reference"])
    assert refused.value.details["field"] == "plans"
    # A practitioner takes only plans the facility accepts.
    untaken = admin.post(f"{heart}/plans", {"plans": ["cigna-oap"]})
    assert untaken.status_code == 400
    assert nothing_changed_since(before)


# --- Invitations ------------------------------------------------------------------------------------


def practitioner_form(email: str, **changes: str) -> dict:
    form = {
        "email": email,
        "title": "Dr.",
        "given_name": "Ivy",
        "family_name": "Vein",
        "gender": "female",
        "specialties": ["cardiology"],
        "languages": ["en"],
    }
    return form | changes


def test_an_invitation_to_an_address_on_another_facilitys_staff_is_refused(world, admin, paris_admin) -> None:
    before = snapshot()
    for url, form in (
        (f"/partners/{world.ny_clinic.pk}/practitioners/invite", practitioner_form("PAUL.admin@example.test")),
        (
            f"/partners/{world.ny_clinic.pk}/staff/invite",
            {"email": "paul.admin@example.test", "name": "Paul", "role": "admin"},
        ),
    ):
        page = admin.post(url, form)
        assert page.status_code == 400
        assert "belongs to another facility's staff" in beside(page, "email")
    assert nothing_changed_since(before)


def test_an_invitation_to_a_practitioner_or_a_colleague_already_here_is_refused(world, admin) -> None:
    before = snapshot()
    doctor = admin.post(
        f"/partners/{world.ny_clinic.pk}/practitioners/invite", practitioner_form("ada.hart@example.test")
    )
    assert doctor.status_code == 400 and "attach them from the directory instead" in beside(doctor, "email")
    desk = admin.post(
        f"/partners/{world.ny_clinic.pk}/staff/invite",
        {"email": "front.desk@example.test", "name": "Desk", "role": "staff"},
    )
    assert desk.status_code == 400 and "already on your staff" in beside(desk, "email")
    assert nothing_changed_since(before)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"email": "a" * 65 + "@example.test"}, "email", "receive e-mail at"),
        ({"given_name": "x" * 10_000}, "given_name", "at most 80 characters"),
        ({"family_name": "Vein\u202e"}, "family_name", "invisible characters"),
        ({"specialties": ["astrology"]}, "specialties", "Choose specialties from the list"),
        ({"gender": "robot"}, "gender", "Select a valid choice"),
    ],
)
def test_bad_invitations_are_refused_beside_the_field(world, admin, changes, field, says) -> None:
    before = snapshot()
    page = admin.post(
        f"/partners/{world.ny_clinic.pk}/practitioners/invite", practitioner_form("ivy@example.test") | changes
    )
    assert page.status_code == 400
    assert says in beside(page, field)
    assert nothing_changed_since(before)


# --- The rest of the facility -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"postal_code": "90210"}, "postal_code", "another time zone"),
        ({"postal_code": "00000"}, "postal_code", "do not know that ZIP code"),
        ({"postal_code": "x" * 13}, "postal_code", "at most 12 characters"),
        ({"phone": "12"}, "phone", "phone number"),
        ({"name": ""}, "name", "This field is required"),
        ({"name": "N" * 100_000}, "name", "at most 160 characters"),
        ({"kind": "castle"}, "kind", "Select a valid choice"),
    ],
)
def test_a_profile_that_cannot_be_saved_is_refused(world, admin, changes, field, says) -> None:
    before = snapshot()
    form = {
        "name": "Hudson Clinic",
        "kind": "clinic",
        "street": "1 Example Avenue",
        "city": "New York",
        "region": "NY",
        "postal_code": "10016",
        "phone": "",
    }
    page = admin.post(f"/partners/{world.ny_clinic.pk}/profile", form | changes)
    assert page.status_code in (400, 413)
    if page.status_code == 400:
        assert says in beside(page, field)
    assert nothing_changed_since(before)


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"cancel_cutoff_hours": "-1", "reminder_offsets": ""}, "cancel_cutoff_hours", "cannot be negative"),
        ({"cancel_cutoff_hours": "100000", "reminder_offsets": ""}, "cancel_cutoff_hours", "at most 168 hours"),
        ({"cancel_cutoff_hours": "", "reminder_offsets": "banana"}, "reminder_offsets", "is not an offset"),
        ({"cancel_cutoff_hours": "", "reminder_offsets": "90d"}, "reminder_offsets", "30 days"),
    ],
)
def test_booking_rules_out_of_bounds_are_refused(world, admin, form, field, says) -> None:
    before = snapshot()
    page = admin.post(f"/partners/{world.ny_clinic.pk}/booking-rules", form)
    assert page.status_code == 400
    assert says in beside(page, field)
    assert nothing_changed_since(before)


def test_the_facility_keeps_one_admin(world, admin, ny_admin) -> None:
    before = snapshot()
    me = FacilityStaff.objects.get(user=ny_admin)
    demoted = admin.post(f"/partners/{world.ny_clinic.pk}/staff/{me.pk}/role", {"role": "staff"})
    assert demoted.status_code == 302
    assert "must keep at least one HCF admin" in admin.get(demoted["Location"]).content.decode()
    admin.post(f"/partners/{world.ny_clinic.pk}/staff/{me.pk}/remove")
    assert nothing_changed_since(before)


# --- Double submits ---------------------------------------------------------------------------------


def test_double_submits_change_nothing_twice(world, admin, heart) -> None:
    ny = world.ny_clinic.pk
    for _ in range(2):
        admin.post(f"/partners/{ny}/practitioners/invite", practitioner_form("ivy@example.test"))
        admin.post(f"/partners/{ny}/staff/invite", {"email": "sam@example.test", "name": "Sam", "role": "staff"})
        admin.post(
            f"{heart}/hours",
            {"weekday": "0", "start_time": "13:00", "end_time": "15:00", "visit_type": consultation(world)},
        )
        admin.post(
            f"{heart}/visit-types",
            {"name": "Video", "duration_minutes": "15", "patients": "returning", "where": "remote"},
        )
        admin.post(f"/partners/{ny}/plans", {"plans": ["aetna-hmo"]})
        admin.post(f"/partners/{ny}/practitioners/{world.skin_role.pk}/deactivate")
    assert Practitioner.objects.filter(family_name="Vein").count() == 1
    assert FacilityInvitation.objects.count() == 2
    assert Message.objects.filter(kind="invitation").count() == 2
    assert AvailabilityRule.objects.filter(role=world.heart_role, weekday=0).count() == 2
    assert VisitType.objects.filter(role=world.heart_role, name="Video").count() == 1
    once = [
        "practitioner.added",
        "invitation.sent",
        "calendar.rule_added",
        "visit_type.created",
        "facility.plans_changed",
        "practitioner.deactivated",
    ]
    assert sorted(e.action for e in events()) == sorted([*once, "invitation.sent"])
