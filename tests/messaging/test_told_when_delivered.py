"""USE-7: a member is told of a transfer when the notice is delivered, not when it is written."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.office import announce_transfer
from indigomed.records.services import set_contact_preferences
from tests.conftest import address_of
from tests.privacy.conftest import ask, people  # noqa: F401 - the privacy office's personas


def test_nothing_moves_about_a_member_until_their_notice_is_delivered(people, smtp) -> None:  # noqa: F811
    """USE-7: written but undelivered (the SMTP server refuses) is not told; delivered is; a member
    whose notice is held (no allowed way) is never counted as told."""
    set_contact_preferences(member_id=people.ohio.pk, choice={"channels": ["letter"]})
    notice = announce_transfer(
        officer=people.officer,
        acquirer="Example Health Holdings",
        effective_on=timezone.localdate() + dt.timedelta(days=45),
        text="IndigoMed is joining Example Health Holdings.",
    )
    acquirer = Recipient.acquirer(notice.pk, notice.acquirer)
    smtp.refuse = -1
    deliver_until_idle(now=timezone.now())
    assert not ask(people.new_york, acquirer, "merger", {"contact"}).allowed
    smtp.refuse = 0
    retried = timezone.now() + dt.timedelta(minutes=5)
    deliver_until_idle(now=retried)
    assert address_of(people.new_york) in {m["To"] for m in smtp.received}
    after = retried + dt.timedelta(minutes=1)
    assert ask(people.new_york, acquirer, "merger", {"contact"}, at=after).allowed
    assert not ask(people.new_york, acquirer, "merger", {"contact"}, at=retried - dt.timedelta(minutes=1)).allowed
    assert not ask(people.ohio, acquirer, "merger", {"contact"}, at=after).allowed


def test_told_of_one_transfer_is_not_told_of_the_next(people, smtp) -> None:  # noqa: F811
    """USE-7: each announcement is its own notice; a member told of the first acquirer is not
    thereby told of a second until that notice too is delivered."""
    effective_on = timezone.localdate() + dt.timedelta(days=45)
    first = announce_transfer(
        officer=people.officer, acquirer="Example Health Holdings", effective_on=effective_on, text="First."
    )
    deliver_until_idle(now=timezone.now())
    second = announce_transfer(officer=people.officer, acquirer="Other Health", effective_on=effective_on, text="Next.")
    smtp.refuse = -1
    deliver_until_idle(now=timezone.now())
    later = timezone.now() + dt.timedelta(minutes=1)
    assert ask(people.new_york, Recipient.acquirer(first.pk, first.acquirer), "merger", {"contact"}, at=later).allowed
    told_second = ask(people.new_york, Recipient.acquirer(second.pk, second.acquirer), "merger", {"contact"}, at=later)
    assert not told_second.allowed


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
