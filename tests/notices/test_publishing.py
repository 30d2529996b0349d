"""NOTICE-1: the operator publishes versions; each stays readable at its own address, and bad
input is refused with nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client

from indigomed.errors import Forbidden, Invalid
from indigomed.notices.models import NoticeAnnouncement, NoticeVersion
from indigomed.security.models import AuditEvent
from tests.notices.conftest import publish

pytestmark = pytest.mark.django_db


def test_each_version_stays_readable_at_its_own_address_and_the_newest_is_current(officer) -> None:
    """NOTICE-1: every past version stays readable; publishing makes a version current."""
    publish(
        officer, on=dt.date(2026, 1, 1), body_en="First text, answered in {{ policy.accounting_answer_days }} days."
    )
    publish(officer, on=dt.date(2026, 6, 1), body_en="Second text.")
    visitor = Client()
    current = visitor.get("/privacy/").content.decode()
    assert "Second text." in current and "Effective 1 June 2026" in current
    first = visitor.get("/privacy/v/1/").content.decode()
    assert "First text, answered in 20 days." in first  # the policy's number, filled in
    assert "a past version, kept for the record" in first
    assert visitor.get("/privacy/v/3/").status_code == 404
    assert "DEMO-0000-0000" in current  # the data-protection registration number [M]


def test_the_notice_is_shown_in_the_readers_language_and_markdown_stays_safe(officer) -> None:
    publish(
        officer, body_en="Hello <script>alert(1)</script> [bad](javascript:alert(1)) [map](https://maps.example.test/)"
    )
    page = Client().get("/privacy/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert 'href="https://maps.example.test/" rel="noopener noreferrer"' in page
    french = Client().get("/privacy/?lang=fr").content.decode()
    assert "Nous répondons sous 20 jours." in french


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_on": dt.date(2025, 12, 31)}, "effective_on"),
        ({"effective_on": None}, "effective_on"),
        ({"body_fr": "  "}, "body_fr"),
        ({"body_en": ""}, "body_en"),
        ({"changes_fr": ""}, "changes_fr"),
        ({"body_en": "Within {{ policy.no_such_number }} days"}, "body_en"),
    ],
)
def test_a_version_with_an_earlier_date_or_a_missing_language_is_refused_and_nothing_is_stored(
    officer, changes, field
) -> None:
    publish(officer, on=dt.date(2026, 1, 1))
    events = AuditEvent.objects.count()
    values = {"on": changes.pop("effective_on", dt.date(2026, 2, 1)), **changes}
    with pytest.raises(Invalid) as refused:
        publish(officer, **values)
    assert refused.value.details["field"] == field
    assert NoticeVersion.objects.count() == 1 and AuditEvent.objects.count() == events
    assert not NoticeAnnouncement.objects.exists()


def test_only_the_privacy_office_publishes(world, officer) -> None:
    with pytest.raises(Forbidden):
        publish(world.member)
    assert Client().get("/office/notices/").status_code == 302
    member = Client()
    member.force_login(world.member)
    assert member.get("/office/notices/").status_code == 403
    assert member.post("/office/notices/privacy/new", {"effective_on": "2026-01-01"}).status_code == 403
    assert not NoticeVersion.objects.exists()


def test_a_published_version_cannot_be_edited_or_deleted_even_bypassing_the_code(officer) -> None:
    """NOTICE-1: an edit is refused by the database itself; publish a new version instead."""
    version = publish(officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeVersion.objects.filter(pk=version.pk).update(body_en="Rewritten quietly.")
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeVersion.objects.filter(pk=version.pk).delete()
    assert NoticeVersion.objects.get().body_en == version.body_en


def test_the_office_publishes_through_its_page_with_a_preview_and_clear_errors(officer) -> None:
    office = Client()
    office.force_login(officer)
    form = {
        "effective_on": "2026-03-01",
        "body_en": "Within 25 days.",
        "body_fr": "Sous {{ policy.accounting_answer_days }} jours.",
    }
    preview = office.post("/office/notices/privacy/new", {**form, "action": "preview"}).content.decode()
    assert "differ from the policy file" in preview and "Within 25 days" in preview
    assert not NoticeVersion.objects.exists()
    missing = office.post("/office/notices/privacy/new", {**form, "body_fr": "", "action": "publish"})
    assert missing.status_code == 400 and "Write the text in French." in missing.content.decode()
    done = office.post("/office/notices/privacy/new", {**form, "action": "publish"})
    assert done.status_code == 302 and NoticeVersion.objects.get().number == 1
    earlier = office.post("/office/notices/privacy/new", {**form, "effective_on": "2026-01-01", "action": "publish"})
    assert earlier.status_code == 400 and "before the previous version" in earlier.content.decode()
    assert office.get("/office/notices/").status_code == 200
    assert office.get("/office/notices/nonsense/new").status_code == 404


def test_check_notice_reports_a_number_the_policy_does_not_hold(officer, capsys) -> None:
    """NOTICE-1: page and enforcement cannot disagree; a typed number that differs is reported."""
    publish(officer, body_en="We answer within {{ policy.accounting_answer_days }} days, for 2 years back.")
    call_command("check_notice")
    assert "states no number the policy file does not hold" in capsys.readouterr().out
    publish(officer, on=dt.date(2026, 2, 1), body_fr="Nous répondons sous 25 jours, dès 16 ans.")
    with pytest.raises(CommandError):
        call_command("check_notice")
    out = capsys.readouterr().out
    assert "'25 jours'" in out and "'16 ans'" in out and "(fr)" in out


def test_a_text_asked_for_in_french_comes_with_its_page_in_french(officer) -> None:
    publish(officer, on=dt.date(2026, 3, 1))
    page = Client().get("/privacy/v/1/?lang=fr").content.decode()
    assert "En vigueur le 1 mars 2026" in page and "Nous répondons sous 20 jours." in page
    assert "Read in English" in page


def test_odd_addresses_and_values_get_a_clear_answer_never_an_error(world, officer) -> None:
    publish(officer)
    member = Client()
    member.force_login(world.member)
    huge = "9" * 30
    for path in (f"/privacy/v/{huge}/", f"/terms/v/{huge}.pdf", "/privacy/v/0/", "/terms/", "/privacy/v/1.pdf?lang=xx"):
        assert member.get(path).status_code in (200, 404), path
    assert member.post("/privacy/paper/", {"kind": "privacy", "number": huge}).status_code == 400
    assert member.post("/privacy/paper/", {"kind": "privacy", "number": "²"}).status_code == 400
    assert member.post("/privacy/paper/", {"kind": "privacy", "number": "2"}).status_code == 404
    assert member.post("/privacy/changes/", {"action": "acknowledge", "number": huge}).status_code == 404
    assert member.post("/privacy/changes/", {"action": "acknowledge", "number": "²"}).status_code == 404
    # The address comes back only inside this page's own path (the language switch returns here), never
    # as a place the page sends the member.
    page = member.get("/privacy/changes/?next=https://evil.example/").content.decode()
    assert 'href="https://evil.example' not in page and 'value="https://evil.example' not in page
