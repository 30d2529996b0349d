"""LEGAL-1: a court order or subpoena is recorded with its document; what is released under it is
a ledger entry that the member's accounting lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.office import open_legal_demand_document, record_legal_demand, release_under_legal_demand
from indigomed.privacy.queries import accounting_for
from indigomed.security.models import AccessLogEntry, LegalDemand


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
            document=SimpleUploadedFile("empty.pdf", b""),
        )
    with pytest.raises(Invalid, match="reference"):
        record_legal_demand(
            officer=people.officer,
            member_id=people.new_york.pk,
            kind="subpoena",
            reference=" ",
            issued_by="Court",
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
