"""SEC-3: a breach recorded by the privacy office finds whom it affected, starts the clocks the law
starts for where each of them lives, tells them in their language the way they chose, and keeps
the proof."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import Member
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.messaging.rendering import render
from indigomed.privacy.breaches import clocks, proof, record_incident, tell_members
from indigomed.privacy.services import Item, disclose
from indigomed.security.models import AuditEvent, Incident
from tests.conftest import make_user
from tests.messaging.conftest import smtp  # noqa: F401 - a real SMTP server in the test
from tests.privacy.conftest import DOCTOR, people  # noqa: F401 - the privacy office's personas

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def crowd(count: int, country: str, region: str) -> None:
    """Members living somewhere, made in bulk (each still with their own sealed residence)."""
    for n in range(count):
        make_user(f"{country.lower()}{region.lower()}{n}@example.test", member=True, country=country, region=region)


def whole_platform(officer, **changes):
    """The platform's stores, read by an outsider until now; found an hour ago. Members are made
    before it ends, so all of them are affected."""
    now = timezone.now()
    fields = {
        "officer": officer,
        "summary_en": "A copy of the appointments database was readable by an outside party.",
        "summary_fr": "Une copie de la base des rendez-vous était lisible par un tiers.",
        "systems": "appointments database backup",
        "categories": ["contact", "medical"],
        "occurred_from": now - 10 * D,
        "occurred_until": now,
        "discovered_at": now - H,
        "scope": "platform",
        "now": now,
    }
    return record_incident(**(fields | changes))


def by_audience(found):
    return {c.audience: c for c in clocks(found, now=found.occurred_until)}


@pytest.fixture
def six_hundred(db, people):  # noqa: F811
    # With the personas: 521 in Florida, 41 in Ohio, 41 in France (plus one in New York).
    crowd(520, "US", "FL")
    crowd(40, "US", "OH")
    crowd(40, "FR", "")
    return people


def test_a_breach_over_600_members_starts_the_right_clock_for_each_place(six_hundred) -> None:
    """Florida: members within 30 days and its Department of Legal Affairs (500 or more
    Floridians); the media of Florida (more than 500 there); HHS at once (500 or more in the US);
    Ohio and New York: members within 60 days; France: the CNIL within 72 hours, members without
    undue delay."""
    found = whole_platform(six_hundred.officer)
    assert found.affected.count() == 604
    clock = by_audience(found)
    assert clock["Each affected member under Florida law"].due_at == found.discovered_at + 30 * D
    assert clock["Each affected member under Florida law"].people == 521
    assert clock["Each affected member under Ohio law"].due_at == found.discovered_at + 60 * D
    assert clock["Each affected member under US federal law"].people == 1
    assert clock["Each affected member under French and EU law"].due_at is None
    assert clock["The CNIL"].due_at == found.discovered_at + 72 * H and clock["The CNIL"].people == 41
    assert clock["The Florida Department of Legal Affairs"].due_at == found.discovered_at + 30 * D
    assert clock["Prominent media outlets serving the state (US-FL)"].people == 521
    assert "Prominent media outlets serving the state (US-OH)" not in clock, "41 Ohioans are not more than 500"
    assert clock["The Secretary of Health and Human Services"].people == 563
    assert not any("yearly log" in audience for audience in clock)
    soonest = clocks(found, now=found.occurred_until)[0]
    assert soonest.audience == "The CNIL"


def test_a_small_breach_goes_to_the_yearly_log_and_no_state_authority(people) -> None:  # noqa: F811
    found = whole_platform(people.officer)
    clock = by_audience(found)
    assert (
        clock["The Secretary of Health and Human Services (yearly log)"].due_at
        == dt.datetime(found.discovered_at.year + 1, 1, 1, tzinfo=dt.UTC) + 60 * D
    )
    assert (
        "The Florida Department of Legal Affairs" not in clock
        and "The Secretary of Health and Human Services" not in clock
    )


def test_members_are_told_once_in_their_language_and_told_means_delivered(people, smtp) -> None:  # noqa: F811
    Member.objects.filter(user=people.paris).update(language="fr")
    found = whole_platform(people.officer)
    assert tell_members(officer=people.officer, public_id=str(found.public_id)) == 4
    with pytest.raises(Invalid):
        tell_members(officer=people.officer, public_id=str(found.public_id))
    assert Message.objects.filter(kind="breach-notice").count() == 4
    assert by_audience(found)["Each affected member under Florida law"].done_at is None, "queued is not told"
    deliver_until_idle(now=found.occurred_until + H)
    french = [m for m in smtp.received if "Une copie de la base" in m.get_content()]
    english = [m for m in smtp.received if "A copy of the appointments" in m.get_content()]
    assert len(french) == 1 and len(english) == 3
    assert "information importante concernant vos données" in french[0]["Subject"]
    assert by_audience(found)["Each affected member under Florida law"].done_at is not None
    assert all(t.delivery and t.delivery.delivered_at for t in proof(found))
    assert (
        AuditEvent.objects.filter(action="incident.members_told", subject_ref=f"incident:{found.public_id}").count()
        == 1
    )


def test_a_recipients_leak_affects_only_the_members_disclosed_to_it_in_those_categories(people) -> None:  # noqa: F811
    disclose(
        actor_user_id=None,
        recipient=DOCTOR,
        purpose="treatment",
        items=[Item(people.florida.pk, frozenset({"medical"}), frozenset(), "appointment:1")],
    )
    disclose(
        actor_user_id=None,
        recipient=DOCTOR,
        purpose="treatment",
        items=[Item(people.ohio.pk, frozenset({"insurance"}), frozenset(), "appointment:2")],
    )
    found = whole_platform(people.officer, scope="recipient", recipient_ref=DOCTOR.ref, categories=["medical"])
    assert list(found.affected.values_list("member_id", flat=True)) == [people.florida.pk]
    with pytest.raises(Invalid) as unknown:
        whole_platform(people.officer, scope="recipient", recipient_ref="practitioner:nobody")
    assert unknown.value.details["field"] == "recipient_ref"


LATER, EARLIER = timezone.now() + D, timezone.now() - 30 * D


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discovered_at": LATER}, "discovered_at"),
        ({"occurred_until": EARLIER}, "occurred_until"),
        ({"occurred_until": LATER}, "occurred_until"),
        ({"discovered_at": EARLIER}, "discovered_at"),
        ({"categories": ["secrets"]}, "categories"),
        ({"summary_fr": " "}, "summary_fr"),
        ({"summary_en": "x" * 2001}, "summary_en"),
        ({"scope": "account", "account_email": "nobody@example.test"}, "account_email"),
    ],
)
def test_an_impossible_incident_is_refused_and_nothing_is_recorded(people, changes, field) -> None:  # noqa: F811
    with pytest.raises(Invalid) as refused:
        whole_platform(people.officer, **changes)
    assert refused.value.details["field"] == field
    assert not Incident.objects.exists() and not AuditEvent.objects.filter(action="incident.recorded").exists()


def test_only_the_privacy_office_handles_breaches(people) -> None:  # noqa: F811
    with pytest.raises(NotFound):
        whole_platform(people.florida)
    found = whole_platform(people.officer)
    member = Client()
    member.force_login(people.florida)
    for page in (
        "/office/incidents/",
        f"/office/incidents/{found.public_id}/",
        f"/office/incidents/{found.public_id}/proof.pdf",
    ):
        assert member.get(page).status_code == 403
    assert member.post(f"/office/incidents/{found.public_id}/tell").status_code == 403
    assert not Message.objects.exists()


def test_the_office_records_an_incident_watches_its_clocks_reports_it_and_exports_the_proof(people, smtp) -> None:  # noqa: F811
    from pypdf import PdfReader

    office = Client()
    office.force_login(people.officer)
    now = timezone.now()
    local = "%Y-%m-%dT%H:%M"
    # The form takes minutes; the members had joined well before the incident.
    get_user_model().objects.update(date_joined=now - 30 * D)
    form = {
        "summary_en": "A laptop holding an export of contact details was stolen.",
        "summary_fr": "Un ordinateur portable contenant un export de coordonnées a été volé.",
        "systems": "support laptop",
        "categories": ["contact"],
        "occurred_from": f"{now - 10 * D:{local}}",
        "occurred_until": f"{now:{local}}",
        "discovered_at": f"{now - 4 * D:{local}}",
        "scope": "platform",
    }
    created = office.post("/office/incidents/", form)
    assert created.status_code == 302
    found = Incident.objects.get()
    page = office.get(created["Location"]).content.decode()
    assert "The CNIL" in page and "overdue by" in page and "Tell the 4 affected members" in page
    assert office.post(f"/office/incidents/{found.public_id}/tell").status_code == 302
    deliver_until_idle()
    refused = office.post(
        f"/office/incidents/{found.public_id}/report",
        {"audience": "Someone else", "reported_at": f"{now - 3 * D:{local}}", "reference": "X"},
    )
    assert refused.status_code == 400
    reported = office.post(
        f"/office/incidents/{found.public_id}/report",
        {"audience": "The CNIL", "reported_at": f"{now - 3 * D:{local}}", "reference": "CNIL-2026-0042"},
    )
    assert reported.status_code == 302
    assert by_audience(found)["The CNIL"].done_at == (now - 3 * D).replace(second=0, microsecond=0)
    pdf = office.get(f"/office/incidents/{found.public_id}/proof.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "CNIL-2026-0042" in text and "Un ordinateur portable" in text and text.count("#") == 4
    assert "@example.test" not in text, "the proof names members by reference only"

    bad = office.post("/office/incidents/", form | {"discovered_at": "9999-12-31T23:59"})
    assert bad.status_code == 400 and Incident.objects.count() == 1
    ancient = office.post("/office/incidents/", form | {"occurred_from": "0001-01-01T00:00"})
    assert ancient.status_code == 400 and Incident.objects.count() == 1


def test_a_breach_notice_names_no_care_and_exists_in_both_languages() -> None:
    context = {"summary_en": "E.", "summary_fr": "F.", "effective_on": "2026-03-02"}
    english = render(kind="breach-notice", language="en", context=context)
    french = render(kind="breach-notice", language="fr", context=context)
    assert "E." in english.body and "F." in french.body and "2 mars 2026" in french.body
    assert english.subject == "IndigoMed: important notice about your information"
    assert french.subject == "IndigoMed : information importante concernant vos données"
