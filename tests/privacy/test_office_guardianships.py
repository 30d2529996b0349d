"""CHILD-3: the office ends an adult's guardianship; a guardian may give a dependent up."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Guardianship
from indigomed.messaging.models import Message
from indigomed.security.models import AuditEvent
from tests.privacy.amending import officer, signed_in

pytestmark = pytest.mark.django_db


def _ward(world) -> Guardianship:
    return add_dependent(
        actor=world.member,
        name="Sam Ward",
        date_of_birth=dt.date(1950, 5, 1),
        country="US",
        document=io.BytesIO(b"%PDF-1.4 court order"),
    )


def test_the_office_ends_an_adult_wards_guardianship_with_a_reason_and_both_are_told(world, member_client) -> None:
    ward = _ward(world)
    office = signed_in(officer())
    page = office.get("/office/guardianships/").content.decode()
    assert str(ward.public_id)[:8] in page and "End guardianship" in page
    answer = office.post(f"/office/guardianships/{ward.public_id}/end", {"reason": "court_order_ended"})
    assert answer.status_code == 302
    ward.refresh_from_db()
    assert ward.ended_at is not None and ward.end_reason == "court_order_ended"
    event = AuditEvent.objects.get(action="guardianship.ended")
    assert event.member_id == ward.dependent_id and event.details == {"reason": "court_order_ended"}
    told = set(Message.objects.filter(kind="guardianship-ended").values_list("member_id", flat=True))
    assert told == {world.member.pk, ward.dependent_id}
    # The former guardian can no longer act for them.
    assert member_client.post(f"/me/dependents/{ward.dependent.public_id}/act").status_code == 404
    # Ending it twice: "not found", nothing more recorded.
    again = office.post(f"/office/guardianships/{ward.public_id}/end", {"reason": "court_order_ended"})
    assert again.status_code == 404
    assert AuditEvent.objects.filter(action="guardianship.ended").count() == 1


def test_only_the_office_ends_a_guardianship_and_not_a_childs(world, member_client) -> None:
    ward = _ward(world)
    assert (
        member_client.post(f"/office/guardianships/{ward.public_id}/end", {"reason": "guardian_died"}).status_code
        == 403
    )
    today = timezone.localdate()
    child = add_dependent(actor=world.member, name="Lou M", date_of_birth=dt.date(today.year - 6, 1, 1), country="US")
    office = signed_in(officer())
    refused = office.post(f"/office/guardianships/{child.public_id}/end", {"reason": "guardian_died"})
    assert refused.status_code == 400
    assert office.post(f"/office/guardianships/{ward.public_id}/end", {"reason": "took_over"}).status_code == 302
    assert Guardianship.objects.filter(ended_at__isnull=False).count() == 0


def test_a_guardian_gives_up_a_dependent_and_the_office_sees_the_account(world, member_client) -> None:
    today = timezone.localdate()
    child = add_dependent(actor=world.member, name="Lou M", date_of_birth=dt.date(today.year - 6, 1, 1), country="US")
    stranger = Client()
    stranger.force_login(world.other_member)
    assert stranger.post(f"/me/dependents/{child.dependent.public_id}/give-up", {"confirm": "yes"}).status_code == 404
    # Without ticking the box, nothing happens.
    member_client.post(f"/me/dependents/{child.dependent.public_id}/give-up")
    assert Guardianship.objects.get(pk=child.pk).ended_at is None
    answer = member_client.post(f"/me/dependents/{child.dependent.public_id}/give-up", {"confirm": "yes"})
    assert answer.status_code == 302
    child.refresh_from_db()
    assert child.end_reason == "given_up"
    assert AuditEvent.objects.filter(action="guardianship.given_up", actor_user_id=world.member.pk).exists()
    assert "You have no dependents yet." in member_client.get("/me/dependents/").content.decode()
    page = signed_in(officer()).get("/office/guardianships/").content.decode()
    assert str(child.public_id)[:8] in page
