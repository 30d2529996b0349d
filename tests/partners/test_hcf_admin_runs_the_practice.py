"""Issue 11, item 1: an HCF admin runs the facility's practice in Partners, and members find and
book what they set up (DIR-1, DIR-2, BOOK-1, BOOK-3)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from indigomed.directory.models import Facility, FacilityInvitation, FacilityStaff, Practitioner, PractitionerRole
from indigomed.scheduling.models import AvailabilityRule, Slot, VisitType
from indigomed.scheduling.services import book_appointment
from indigomed.search.queries import Criteria, search
from tests.conftest import make_user
from tests.partners.conftest import ACCEPT, client_for, events, follow_link, invitation_link

NEW_PASSWORD = "amber-otter-juggles-seven-lanterns"


def add_lung_doctor(admin: Client, facility_id: int) -> PractitionerRole:
    page = admin.post(
        f"/partners/{facility_id}/practitioners/invite",
        {
            "email": "Lena.Lung@Example.test",
            "title": "Dr.",
            "given_name": "Lena",
            "family_name": "Lung",
            "gender": "female",
            "specialties": ["cardiology"],
            "languages": ["en", "es"],
        },
    )
    role = PractitionerRole.objects.get(practitioner__family_name="Lung")
    assert page.status_code == 302 and page["Location"] == f"/partners/{facility_id}/practitioners/{role.pk}/"
    return role


def test_an_hcf_admin_adds_a_practitioner_opens_their_week_and_a_member_finds_and_books_them(world, ny_admin) -> None:
    """DIR-1, DIR-2, BOOK-1: from an empty calendar to a booking, through the portal's pages."""
    admin = client_for(ny_admin)
    home = admin.get("/partners/")
    assert home.status_code == 302 and home["Location"] == f"/partners/{world.ny_clinic.pk}/"
    assert "Bookings to move" in admin.get(home["Location"]).content.decode()

    base = f"/partners/{world.ny_clinic.pk}"
    assert admin.post(f"{base}/plans", {"plans": ["aetna-hmo", "cigna-oap"]}).status_code == 302
    assert set(world.ny_clinic.plans.values_list("slug", flat=True)) == {"aetna-hmo", "cigna-oap"}

    role = add_lung_doctor(admin, world.ny_clinic.pk)
    assert role.facility == world.ny_clinic and role.is_active
    page = f"{base}/practitioners/{role.pk}"
    made = admin.post(
        f"{page}/visit-types",
        {
            "name": "New patient visit",
            "duration_minutes": 40,
            "patients": "new",
            "where": "in_person",
            "reasons": ["chest-pain"],
        },
    )
    assert made.status_code == 302
    visit = VisitType.objects.get(role=role)
    assert (visit.duration_minutes, visit.patients, visit.is_remote) == (40, "new", False)
    assert list(visit.reasons.values_list("slug", flat=True)) == ["chest-pain"]
    for weekday in range(7):
        added = admin.post(
            f"{page}/hours", {"weekday": weekday, "start_time": "08:00", "end_time": "12:00", "visit_type": visit.pk}
        )
        assert added.status_code == 302, added.content.decode()
    assert AvailabilityRule.objects.filter(role=role).count() == 7
    assert admin.post(f"{page}/plans", {"plans": ["aetna-hmo"]}).status_code == 302
    assert list(role.practitioner.plans.values_list("slug", flat=True)) == ["aetna-hmo"]

    # Six 40-minute visits fit between 08:00 and 12:00, every day of the horizon.
    slots = Slot.objects.filter(role=role, is_open=True)
    assert slots.exists() and {s.ends_at - s.starts_at for s in slots} == {minutes(40)}
    found = search(Criteria(what="cardiology", plan="aetna-hmo", postal_code="10016", country="US"))
    [result] = [r for r in found.results if r.role_id == role.pk]
    assert result.practitioner_name == "Dr. Lena Lung" and result.next_slots
    later = [s for s in Slot.objects.filter(role=role, is_open=True).order_by("starts_at")][8]
    booked = book_appointment(
        actor=world.member, slot_id=later.pk, visit_reason="chest-pain", insurance_plan="aetna-hmo"
    )
    assert booked.role == role and booked.visit_type == visit

    # Every change was recorded, by the admin, with references only.
    recorded = {e.action for e in events() if e.actor_user_id == ny_admin.pk}
    assert {
        "facility.plans_changed",
        "practitioner.added",
        "invitation.sent",
        "visit_type.created",
        "calendar.rule_added",
        "practitioner.plans_changed",
    } <= recorded


