"""USE-7: a member is told of a transfer when the notice is delivered, not when it is written."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.messaging.outbox import deliver_until_idle
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.office import announce_transfer
from indigomed.records.services import set_contact_preferences
from tests.conftest import address_of
from tests.privacy.conftest import ask, people  # noqa: F401 - the privacy office's personas

ACQUIRER = Recipient("organization", "organization:acquirer", "Example Health Holdings")


def test_nothing_moves_about_a_member_until_their_notice_is_delivered(people, smtp) -> None:  # noqa: F811
    """USE-7: written but undelivered (the SMTP server refuses) is not told; delivered is; a member
    whose notice is held (no allowed way) is never counted as told."""
    set_contact_preferences(member_id=people.ohio.pk, choice={"channels": ["letter"]})
    announce_transfer(
        officer=people.officer,
        acquirer="Example Health Holdings",
        effective_on=timezone.localdate() + dt.timedelta(days=45),
        text="IndigoMed is joining Example Health Holdings.",
    )
    smtp.refuse = -1
    deliver_until_idle(now=timezone.now())
    assert not ask(people.new_york, ACQUIRER, "merger", {"contact"}).allowed
    smtp.refuse = 0
    retried = timezone.now() + dt.timedelta(minutes=5)
    deliver_until_idle(now=retried)
    assert address_of(people.new_york) in {m["To"] for m in smtp.received}
    after = retried + dt.timedelta(minutes=1)
    assert ask(people.new_york, ACQUIRER, "merger", {"contact"}, at=after).allowed
    assert not ask(people.new_york, ACQUIRER, "merger", {"contact"}, at=retried - dt.timedelta(minutes=1)).allowed
    assert not ask(people.ohio, ACQUIRER, "merger", {"contact"}, at=after).allowed


def test_a_french_member_reads_the_transfer_notice_in_french(people, smtp) -> None:  # noqa: F811
    """MSG-1, USE-7: the announcement follows each member's language; the acquirer's name stays
    out of the subject."""
    from indigomed.accounts.services import choose_language

    choose_language(actor=people.paris, language="fr")
    announce_transfer(
        officer=people.officer,
        acquirer="Example Health Holdings",
        effective_on=dt.date(2031, 3, 1),
        text="IndigoMed rejoint Example Health Holdings.",
    )
    deliver_until_idle(now=timezone.now())
    [french] = smtp.to(address_of(people.paris))
    assert french["Subject"] == "IndigoMed : un avis important concernant vos informations"
    assert "prend effet le 1 mars 2031" in french.get_content()
    [english] = smtp.to(address_of(people.new_york))
    assert "takes effect on 1 March 2031" in english.get_content()
