"""A facility admin sees and changes only their facility: every other facility's object is "not
found", whether asked for under its own facility or smuggled under the admin's; the facility's
own front desk is told, on a page of its own, that Partners is for its admins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from indigomed.directory.models import Facility, FacilityInvitation, FacilityStaff, Practitioner, PractitionerRole
from indigomed.partners import urls as partners_urls
from indigomed.scheduling.models import AvailabilityRule, VisitType
from tests.partners.conftest import calendar_state, client_for, events

# What a hostile admin posts to every address: valid for each form, so only the access check can stop it.
FORM = {
    "name": "Taken Over",
    "kind": "clinic",
    "street": "1 Elsewhere",
    "city": "Paris",
    "region": "",
    "postal_code": "75011",
    "phone": "",
    "plans": ["aetna-hmo"],
    "cancel_cutoff_hours": "1",
    "reminder_offsets": "1h",
    "email": "intruder@example.test",
    "title": "Dr.",
    "given_name": "In",
    "family_name": "Truder",
    "gender": "male",
    "specialties": ["cardiology"],
    "languages": ["en"],
    "weekday": "0",
    "start_time": "13:00",
    "end_time": "14:00",
    "duration_minutes": "30",
    "patients": "any",
    "where": "in_person",
    "role": "admin",
}
OPEN_TO_ANYONE = {"home", "accept", "invitation"}


@pytest.fixture
def ny_objects(world, ny_admin) -> dict[str, int]:
    """One of each of the New York clinic's objects, by the name its address gives its id."""
    visit = VisitType.objects.get(role=world.heart_role)
    invitation = FacilityInvitation.objects.create(
        facility=world.ny_clinic,
        user=world.outsider,
        kind="staff",
        staff_role="staff",
        token_hash="0" * 64,
        created_at=_now(),
        expires_at=_now(days=3),
    )
    return {
        "facility_id": world.ny_clinic.pk,
        "role_id": world.heart_role.pk,
        "rule_id": AvailabilityRule.objects.filter(role=world.heart_role).first().pk,
        "visit_type_id": visit.pk,
        "staff_id": FacilityStaff.objects.get(user=world.staff_user).pk,
        "invitation_id": invitation.pk,
    }


def _now(days: int = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def facility_addresses() -> list[tuple[str, URLPattern]]:
    return [(p.name, p) for p in partners_urls.urlpatterns if p.name not in OPEN_TO_ANYONE]


def address(name: str, ids: dict[str, int]) -> str:
    pattern = dict(facility_addresses())[name]
    wanted = pattern.pattern.converters.keys()
    return reverse(f"partners:{name}", kwargs={k: ids[k] for k in wanted})


def directory_state() -> tuple:
    return (
        list(Facility.objects.order_by("pk").values()),
        list(FacilityStaff.objects.order_by("pk").values()),
        list(Practitioner.objects.order_by("pk").values_list("pk", "user_id")),
        list(PractitionerRole.objects.order_by("pk").values_list("pk", "is_active")),
        list(FacilityInvitation.objects.order_by("pk").values_list("pk", "withdrawn_at", "accepted_at")),
        sorted(Facility.plans.through.objects.values_list("facility_id", "insuranceplan_id")),
        sorted(Practitioner.plans.through.objects.values_list("practitioner_id", "insuranceplan_id")),
    )


def test_another_facilitys_admin_gets_not_found_on_every_object_and_changes_nothing(
    world, paris_admin, ny_objects
) -> None:
    before = (directory_state(), calendar_state())
    paris = client_for(paris_admin)
    mine = world.paris_clinic.pk
    tried = 0
    for name, _ in facility_addresses():
        theirs = address(name, ny_objects)
        # The same object asked for under the admin's own facility: its id is still another's.
        smuggled = (
            address(name, {**ny_objects, "facility_id": mine})
            if name
            not in {
                "overview",
                "profile",
                "plans",
                "booking_rules",
                "practitioners",
                "invite_practitioner",
                "attach_practitioner",
                "staff",
                "invite_staff",
            }
            else None
        )
        for url in filter(None, (theirs, smuggled)):
            assert paris.post(url, FORM).status_code == 404, url
            got = paris.get(url).status_code
            assert got in (404, 405), url
            tried += 1
    assert tried >= 25
    assert (directory_state(), calendar_state()) == before
    assert not events()


def test_the_front_desk_is_told_partners_is_for_admins_and_members_and_visitors_get_nothing(
    world, ny_admin, ny_objects
) -> None:
    before = (directory_state(), calendar_state())
    desk = client_for(world.staff_user)
    for name, _ in facility_addresses():
        url = address(name, ny_objects)
        refused = desk.post(url, FORM)
        assert refused.status_code == 403, url
        assert "Partners is for HCF admins" in refused.content.decode()
    assert desk.get("/partners/").status_code == 403
    assert "Partners" not in desk.get("/connect/").content.decode().split("<main>")[0], "no Partners link in the nav"
    member = client_for(world.member)
    assert member.get("/partners/").status_code == 403
    assert member.get(address("overview", ny_objects)).status_code == 404
    visitor = Client().get(address("overview", ny_objects))
    assert visitor.status_code == 302 and visitor["Location"].startswith("/accounts/login/")
    assert (directory_state(), calendar_state()) == before
    assert "Partners" in client_for(ny_admin).get("/").content.decode().split("<main>")[0]


@pytest.mark.parametrize("huge", [2**63, 2**70, 0])
def test_ids_out_of_any_range_are_not_found(world, ny_admin, huge) -> None:
    admin = client_for(ny_admin)
    ny = world.ny_clinic.pk
    for url in (
        f"/partners/{huge}/",
        f"/partners/{ny}/practitioners/{huge}/",
        f"/partners/{ny}/practitioners/{world.heart_role.pk}/hours/{huge}",
        f"/partners/{ny}/practitioners/{world.heart_role.pk}/visit-types/{huge}",
    ):
        assert admin.get(url).status_code == 404, url
    for url in (
        f"/partners/{ny}/staff/{huge}/role",
        f"/partners/{ny}/staff/{huge}/remove",
        f"/partners/{ny}/invitations/{huge}/withdraw",
        f"/partners/{ny}/practitioners/{world.heart_role.pk}/hours/{huge}/remove",
        f"/partners/{ny}/practitioners/{world.heart_role.pk}/visit-types/{huge}/retire",
    ):
        assert admin.post(url, {"role": "admin"}).status_code == 404, url
    assert admin.post(f"/partners/{ny}/practitioners/attach", {"practitioner": str(huge)}).status_code == 404
    assert not events()
