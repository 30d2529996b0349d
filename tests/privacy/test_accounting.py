"""The accounting engine: what an accounting lists, over which period (RIGHT-ACCOUNT, LAW.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.privacy.queries import accounting_for, accounting_window
from tests.privacy.conftest import DOCTOR, RESEARCHERS, ask, court

# Module-level "now" is only for dates far from it: a slow run must not push recent entries past the end.
NOW = timezone.now()
EVER = NOW - dt.timedelta(days=365 * 20)


def test_a_court_ordered_disclosure_appears_a_treatment_one_does_not_one_from_seven_years_ago_does_not(people) -> None:
    member = people.new_york
    ask(member, court(member), "required_by_law", {"medical"}, ref="visit:recent")
    ask(member, DOCTOR, "treatment", {"medical"}, ref="visit:care")
    ask(member, court(member), "required_by_law", {"medical"}, ref="visit:old", at=NOW - dt.timedelta(days=365 * 7))
    listed = list(accounting_for(member.pk, EVER, timezone.now()).values_list("subject_refs", flat=True))
    assert listed == ["visit:recent"]


def test_the_look_back_is_the_longer_of_the_notices_two_years_and_hipaas_six(people) -> None:
    member = people.new_york
    ask(
        member,
        court(member),
        "required_by_law",
        {"medical"},
        ref="visit:five-years",
        at=NOW - dt.timedelta(days=365 * 5),
    )
    listed = list(accounting_for(member.pk, EVER, NOW).values_list("subject_refs", flat=True))
    assert listed == ["visit:five-years"]
    start, _ = accounting_window(member.pk, EVER, NOW)
    assert (NOW - start).days in (2189, 2190)


def test_the_member_picks_the_period(people) -> None:
    member = people.new_york
    ask(member, court(member), "required_by_law", {"medical"}, ref="visit:a", at=NOW - dt.timedelta(days=100))
    ask(member, court(member), "required_by_law", {"medical"}, ref="visit:b", at=NOW - dt.timedelta(days=10))
    listed = accounting_for(member.pk, NOW - dt.timedelta(days=30), NOW).values_list("subject_refs", flat=True)
    assert list(listed) == ["visit:b"]


def test_authorized_disclosures_are_not_listed(people) -> None:
    from tests.privacy.test_decision_point import authorize

    member = people.new_york
    recipient = RESEARCHERS
    authorize(member, recipient, ["research"], ["medical"])
    assert ask(member, recipient, "research", {"medical"}, ref="study:1").allowed
    assert not accounting_for(member.pk, EVER, timezone.now()).exists()


def test_a_member_in_france_gets_the_whole_retention(people) -> None:
    """GDPR art. 15 sets no look-back: a member in France reaches all the ledger keeps (the policy's
    2190 days), not the notice's two years; a period asked inside it is left as asked."""
    before = timezone.now()
    start, end = accounting_window(people.paris.pk, EVER, NOW)
    after = timezone.now()
    assert before - dt.timedelta(days=2190) <= start <= after - dt.timedelta(days=2190)
    assert end == NOW
    recent = NOW - dt.timedelta(days=100)
    assert accounting_window(people.paris.pk, recent, NOW) == (recent, NOW)
