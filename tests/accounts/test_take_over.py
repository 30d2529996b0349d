"""CHILD-3: a child who reaches the local age is invited, once, to take over their own account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.test import Client
from django.utils import timezone

from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Guardianship, TakeOverInvitation, User
from indigomed.accounts.takeover import invite_of_age
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.privacy.queries import member_zone
from indigomed.records.models import DemographicData
from indigomed.records.vault import Vault
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AuditEvent
from tests.conftest import address_of
from tests.messaging import conftest as messaging
from tests.scheduling.helpers import open_slot

pytestmark = pytest.mark.django_db
smtp = messaging.smtp  # the in-process SMTP server the messaging tests use
PASSWORD = "a quiet lilac harbour at noon"


def _local_day(member_id: int, now: dt.datetime) -> dt.date:
    return now.astimezone(member_zone(member_id)).date()


def _born(child: User, on: dt.date) -> None:
    """Time passes for the test: the child's sealed date of birth is moved."""
    vault = Vault.open_for(child.pk)
    DemographicData.objects.filter(member_id=child.pk).update(
        date_of_birth=vault.seal(DemographicData, "date_of_birth", on.isoformat())
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    return (
        day.replace(year=day.year - years)
        if (day.month, day.day) != (2, 29)
        else day.replace(day=28, year=day.year - years)
    )


def _child(world, name: str = "Lou Member") -> User:
    today = timezone.localdate()
    return add_dependent(actor=world.member, name=name, date_of_birth=_years_before(today, 10), country="US").dependent


def _turning_13_today(world) -> User:
    child = _child(world)
    _born(child, _years_before(_local_day(child.pk, timezone.now()), 13))
    return child


def _link_in(body: str) -> str:
    found = re.search(r"https?://\S+/take-over/(\S+)/", body)
    assert found, body
    return f"/take-over/{found.group(1)}/"


def _invitation_link(smtp, world) -> str:
    deliver_until_idle()
    (message,) = [m for m in smtp.to(address_of(world.member)) if "account of your own" in str(m["Subject"])]
    return _link_in(message.get_content())


def test_a_child_who_turns_13_is_invited_once_and_after_taking_over_their_guardian_no_longer_sees_them(
    world, smtp, member_client
) -> None:
    child = _child(world)
    # Ten days before their birthday: not yet.
    _born(child, _years_before(_local_day(child.pk, timezone.now()) + dt.timedelta(days=10), 13))
    assert invite_of_age() == 0
    # The day they turn 13 where they live.
    _born(child, _years_before(_local_day(child.pk, timezone.now()), 13))
    child.acting_user_id = world.member.pk
    visit = book_appointment(
        actor=child,
        slot_id=open_slot(world.heart_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="",
    )
    assert invite_of_age() == 1
    assert invite_of_age() == 0  # a second sweep sends nothing more
    assert TakeOverInvitation.objects.count() == 1
    link = _invitation_link(smtp, world)
    # Before: the guardian sees the child's appointments while acting for them.
    assert member_client.post(f"/me/dependents/{child.public_id}/act").status_code == 302
    assert member_client.get("/api/appointments").json()[0]["id"] == str(visit.public_id)

    newcomer = Client()
    assert newcomer.get(link).status_code == 200
    answer = newcomer.post(link, {"email": "lou.own@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert answer.status_code == 200, answer.content
    assert "Your account is yours" in answer.content.decode()
    guardianship = Guardianship.objects.get(dependent=child)
    assert guardianship.ended_at is not None and guardianship.end_reason == "took_over"
    assert AuditEvent.objects.filter(action="guardianship.taken_over", member_id=child.pk).exists()
    # The guardian lost access: back on their own account, and a new try is "not found".
    assert member_client.get("/api/appointments").json() == []
    assert member_client.post(f"/me/dependents/{child.public_id}/act").status_code == 404
    # The address is confirmed by e-mail, then the child signs in to their own account.
    deliver_until_idle()
    confirm = [
        m for m in smtp.to("lou.own@example.test") if "Confirm" in str(m["Subject"]) or "confirm" in m.get_content()
    ]
    assert confirm, [str(m["Subject"]) for m in smtp.to("lou.own@example.test")]
    assert EmailAddress.objects.get(user=child).verified is False
    EmailAddress.objects.filter(user=child).update(verified=True)
    signed = Client()
    assert signed.login(email="lou.own@example.test", password=PASSWORD)
    assert signed.get("/api/appointments").json()[0]["id"] == str(visit.public_id)
    # Both were told; and the link does not work twice.
    assert [m for m in smtp.to(address_of(world.member)) if "guardianship has ended" in str(m["Subject"])]
    again = Client().post(link, {"email": "other@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 400 and "already used" in again.content.decode()


def test_a_take_over_before_the_age_is_refused_and_changes_nothing(world, smtp) -> None:
    child = _turning_13_today(world)
    assert invite_of_age() == 1
    link = _invitation_link(smtp, world)
    _born(child, _years_before(timezone.localdate(), 12))
    answer = Client().post(link, {"email": "lou.own@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert answer.status_code == 400
    assert "not reached the age" in answer.content.decode()
    assert Guardianship.objects.get(dependent=child).ended_at is None
    assert not User.objects.get(pk=child.pk).has_usable_password()


def test_expired_tampered_and_someone_elses_links_are_refused(world, smtp) -> None:
    child = _turning_13_today(world)
    assert invite_of_age() == 1
    link = _invitation_link(smtp, world)
    token = link.split("/")[2]
    assert Client().get(f"/take-over/{token[:-3]}abc/").status_code == 404
    invitation = TakeOverInvitation.objects.get()
    other = _turning_13_today(world)
    forged = signing.dumps(
        {"i": str(invitation.public_id), "d": str(other.public_id)}, salt="indigomed.accounts.take-over"
    )
    assert Client().get(f"/take-over/{forged}/").status_code == 404
    TakeOverInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = Client().post(link, {"email": "lou.own@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert Guardianship.objects.get(dependent=child).ended_at is None


def test_the_guardian_invites_now_and_the_dependents_own_inbox_gets_the_link(world, smtp, member_client) -> None:
    young = _child(world, "Sam Member")
    assert member_client.post(f"/me/dependents/{young.public_id}/invite").status_code == 400  # not yet 13
    child = _turning_13_today(world)
    page = member_client.get("/me/dependents/").content.decode()
    assert "Invite them now" in page
    answer = member_client.post(f"/me/dependents/{child.public_id}/invite", {"email": "lou.own@example.test"})
    assert answer.status_code == 302
    deliver_until_idle()
    (own,) = smtp.to("lou.own@example.test")
    assert "old enough to hold your own" in own.get_content()
    assert "An invitation was sent on" in member_client.get("/me/dependents/").content.decode()
    # A second invitation replaces the first: the older link is refused.
    old = _link_in(own.get_content())
    assert member_client.post(f"/me/dependents/{child.public_id}/invite").status_code == 302
    assert "newer link" in Client().get(old).content.decode()
    # Nobody else may invite or give up this child.
    stranger = Client()
    stranger.force_login(world.other_member)
    assert stranger.post(f"/me/dependents/{child.public_id}/invite").status_code == 404
    assert stranger.post(f"/me/dependents/{child.public_id}/give-up", {"confirm": "yes"}).status_code == 404
    assert Guardianship.objects.get(dependent=child).ended_at is None


def test_adult_wards_are_never_invited(world) -> None:
    import io

    add_dependent(
        actor=world.member,
        name="Sam Ward",
        date_of_birth=dt.date(1960, 1, 1),
        country="US",
        document=io.BytesIO(b"%PDF-1.4 court order"),
    )
    assert invite_of_age() == 0
