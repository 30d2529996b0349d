"""Invariant 2c for what messaging lets people change: the ways a member is written to, their
language, marketing sent and stopped, a stuck message sent again; each leaves one audit event
that says which ways, never where, and a change that changes nothing records nothing."""

from __future__ import annotations

from indigomed.accounts.services import choose_language
from indigomed.messaging.confidential import choose_contact
from indigomed.messaging.models import Message
from indigomed.messaging.rights import opt_out_of_marketing, retry_message
from indigomed.privacy.marketing import INDIGOMED, send_marketing_message
from indigomed.security.models import AuditEvent
from tests.privacy.conftest import people  # noqa: F401 - the privacy office's personas
from tests.privacy.test_decision_point import authorize

HOME = "Pat Member\n12 Elm Street, Apt 4\nBrooklyn NY 11201\nUSA"


def events() -> list[tuple[str, int | None, int | None]]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", "actor_user_id", "member_id"))


def test_each_messaging_change_is_one_event_with_its_actor_and_no_address(people, smtp) -> None:  # noqa: F811
    member, officer = people.new_york, people.officer
    choose_contact(actor=member, channels=["letter", "sms"], postal_address=HOME, phone="+1 212 555 0100")
    choose_language(actor=member, language="fr")
    choose_language(actor=member, language="fr")  # the same again: nothing changes
    authorize(member, INDIGOMED, ["marketing"], ["contact"])
    before = AuditEvent.objects.count()
    assert send_marketing_message(officer=officer, subject="IndigoMed: news", body="News.") == 1
    marketing = Message.objects.get(kind="marketing")
    assert opt_out_of_marketing(message_public_id=str(marketing.public_id))
    assert opt_out_of_marketing(message_public_id=str(marketing.public_id))  # twice: one event
    Message.objects.filter(pk=marketing.pk).update(status=Message.Status.DEAD, last_error="550")
    retry_message(officer=officer, public_id=str(marketing.public_id))

    assert [e for e in events() if e[0] != "authorization.signed"] == [
        ("contact.chosen", member.pk, member.pk),
        ("language.chosen", member.pk, member.pk),
        ("marketing.sent", officer.pk, None),
        ("marketing.opted_out", None, member.pk),  # through the message's link, without signing in
        ("message.retried", officer.pk, member.pk),
    ]
    assert AuditEvent.objects.count() == before + 3
    chosen = AuditEvent.objects.get(action="contact.chosen")
    # Which kinds were sent a code to check, never the number.
    assert chosen.details == {
        "channels": ["letter", "sms"],
        "reminders": True,
        "minimal": False,
        "codes_sent": ["phone"],
    }
    text = " ".join(str(row) for row in AuditEvent.objects.values_list()).lower()
    for personal in ("elm street", "brooklyn", "555 0100", "2125550100", "news"):
        assert personal not in text, personal
