"""USE-7: before a merger transfer, members are notified; nothing moves about a member not yet told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from indigomed.errors import Invalid
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.office import announce_transfer
from tests.conftest import address_of
from tests.privacy.conftest import ask


def test_nothing_transfers_about_a_member_before_they_are_told(people, django_capture_on_commit_callbacks) -> None:
    unannounced = Recipient.acquirer(1, "Example Health Holdings")
    decision = ask(people.new_york, unannounced, "merger", {"contact", "medical"})
    assert not decision.allowed and decision.rule == "transfer-not-announced"
    with django_capture_on_commit_callbacks(execute=True):
        notice = announce_transfer(
            officer=people.officer,
            acquirer="Example Health Holdings",
            effective_on=timezone.localdate() + dt.timedelta(days=45),
            text="IndigoMed is joining Example Health Holdings; your information will move with your account.",
        )
    told = {address for message in mail.outbox for address in message.to}
    assert {address_of(p) for p in (people.new_york, people.ohio, people.florida, people.paris)} <= told
    assert all("Example Health" not in message.subject for message in mail.outbox)
    acquirer = Recipient.acquirer(notice.pk, notice.acquirer)
    assert ask(people.new_york, acquirer, "merger", {"contact", "medical"}).allowed
    # Telling comes first: a disclosure dated before the announcement is still refused.
    before = timezone.now() - dt.timedelta(days=1)
    assert not ask(people.new_york, acquirer, "merger", {"contact"}, at=before).allowed
    # Only the acquirer the members were told of: not another organization calling itself one.
    other = Recipient.organization("acquirer", "Example Health Holdings")
    assert ask(people.new_york, other, "merger", {"contact"}).rule == "recipient-not-allowed:organization@merger"


def test_a_transfer_is_announced_before_it_takes_effect(people) -> None:
    with pytest.raises(Invalid, match="before it takes effect"):
        announce_transfer(officer=people.officer, acquirer="X", effective_on=timezone.localdate(), text="Notice")
