"""RIGHT-ACCOUNT on the desk: the member picks a period, cut to the look-back and told why; the
answer lists every disclosure the policy marks for accounting and none of the exempt ones; one free
per 12 months, then the policy's fee, shown before asking and accepted explicitly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.messaging.confidential import choose_contact
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.privacy.services import record_care_relationship
from indigomed.rights import accounting_fulfilment, accountings, office
from indigomed.rights.accountings import FeeNotAccepted
from indigomed.rights.models import Accounting, Request
from tests.privacy.conftest import DOCTOR, ask, court
from tests.rights.conftest import START, client_for

State = Request.State
DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=365)


def accounting(member, start: dt.date, until: dt.date, **extra) -> Request:
    request, _ = accountings.ask_for_accounting(
        actor=member,
        asked_from=start,
        asked_until=until,
        delivery=extra.pop("delivery", "electronic"),
        signed_name="Pat Example Member",
        consent=True,
        **extra,
    )
    return request


def fulfil(officer, request: Request) -> Request:
    office.start_review(officer=officer, public_id=request.public_id)
    return office.conclude(officer=officer, public_id=request.public_id, outcome=State.FULFILLED)


def listed(member, request: Request) -> list[dict]:
    document = accounting_fulfilment.download(actor=member, public_id=request.public_id, fmt="json")
    return json.loads(document.content)["disclosures"]


@pytest.fixture
def history(desk, clock):
    """The New York member's ledger: a court order a year ago, another three years ago, a treatment
    disclosure last month."""
    member = desk.new_york
    record_care_relationship(member_id=member.pk, recipient_refs=[DOCTOR.ref], source_ref="appointment:test")
    ask(member, court(member), "required_by_law", {"medical"}, ref="visit:recent", at=START - YEAR)
    ask(member, court(member, ("insurance",)), "required_by_law", {"insurance"}, ref="plan:old", at=START - 3 * YEAR)
    ask(member, DOCTOR, "treatment", {"medical"}, ref="visit:care", at=START - 30 * DAY)
    return member


def test_a_court_order_a_year_ago_and_one_three_years_ago_are_listed_for_a_us_member_a_treatment_never(
    desk, history
) -> None:
    """The issue's boundaries: HIPAA's six-year look-back beats the notice's two."""
    request = accounting(history, (START - 4 * YEAR).date(), START.date())
    assert request.due_at == START + 20 * DAY  # the notice's 20 days beat HIPAA's 60
    fulfil(desk.officer, request)
    rows = listed(history, request)
    assert [r["date"] for r in rows] == [
        (START - 3 * YEAR).astimezone(dt.timezone(dt.timedelta(hours=-5))).date().isoformat(),
        (START - YEAR).astimezone(dt.timezone(dt.timedelta(hours=-5))).date().isoformat(),
    ]
    assert all(r["recipient"] == "Superior Court, County of Example" for r in rows)
    assert rows[0]["why"].startswith("Required by law") and "164.512" in rows[0]["legal_basis"]
    assert rows[0]["categories"] == ["Insurance data"] and rows[1]["categories"] == ["Medical data"]
    assert not any("Treatment" in r["why"] for r in rows)


def test_a_disclosure_outside_the_period_the_member_picked_is_not_listed(desk, history) -> None:
    request = accounting(history, (START - 2 * YEAR).date(), START.date())
    fulfil(desk.officer, request)
    assert [r["why"] for r in listed(history, request)] == ["Required by law (court order, subpoena, legal process)"]


def test_a_period_longer_than_the_look_back_is_cut_to_it_and_the_member_told_why(desk, history, clock) -> None:
    offer = accountings.quote(actor=history, asked_from=(START - 10 * YEAR).date(), asked_until=START.date())
    assert offer.period.cut and offer.period.lookback_days == 2190
    assert offer.period.start == START - 2190 * DAY
    assert "reaches back 2190 days" in offer.cut_note and "the longer of what our notice promises" in offer.cut_note
    request = accounting(history, dt.date(1, 1, 1), START.date())
    record = Accounting.objects.get(request=request)
    assert (
        record.cut_to_lookback and record.period_start == START - 2190 * DAY and record.asked_from == dt.date(1, 1, 1)
    )
    page = client_for(history).get(f"/me/requests/{request.public_id}/")
    assert "reaches back 2190 days" in page.content.decode()


def test_a_french_member_reaches_back_six_years_too_and_every_accounting_is_free(desk, clock) -> None:
    """GDPR: no look-back limit (the policy holds what the ledger keeps) and no fee (art. 12(5))."""
    member = desk.paris
    first = accounting(member, (START - 10 * YEAR).date(), START.date())
    second = accounting(member, (START - YEAR).date(), START.date())
    assert Accounting.objects.get(request=first).lookback_days == 2190
    assert Accounting.objects.get(request=second).fee_cents == 0


