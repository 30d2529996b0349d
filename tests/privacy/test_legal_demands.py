"""LEGAL-1: a court order or subpoena is recorded with its document; what is released under it is
a ledger entry that the member's accounting lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import (
    DEMAND_ISSUER_MAX,
    DEMAND_REFERENCE_MAX,
    open_legal_demand_document,
    record_legal_demand,
    release_under_legal_demand,
)
from indigomed.privacy.queries import accounting_for
from indigomed.security.models import AccessLogEntry, LegalDemand
from tests.conftest import address_of


@pytest.fixture
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def order_document() -> SimpleUploadedFile:
    return SimpleUploadedFile("order.pdf", b"%PDF-1.4 synthetic court order", content_type="application/pdf")


def recorded_demand(people, kind: str = "court_order") -> LegalDemand:
    return record_legal_demand(
        officer=people.officer,
        member_id=people.new_york.pk,
        kind=kind,
        reference="2026-CV-0113",
        issued_by="Superior Court of Example County",
        categories=["medical"],
        document=order_document(),
    )


def test_a_court_order_is_recorded_with_its_document_and_its_release_is_accounted(people, private_files) -> None:
    demand = recorded_demand(people)
    stored = LegalDemand.objects.get()
    assert str(private_files) in stored.document.path
    assert b"court order" not in stored.document.read(), "the file on disk is sealed"
    document = open_legal_demand_document(officer=people.officer, demand_public_id=str(demand.public_id))
    assert (document.content, document.content_type) == (b"%PDF-1.4 synthetic court order", "application/pdf")
    assert document.filename.endswith(".pdf")
    [decision] = release_under_legal_demand(
        officer=people.officer, demand_public_id=str(demand.public_id), categories=["medical"], refs=["visit:12"]
    )
    assert decision.allowed and decision.in_accounting
    [entry] = accounting_for(people.new_york.pk, timezone.now() - dt.timedelta(days=1), timezone.now())
    assert entry.legal_demand_id == demand.pk
    assert entry.recipient_label == "Superior Court of Example County (Court order 2026-CV-0113)"


def test_a_demand_without_its_document_or_reference_is_refused(people, private_files) -> None:
    with pytest.raises(Invalid, match="document"):
        record_legal_demand(
            officer=people.officer,
            member_id=people.new_york.pk,
            kind="subpoena",
            reference="S-1",
            issued_by="Court",
            categories=["medical"],
            document=SimpleUploadedFile("empty.pdf", b""),
        )
    with pytest.raises(Invalid, match="reference"):
        record_legal_demand(
            officer=people.officer,
            member_id=people.new_york.pk,
            kind="subpoena",
            reference=" ",
            issued_by="Court",
            categories=["medical"],
            document=order_document(),
        )
    assert not LegalDemand.objects.exists()


def test_only_the_privacy_office_records_and_releases(people, private_files) -> None:
    with pytest.raises(NotFound):
        record_legal_demand(
            officer=people.new_york,
            member_id=people.new_york.pk,
            kind="subpoena",
            reference="S-1",
            issued_by="Court",
            categories=["medical"],
            document=order_document(),
        )
    with pytest.raises(NotFound):
        release_under_legal_demand(
            officer=people.new_york,
            demand_public_id="00000000-0000-0000-0000-000000000000",
            categories=["medical"],
            refs=[],
        )


def test_the_privacy_office_downloads_a_demands_document_and_the_read_is_logged(people, private_files) -> None:
    demand = recorded_demand(people, kind="subpoena")
    office = Client()
    office.force_login(people.officer)
    response = office.get(f"/office/legal-demands/{demand.public_id}/document")
    assert response.status_code == 200 and response.content == b"%PDF-1.4 synthetic court order"
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")
    assert AccessLogEntry.objects.filter(member_id=people.new_york.pk, rule=f"legal-demand:{demand.pk}").exists()

    member = Client()
    member.force_login(people.new_york)
    assert member.get(f"/office/legal-demands/{demand.public_id}/document").status_code in (403, 404)


def officer_client(people) -> Client:
    client = Client()
    client.force_login(people.officer)
    return client


def demand_form(people, **fields: object) -> dict[str, object]:
    return {
        "member_email": address_of(people.new_york),
        "kind": "subpoena",
        "reference": "SUB-77",
        "issued_by": "District Court of Example",
        "categories": ["medical", "insurance"],
        "document": order_document(),
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"issued_by": "C" * (DEMAND_ISSUER_MAX + 1)}, "Court or authority: Ensure this value has at most 120"),
        ({"reference": "R" * (DEMAND_REFERENCE_MAX + 1)}, "Docket or case number: Ensure this value has at most 65"),
        ({"member_email": "x" * 10_000}, "The member&#x27;s e-mail address: Enter a valid email address."),
        ({"kind": "ransom_note"}, "Select a valid choice"),
        ({"document": ""}, "This field is required"),
        ({"categories": []}, "Choose the information the demand asks for."),
        ({"categories": ["horoscope"]}, "Select a valid choice. horoscope"),
    ],
)
def test_the_office_is_told_why_a_demand_is_refused_and_nothing_is_recorded(
    people, private_files, fields, message
) -> None:
    """LEGAL-1: an issuer or reference too long for the accounting, or a malformed field, is refused."""
    response = officer_client(people).post("/office/legal-demands", demand_form(people, **fields), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LegalDemand.objects.exists()
    assert not list(private_files.rglob("*.sealed"))


def test_the_service_refuses_an_issuer_or_reference_that_would_not_fit_the_accounting(people, private_files) -> None:
    """LEGAL-1: the limits hold for any caller of the service, not only the form."""
    base = {"officer": people.officer, "member_id": people.new_york.pk, "kind": "warrant", "categories": ["medical"]}
    with pytest.raises(Invalid, match=f"at most {DEMAND_ISSUER_MAX} characters"):
        record_legal_demand(**base, reference="W-1", issued_by="C" * 121, document=order_document())
    with pytest.raises(Invalid, match=f"at most {DEMAND_REFERENCE_MAX} characters"):
        record_legal_demand(**base, reference="R" * 66, issued_by="Court", document=order_document())
    assert not LegalDemand.objects.exists()


@pytest.mark.parametrize("kind", LegalDemand.Kind.values)
def test_the_longest_issuer_and_reference_are_released_and_named_whole(people, private_files, kind) -> None:
    """LEGAL-1: every allowed combination fits the ledger (PostgreSQL refuses a longer label)."""
    issuer, reference = "I" * DEMAND_ISSUER_MAX, "R" * DEMAND_REFERENCE_MAX
    response = officer_client(people).post(
        "/office/legal-demands", demand_form(people, kind=kind, issued_by=issuer, reference=reference), follow=True
    )
    assert "The demand is recorded" in response.content.decode()
    demand = LegalDemand.objects.get()
    response = officer_client(people).post(
        f"/office/legal-demands/{demand.public_id}/release", {"categories": ["medical"]}, follow=True
    )
    assert "Released; the member&#x27;s accounting lists it." in response.content.decode()
    [entry] = accounting_for(people.new_york.pk, timezone.now() - dt.timedelta(days=1), timezone.now())
    assert entry.recipient_label == f"{issuer} ({demand.get_kind_display()} {reference})"


def test_a_demand_recorded_before_the_limits_is_released_with_its_issuer_shortened(people, private_files) -> None:
    """LEGAL-1: a demand stored with the longest issuer and reference its columns hold still releases."""
    demand = LegalDemand.objects.create(
        member_id=people.new_york.pk,
        kind="court_order",
        reference="R" * 120,
        issued_by="I" * 200,
        document="legal-demands/old.sealed",
        recorded_by_id=people.officer.pk,
    )
    response = officer_client(people).post(
        f"/office/legal-demands/{demand.public_id}/release", {"categories": ["medical"], "refs": "visit:1"}, follow=True
    )
    assert "Released; the member&#x27;s accounting lists it." in response.content.decode()
    [entry] = accounting_for(people.new_york.pk, timezone.now() - dt.timedelta(days=1), timezone.now())
    assert len(entry.recipient_label) == 200
    assert entry.recipient_label.endswith(f"… (Court order {'R' * 120})")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"categories": ["horoscope"]}, "Select a valid choice. horoscope is not one of the available choices."),
        ({}, "Choose what information is released."),
        ({"categories": ["medical"], "refs": "visit:1," * 100}, "Ensure this value has at most 500 characters"),
    ],
)
def test_a_malformed_release_says_why_and_releases_nothing(people, private_files, form, message) -> None:
    """LEGAL-1: nothing reaches the ledger or the access log from a refused release."""
    demand = recorded_demand(people)
    response = officer_client(people).post(f"/office/legal-demands/{demand.public_id}/release", form, follow=True)
    assert message in response.content.decode()
    assert not accounting_for(people.new_york.pk, timezone.now() - dt.timedelta(days=1), timezone.now())
    assert not AccessLogEntry.objects.filter(recipient_ref=f"legal:{demand.pk}").exists()


def test_a_release_or_document_under_an_unknown_demand_is_not_found(people, private_files) -> None:
    """LEGAL-1: an id that names no demand is refused with a message; nothing is released or logged."""
    unknown = "00000000-0000-0000-0000-000000000000"
    client = officer_client(people)
    response = client.post(f"/office/legal-demands/{unknown}/release", {"categories": ["medical"]}, follow=True)
    assert "We could not find that legal demand." in response.content.decode()
    response = client.get(f"/office/legal-demands/{unknown}/document", follow=True)
    assert "We could not find that legal demand." in response.content.decode()
    assert client.post("/office/legal-demands/not-a-uuid/release", {"categories": ["medical"]}).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_second_submit_records_and_releases_nothing_more(people, private_files) -> None:
    """LEGAL-1: the same demand recorded twice, or the same release sent twice, is refused, so the
    member's accounting lists the release once."""
    client = officer_client(people)
    client.post("/office/legal-demands", demand_form(people))
    response = client.post("/office/legal-demands", demand_form(people), follow=True)
    assert "This demand is already recorded for this member; nothing was recorded again." in response.content.decode()
    demand = LegalDemand.objects.get()
    release = {"categories": ["medical", "insurance"], "refs": "visit:1, visit:2"}
    client.post(f"/office/legal-demands/{demand.public_id}/release", release)
    response = client.post(f"/office/legal-demands/{demand.public_id}/release", release, follow=True)
    assert "This was already released under this demand; nothing was released again." in response.content.decode()
    assert len(accounting_for(people.new_york.pk, timezone.now() - dt.timedelta(days=1), timezone.now())) == 1
    assert AccessLogEntry.objects.filter(recipient_ref=f"legal:{demand.pk}").count() == 2, "one per reference, once"
    response = client.post(
        f"/office/legal-demands/{demand.public_id}/release", {"categories": ["medical"], "refs": "visit:3"}, follow=True
    )
    assert "Released; the member&#x27;s accounting lists it." in response.content.decode()


def test_a_demand_releases_only_the_categories_it_asks_for(people, private_files) -> None:
    """LEGAL-1, USE-3: a subpoena for medical records releases no contact data under it."""
    demand = record_legal_demand(
        officer=people.officer,
        member_id=people.new_york.pk,
        kind="subpoena",
        reference="S-9",
        issued_by="Court",
        categories=["medical"],
        document=order_document(),
    )
    assert demand.categories == ["medical"]
    response = officer_client(people).post(
        f"/office/legal-demands/{demand.public_id}/release", {"categories": ["contact"], "refs": ""}, follow=True
    )
    assert response.status_code == 200
    assert "The legal demand does not cover this information." in response.content.decode()
    assert not Disclosure.objects.exists()