def minutes(count: int) -> dt.timedelta:
    return dt.timedelta(minutes=count)


def test_the_invited_practitioner_chooses_a_password_and_sees_their_calendar_in_connect(world, ny_admin) -> None:
    role = add_lung_doctor(client_for(ny_admin), world.ny_clinic.pk)
    link = invitation_link("lena.lung@example.test")
    visitor = Client()
    page = visitor.get(follow_link(visitor, link))
    assert page.status_code == 200 and "Choose a password" in page.content.decode()
    short = visitor.post(ACCEPT, {"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 15 characters" in short.content.decode()
    assert Practitioner.objects.get(pk=role.practitioner_id).user is None
    joined = visitor.post(ACCEPT, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert joined.status_code == 302 and joined["Location"] == "/connect/"
    practitioner = Practitioner.objects.get(pk=role.practitioner_id)
    assert practitioner.user is not None
    assert visitor.get("/connect/").status_code == 200
    # The link works once; afterwards it is "not found", and she signs in as anyone does.
    assert Client().get("/" + link.split("://", 1)[1].partition("/")[2]).status_code == 404
    signed_in = Client().post("/accounts/login/", {"login": "lena.lung@example.test", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert events("invitation.accepted")[0].actor_user_id == practitioner.user_id


def test_a_staff_invitation_makes_an_existing_account_front_desk_once_it_signs_in_and_accepts(world, ny_admin) -> None:
    colleague = make_user("sam.desk@example.test")
    admin = client_for(ny_admin)
    sent = admin.post(
        f"/partners/{world.ny_clinic.pk}/staff/invite",
        {"email": "sam.desk@example.test", "name": "Sam Desk", "role": "staff"},
    )
    assert sent.status_code == 302
    link = invitation_link("sam.desk@example.test")
    anonymous = Client()
    assert "Sign in" in anonymous.get(follow_link(anonymous, link)).content.decode()  # a password signs in first
    outsider = client_for(world.outsider)
    assert "another account" in outsider.get(follow_link(outsider, link)).content.decode()
    assert outsider.post(ACCEPT).status_code == 200
    assert not FacilityStaff.objects.filter(user=world.outsider).exists()
    desk = client_for(colleague)
    follow_link(desk, link)
    joined = desk.post(ACCEPT)
    assert joined.status_code == 302 and joined["Location"] == "/connect/"
    assert FacilityStaff.objects.get(user=colleague).role == "staff"
    assert FacilityInvitation.objects.get(user=colleague).accepted_at is not None


def test_an_admin_attaches_a_practitioner_of_the_directory_and_deactivates_one(world, ny_admin) -> None:
    bronx = Facility.objects.create(
        slug="bronx-care",
        name="Bronx Care",
        street="3 Example Road",
        city="New York",
        region="NY",
        postal_code="10451",
        country="US",
        latitude=40.82,
        longitude=-73.92,
        timezone="America/New_York",
    )
    omar = Practitioner.objects.create(slug="omar-pulse", given_name="Omar", family_name="Pulse", gender="male")
    PractitionerRole.objects.create(practitioner=omar, facility=bronx)
    admin = client_for(ny_admin)
    base = f"/partners/{world.ny_clinic.pk}/practitioners"
    assert "Omar Pulse" in admin.get(f"{base}/", {"q": "omar"}).content.decode()
    assert "Cœur" not in admin.get(f"{base}/", {"q": "claire"}).content.decode(), "Paris is another country"
    attached = admin.post(f"{base}/attach", {"practitioner": omar.pk})
    role = PractitionerRole.objects.get(practitioner=omar, facility=world.ny_clinic)
    assert attached["Location"] == f"{base}/{role.pk}/"
    assert admin.post(f"{base}/attach", {"practitioner": world.paris_doctor.pk}).status_code == 404

    deactivated = admin.post(f"{base}/{world.skin_role.pk}/deactivate")
    assert deactivated.status_code == 302
    world.skin_role.refresh_from_db()
    assert not world.skin_role.is_active and world.skin_role.next_open_at is None
    assert not search(Criteria(what="dermatology", postal_code="10016")).results
    assert admin.post(f"{base}/attach", {"practitioner": world.skin_doctor.pk}).status_code == 302
    world.skin_role.refresh_from_db()
    assert world.skin_role.is_active and world.skin_role.next_open_at is not None
    assert search(Criteria(what="dermatology", postal_code="10016")).results
    assert [e.details["again"] for e in events("practitioner.attached")] == [False, True]


def test_the_admin_sets_the_cancellation_cut_off_and_reminders_the_patients_get(world, ny_admin) -> None:
    admin = client_for(ny_admin)
    url = f"/partners/{world.ny_clinic.pk}/booking-rules"
    assert admin.post(url, {"cancel_cutoff_hours": "6", "reminder_offsets": " 2h , 3d"}).status_code == 302
    world.ny_clinic.refresh_from_db()
    assert (world.ny_clinic.cancel_cutoff_hours, world.ny_clinic.reminder_offsets) == (6, "3d,2h")
    assert admin.post(url, {"cancel_cutoff_hours": "6", "reminder_offsets": "3d,2h"}).status_code == 302
    assert len(events("facility.booking_rules_changed")) == 1, "saving the same rules again records nothing"
    assert admin.post(url, {"cancel_cutoff_hours": "", "reminder_offsets": ""}).status_code == 302
    world.ny_clinic.refresh_from_db()
    assert world.ny_clinic.effective_cancel_cutoff_hours == 24 and world.ny_clinic.reminder_offsets == ""


def test_the_admin_changes_the_profile_and_a_new_postal_code_moves_the_facility(world, ny_admin) -> None:
    admin = client_for(ny_admin)
    url = f"/partners/{world.ny_clinic.pk}/profile"
    form = {
        "name": "Hudson Heart Clinic",
        "kind": "clinic",
        "street": "2 Example Avenue",
        "city": "New York",
        "region": "NY",
        "postal_code": "10001",
        "phone": "+1 212 555 0100",
    }
    assert admin.get(url).status_code == 200
    assert admin.post(url, form).status_code == 302
    world.ny_clinic.refresh_from_db()
    assert world.ny_clinic.name == "Hudson Heart Clinic" and world.ny_clinic.phone == "+12125550100"
    assert abs(world.ny_clinic.latitude - 40.75) < 0.1 and world.ny_clinic.latitude != 40.7459
    [event] = events("facility.profile_changed")
    assert "postal_code" in event.details["fields"] and "Hudson" not in str(event.details)


def test_a_withdrawn_or_expired_invitation_link_is_not_found_and_a_new_one_can_be_sent(world, ny_admin) -> None:
    admin = client_for(ny_admin)
    staff = f"/partners/{world.ny_clinic.pk}/staff"
    admin.post(f"{staff}/invite", {"email": "sam.desk@example.test", "name": "Sam Desk", "role": "staff"})
    link = invitation_link("sam.desk@example.test")
    invitation = FacilityInvitation.objects.get()
    assert admin.post(f"/partners/{world.ny_clinic.pk}/invitations/{invitation.pk}/withdraw").status_code == 302
    assert Client().get("/" + link.split("://", 1)[1].partition("/")[2]).status_code == 404
    admin.post(f"{staff}/invite", {"email": "sam.desk@example.test", "name": "Sam Desk", "role": "admin"})
    renewed = FacilityInvitation.objects.get(withdrawn_at__isnull=True)
    FacilityInvitation.objects.filter(pk=renewed.pk).update(
        created_at=renewed.created_at - minutes(3 * 24 * 60), expires_at=renewed.created_at - minutes(1)
    )
    assert (
        Client().get("/" + invitation_link("sam.desk@example.test").split("://", 1)[1].partition("/")[2]).status_code
        == 404
    )
    admin.post(f"{staff}/invite", {"email": "sam.desk@example.test", "name": "Sam Desk", "role": "admin"})
    assert FacilityInvitation.objects.filter(withdrawn_at__isnull=True, accepted_at__isnull=True).count() == 1
    assert [e.action for e in events() if e.action.startswith("invitation.")] == [
        "invitation.sent",
        "invitation.withdrawn",
        "invitation.sent",
        "invitation.sent",
    ]
