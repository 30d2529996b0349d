"""PI-4: members add, edit and remove their insurance on /me/; each change is an audit event; a
plan another member holds is not found; bad input is refused beside its field and changes nothing;
removing a plan leaves the bookings made with one as they were."""

from __future__ import annotations

import pytest

from indigomed.records.models import InsuranceData
from indigomed.records.queries import booking_details, insurance_of
from indigomed.security.models import AuditEvent
from tests.privacy.amending import book, signed_in

PLAN = {"carrier": "Aetna", "plan": "HMO", "member_number": "W42"}


def add(member, **fields) -> None:
    assert signed_in(member).post("/me/insurance", {**PLAN, **fields}).status_code == 302


def test_a_member_edits_and_removes_their_insurance(world) -> None:
    add(world.member)
    add(world.member, carrier="Cigna", plan="Open Access Plus", member_number="")
    first, second = insurance_of(world.member.pk)
    client = signed_in(world.member)
    page = client.get("/me/").content.decode()
    assert f"/me/insurance/{first.public_id}/" in page and f"/me/insurance/{second.public_id}/remove" in page

    assert client.get(f"/me/insurance/{first.public_id}/").status_code == 200
    response = client.post(f"/me/insurance/{first.public_id}/", {**PLAN, "plan": "PPO", "member_number": "W43"})
    assert response.status_code == 302
    assert [(i.carrier, i.plan, i.member_number) for i in insurance_of(world.member.pk)] == [
        ("Aetna", "PPO", "W43"),
        ("Cigna", "Open Access Plus", ""),
    ]
    response = client.post(f"/me/insurance/{second.public_id}/remove", follow=True)
    assert "Your insurance is removed" in response.content.decode()
    assert [i.plan for i in insurance_of(world.member.pk)] == ["PPO"]
    changes = [e.details for e in AuditEvent.objects.filter(action="profile.updated").order_by("pk")]
    assert [d.get("change", "added") for d in changes] == ["added", "added", "edited", "removed"]
    assert all(d["categories"] == ["insurance"] for d in changes)
    # The row is sealed like the rest of the profile.
    assert b"PPO" not in bytes(InsuranceData.objects.get().plan)


def test_another_members_insurance_is_not_found_and_stays_as_it_was(world) -> None:
    add(world.other_member)
    [theirs] = insurance_of(world.other_member.pk)
    member = signed_in(world.member)
    assert member.get(f"/me/insurance/{theirs.public_id}/").status_code == 404
    assert member.post(f"/me/insurance/{theirs.public_id}/", {**PLAN, "plan": "Stolen"}).status_code == 404
    assert member.post(f"/me/insurance/{theirs.public_id}/remove").status_code == 404
    assert member.post("/me/insurance/00000000-0000-0000-0000-000000000000/remove").status_code == 404
    assert member.get("/me/insurance/not-a-uuid/").status_code == 404
    assert [(i.carrier, i.plan) for i in insurance_of(world.other_member.pk)] == [("Aetna", "HMO")]
    assert not AuditEvent.objects.filter(member_id=world.member.pk).exists()
    assert signed_in(world.doctor_user).get(f"/me/insurance/{theirs.public_id}/").status_code == 403


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"carrier": ""}, "This field is required."),
        ({"plan": "p" * 5000}, "Ensure this value has at most 120 characters"),
        ({"member_number": "W\u202e42"}, "Remove the invisible characters"),
    ],
)
def test_bad_insurance_is_refused_beside_its_field_and_changes_nothing(world, fields, message) -> None:
    add(world.member)
    [mine] = insurance_of(world.member.pk)
    client = signed_in(world.member)
    edited = client.post(f"/me/insurance/{mine.public_id}/", {**PLAN, **fields})
    assert edited.status_code == 400 and message in edited.content.decode()
    added = client.post("/me/insurance", {**PLAN, **fields})
    assert added.status_code == 400 and message in added.content.decode()
    assert [(i.carrier, i.plan, i.member_number) for i in insurance_of(world.member.pk)] == [("Aetna", "HMO", "W42")]


def test_removing_a_plan_leaves_bookings_made_with_it_as_they_were(world) -> None:
    """PI-4: a booking keeps the plan it was made with (the practice was told of it); changing it is
    an amendment of that booking."""
    visit = book(world)
    add(world.member)
    [mine] = insurance_of(world.member.pk)
    signed_in(world.member).post(f"/me/insurance/{mine.public_id}/remove")
    assert insurance_of(world.member.pk) == []
    assert booking_details({visit.public_id: world.member.pk})[visit.public_id].plan_slug == "aetna-hmo"