def test_the_second_accounting_within_twelve_months_shows_the_fee_and_needs_it_accepted(desk, history, clock) -> None:
    accounting(history, (START - YEAR).date(), START.date())
    clock.advance(days=100)
    terms = accountings.terms(actor=history)
    assert terms.fee.due and terms.fee.cents == 1500 and terms.fee.currency == "USD"
    assert terms.fee.free_one_on == START.date()
    page = client_for(history).get("/me/requests/new/accounting/")
    assert "15.00 USD" in page.content.decode()
    with pytest.raises(FeeNotAccepted) as refused:
        accounting(history, (START - YEAR).date(), START.date())
    assert refused.value.details["field"] == "accept_fee" and refused.value.details["fee_cents"] == 1500
    assert Request.objects.filter(member=history).count() == 1
    paid = accounting(history, (START - YEAR).date(), START.date(), accept_fee=True)
    assert Accounting.objects.get(request=paid).fee_cents == 1500
    assert Accounting.objects.get(request=paid).fee_accepted
    # A year and a day after the free one, the next is free again.
    clock.advance(days=266)
    assert not accountings.terms(actor=history).fee.due


def test_the_second_free_one_through_the_page_is_refused_beside_the_box_and_nothing_is_stored(
    desk, history, clock
) -> None:
    accounting(history, (START - YEAR).date(), START.date())
    form = {
        "asked_from": (START - YEAR).date().isoformat(),
        "asked_until": START.date().isoformat(),
        "delivery": "electronic",
        "signed_name": "Pat Example Member",
        "consent": "on",
    }
    response = client_for(history).post("/me/requests/new/accounting/", form)
    assert response.status_code == 400
    assert "costs 15.00 USD" in response.content.decode()
    assert Request.objects.filter(member=history).count() == 1
    api = client_for(history).post(
        "/api/me/accountings",
        {**form, "consent": True, "delivery": "electronic"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "fee_not_accepted"
    assert Request.objects.filter(member=history).count() == 1


def test_a_denied_accounting_leaves_the_free_one_unused(desk, history, clock) -> None:
    first = accounting(history, (START - YEAR).date(), START.date())
    office.start_review(officer=desk.officer, public_id=first.public_id)
    office.conclude(
        officer=desk.officer,
        public_id=first.public_id,
        outcome=State.DENIED,
        reasons="The request names no period we can read.",
    )
    assert not accountings.terms(actor=history).fee.due


@pytest.mark.parametrize(
    ("start", "until", "message"),
    [
        (START.date(), (START - DAY).date(), "ends before it starts"),
        ((START - DAY).date(), (START + DAY).date(), "cannot end after today"),
        (dt.date(1, 1, 1), dt.date(1, 1, 2), "earliest day"),
        (dt.date(9999, 1, 1), dt.date(9999, 12, 31), "cannot end after today"),
    ],
)
def test_a_period_that_cannot_be_accounted_is_refused_and_nothing_is_stored(
    desk, history, start, until, message
) -> None:
    with pytest.raises(Invalid, match=message):
        accounting(history, start, until)
    assert not Request.objects.exists()


def test_downloads_are_pdf_csv_and_json_for_the_member_only_once_fulfilled(desk, history) -> None:
    request = accounting(history, (START - 4 * YEAR).date(), START.date())
    with pytest.raises(Conflict, match="not ready"):
        accounting_fulfilment.download(actor=history, public_id=request.public_id, fmt="pdf")
    fulfil(desk.officer, request)
    member = client_for(history)
    pdf = member.get(f"/me/requests/{request.public_id}/accounting.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert str(request.public_id) in pdf["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(member.get(f"/me/requests/{request.public_id}/accounting.csv").content.decode()))
    )
    assert rows[0] == ["date", "recipient", "what", "why", "legal basis"] and len(rows) == 3
    body = member.get(f"/api/me/requests/{request.public_id}/accounting.json").json()
    assert len(body["disclosures"]) == 2
    for outsider in (desk.paris, desk.officer):
        assert client_for(outsider).get(f"/me/requests/{request.public_id}/accounting.pdf").status_code in (403, 404)
        with pytest.raises(NotFound):
            accounting_fulfilment.download(actor=outsider, public_id=request.public_id, fmt="json")
    assert member.get(f"/me/requests/{request.public_id}/accounting.exe").status_code == 404


def test_on_paper_it_goes_as_a_letter_to_the_members_postal_address(desk, history, clock, settings, tmp_path) -> None:
    with pytest.raises(Invalid, match="postal address"):
        accounting(history, (START - YEAR).date(), START.date(), delivery="paper")
    choose_contact(actor=history, channels=["email", "letter"], postal_address="1 Example Road\nExample City, NY 10001")
    request = accounting(history, (START - 4 * YEAR).date(), START.date(), delivery="paper")
    fulfil(desk.officer, request)
    letter = Message.objects.get(member_id=history.pk, kind="request-accounting-letter")
    assert letter.about_ref == request.ref
    assert b"Superior Court" not in bytes(letter.context)  # sealed in the outbox like every message
    settings.MESSAGES_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_until_idle(worker="test", now=clock.now)
    letter.refresh_from_db()
    # Though the member's first way is e-mail, the accounting they asked for on paper goes by post.
    assert letter.status == "sent" and letter.channel == "letter"
    pdfs = list((tmp_path / "letters").glob("*.pdf"))
    record = json.loads(pdfs[0].with_suffix(".json").read_text())
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF-") and record["pages"] >= 1
