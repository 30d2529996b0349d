"""CHILD-3: a dependent's messages reach their guardian, the guardian's way; after take-over, the dependent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Guardianship, Member
from indigomed.messaging.confidential import choose_contact
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AccessLogEntry
from tests.conftest import address_of
from tests.scheduling.helpers import open_slot


def _child(world, name: str = "Lou Member"):
    today = timezone.localdate()
    child = add_dependent(
        actor=world.member, name=name, date_of_birth=dt.date(today.year - 7, 3, 1), country="US"
    ).dependent
    child.acting_user_id = world.member.pk
    return child


def _book(world, child):
    return book_appointment(
        actor=child,
        slot_id=open_slot(world.heart_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="",
    )


def test_a_dependents_reminder_reaches_the_guardians_inbox_and_not_the_sealed_address(world, smtp) -> None:
    child = _child(world)
    visit = _book(world, child)
    deliver_until_idle(now=visit.starts_at - dt.timedelta(hours=48))
    to_guardian = smtp.to(address_of(world.member))
    assert len(to_guardian) == 2  # the confirmation and the reminder
    assert [m for m in smtp.received if "sealed.invalid" in str(m["To"])] == []
    for message in to_guardian:
        assert "Lou" not in str(message["Subject"]) and "Member" not in str(message["Subject"])
        body = message.get_content()
        assert "This message is about Lou, whose guardian you are." in body
        assert "Lou Member" not in body  # the first name only
    # The dependent's access log says their guardian was written to, not "you".
    labels = set(
        AccessLogEntry.objects.filter(member_id=child.pk, rule__startswith="message:").values_list(
            "recipient_label", flat=True
        )
    )
    assert labels == {"Your guardian, by e-mail"}


def test_the_guardians_confidential_address_is_followed(world, smtp) -> None:
    """The guardian asked to be written to at another address: the dependent's confirmation goes there."""
    choose_contact(actor=world.member, channels=["email"], email="parent.private@example.test")
    child = _child(world)
    _book(world, child)
    deliver_until_idle()
    assert [m["To"] for m in smtp.received] == ["parent.private@example.test"]


def test_a_french_guardian_is_told_in_french(world, smtp) -> None:
    Member.objects.filter(user=world.member).update(language="fr")
    child = _child(world, "Zoé Martin")
    _book(world, child)
    deliver_until_idle()
    (message,) = smtp.to(address_of(world.member))
    assert "Ce message concerne Zoé, dont vous êtes le tuteur ou la tutrice." in message.get_content()


def test_once_the_guardianship_ends_the_guardian_is_no_longer_written_to(world, smtp) -> None:
    child = _child(world)
    Guardianship.objects.filter(dependent=child).update(ended_at=timezone.now())
    _book(world, child)
    deliver_until_idle()
    assert smtp.received == []
    # Nobody took the account over, so it has no address of its own: the message waits for the office.
    assert Message.objects.get(member_id=child.pk, kind="booking-confirmation").status == "held"
