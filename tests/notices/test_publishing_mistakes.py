"""NOTICE-1: the office's slips do not publish anything: pressing "Publish" twice publishes one
version, and an effective date typed years off (year 9999, year 1) is refused before it can lock
every later version out (each must be effective on or after the one before)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.errors import Conflict, Invalid
from indigomed.notices.models import NoticeAnnouncement, NoticeVersion
from indigomed.security.models import AuditEvent
from tests.notices.conftest import publish

pytestmark = pytest.mark.django_db

FORM = {
    "effective_on": "2026-03-01",
    "body_en": "Within {{ policy.accounting_answer_days }} days.",
    "body_fr": "Sous {{ policy.accounting_answer_days }} jours.",
    "changes_en": "Shorter.",
    "changes_fr": "Plus court.",
    "action": "publish",
}


def test_pressing_publish_twice_publishes_one_version_and_says_so(officer) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    office = Client()
    office.force_login(officer)
    first = office.post("/office/notices/privacy/new", FORM)
    assert first.status_code == 302
    again = office.post("/office/notices/privacy/new", FORM)
    assert again.status_code == 409
    assert "already published as version 2" in again.content.decode()
    assert list(NoticeVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert AuditEvent.objects.filter(action="notice.published").count() == 2
    assert NoticeAnnouncement.objects.count() == 1, "members are told of version 2 once"


def test_the_same_text_with_a_new_date_or_summary_is_still_a_new_version(officer) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    publish(officer, on=dt.date(2026, 2, 1))
    with pytest.raises(Conflict):
        publish(officer, on=dt.date(2026, 2, 1))
    publish(officer, on=dt.date(2026, 2, 1), changes_en="Clarified.", changes_fr="Précisé.")
    assert NoticeVersion.objects.count() == 3


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_an_effective_date_years_off_is_refused_and_the_next_real_version_still_publishes(officer, typed) -> None:
    office = Client()
    office.force_login(officer)
    refused = office.post("/office/notices/privacy/new", FORM | {"effective_on": typed})
    assert refused.status_code == 400
    assert "Check the year" in refused.content.decode()
    assert not NoticeVersion.objects.exists()
    assert office.post("/office/notices/privacy/new", FORM).status_code == 302


def test_a_date_within_the_coming_year_is_accepted(officer) -> None:
    soon = timezone.localdate() + dt.timedelta(days=300)
    assert publish(officer, on=soon).effective_on == soon
    with pytest.raises(Invalid) as refused:
        publish(officer, on=timezone.localdate() + dt.timedelta(days=400))
    assert refused.value.details["field"] == "effective_on"
