"""LEDGER-1, SEC-2: a disclosure happens once; a look is an access. A practice refreshing its
calendar is one ledger entry per patient and category and one access-log row per look; the
member's page groups the looks; a changed item reaches the recipient anew and is ledgered anew."""

from __future__ import annotations

import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.privacy.decisions import Recipient
from indigomed.privacy.ledger_checks import verify
from indigomed.privacy.models import Disclosure
from indigomed.privacy.services import Item, disclose, record_care_relationship
from indigomed.records.services import update_contact, update_demographics
from indigomed.scheduling.services import book_appointment
from indigomed.security.models import AccessLogEntry
from tests.privacy.conftest import DOCTOR, ask
from tests.scheduling.helpers import open_slot

REFRESHES = 10


def calendar_rows(user, appointment) -> list[dict]:
    """The practice's calendar over the week from the appointment's day: both patients' first open
    times may fall on different days, depending on when the test runs."""
    client = Client()
    client.force_login(user)
    day = appointment.starts_at.date().isoformat()
    return client.get("/api/connect/calendar", {"day": day, "days": 7}).json()


@pytest.fixture
def two_patients(world):
    first = book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    second = book_appointment(
        actor=world.other_member,
        slot_id=open_slot(world.heart_role, index=1).pk,
        visit_reason="chest-pain",
        insurance_plan=None,
    )
    return first, second


def categories_ledgered(member_id: int, recipient_ref: str) -> Counter[str]:
    """How many ledger entries carried each category of this member to this recipient."""
    rows = Disclosure.objects.filter(member_id=member_id, recipient_ref=recipient_ref).values_list(
        "categories", flat=True
    )
    return Counter(category for categories in rows for category in categories.split(","))


def test_ten_refreshes_of_a_calendar_are_one_disclosure_per_patient_and_category_and_ten_looks(
    world, two_patients
) -> None:
    first, _ = two_patients
    doctor = f"practitioner:{world.heart_doctor.pk}"
    for _ in range(REFRESHES):
        rows = calendar_rows(world.doctor_user, first)
        assert {row["patient"] for row in rows} == {"Pat Member", "Other Member"}
    assert categories_ledgered(world.member.pk, doctor) == {"contact": 1, "medical": 1, "insurance": 1}
    assert categories_ledgered(world.other_member.pk, doctor) == {"contact": 1, "medical": 1}
    looks = Counter(
        AccessLogEntry.objects.filter(recipient_ref=doctor, allowed=True).values_list("member_id", "categories")
    )
    assert looks == {
        (world.member.pk, "contact"): REFRESHES,
        (world.member.pk, "medical"): REFRESHES,
        (world.member.pk, "insurance"): REFRESHES,
        (world.other_member.pk, "contact"): REFRESHES,
        (world.other_member.pk, "medical"): REFRESHES,
    }
    assert verify().ok


def test_the_members_page_shows_the_ten_looks_as_one_row_in_their_time_zone(world, two_patients) -> None:
    update_demographics(member_id=world.member.pk, region="CA")
    first, _ = two_patients
    for _ in range(REFRESHES):
        calendar_rows(world.doctor_user, first)
    last_look = AccessLogEntry.objects.filter(member_id=world.member.pk).latest("at").at
    member = Client()
    member.force_login(world.member)
    page = member.get("/me/privacy/").content.decode()
    table = page[page.index('id="who-saw"') : page.index("</table>", page.index('id="who-saw"'))]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", table, re.S) if "Dr. Ada Hart" in row]
    assert len(rows) == 1
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    assert cells[1:3] == ["Treatment", "Contact data, Insurance data, Medical data"]
    assert cells[5] == str(REFRESHES)
    local = timezone.localtime(last_look, timezone=ZoneInfo("America/Los_Angeles"))
    assert cells[4] == f"{local.day} {local:%b %Y, %H:%M}"
    assert "America/Los_Angeles" in page


def test_a_changed_item_reaches_the_recipient_again_and_so_does_another_purpose(world, two_patients) -> None:
    first, _ = two_patients
    doctor = f"practitioner:{world.heart_doctor.pk}"
    calendar_rows(world.doctor_user, first)
    calendar_rows(world.doctor_user, first)
    assert categories_ledgered(world.member.pk, doctor)["contact"] == 1
    update_contact(member_id=world.member.pk, phone=None, name="Pat Renamed")
    assert [r["patient"] for r in calendar_rows(world.doctor_user, first)].count("Pat Renamed") == 1
    calendar_rows(world.doctor_user, first)
    assert categories_ledgered(world.member.pk, doctor) == {"contact": 2, "medical": 1, "insurance": 1}


def test_one_item_is_ledgered_once_per_version_and_purpose_and_an_unreferenced_one_every_time(people) -> None:
    def look(version: str, purpose: str = "treatment", ref: str = "record:1") -> None:
        item = Item(people.new_york.pk, frozenset({"medical"}), frozenset(), ref, version)
        [decision] = disclose(actor_user_id=None, recipient=DOCTOR, purpose=purpose, items=[item])
        assert decision.allowed

    for _ in range(3):
        look("revision 1")
    assert Disclosure.objects.count() == 1
    look("revision 2")  # the record was amended
    assert Disclosure.objects.count() == 2
    look("revision 1", ref="record:2")
    assert Disclosure.objects.count() == 3
    look("", ref="")
    look("", ref="")
    assert Disclosure.objects.count() == 5
    assert AccessLogEntry.objects.count() == 7
    assert verify().ok


def test_the_members_page_is_paged_newest_first(people) -> None:
    doctors = [Recipient.practitioner(100 + n, f"Dr. Number {n:02}") for n in range(30)]
    record_care_relationship(
        member_id=people.new_york.pk, recipient_refs=[d.ref for d in doctors], source_ref="referral:test"
    )
    for doctor in doctors:
        ask(people.new_york, doctor, "treatment", {"contact"})
    member = Client()
    member.force_login(people.new_york)
    first = member.get("/me/privacy/").content.decode()
    second = member.get("/me/privacy/", {"seen": 2}).content.decode()
    assert re.findall(r"Dr\. Number (\d\d)", first) == [f"{n:02}" for n in range(29, 4, -1)]
    # Reading the page is a look of the member's own, now the newest row: the oldest doctor moves over.
    assert re.findall(r"Dr\. Number (\d\d)", second) == [f"{n:02}" for n in range(5, -1, -1)]
    assert "Page 2 of 2" in second
