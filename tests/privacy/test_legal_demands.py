"""LEGAL-1: a court order or subpoena is recorded with its document; what is released under it is
a ledger entry that the member's accounting lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.office import record_legal_demand, release_under_legal_demand
from indigomed.privacy.queries import accounting_for
from indigomed.security.models import LegalDemand


@pytest.fixture
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def order_document() -> SimpleUploadedFile:
    return SimpleUploadedFile("order.pdf", b"%PDF-1.4 synthetic court order", content_type="application/pdf")


def test_a_court_order_is_recorded_with_its_document_and_its_release_is_accounted(people, private_files) -> None:
    demand = record_legal_demand(
        officer=people.officer,
        member_id=people.new_york.pk,
        kind="court_order",
        reference="2026-CV-0113",
        issued_by="Superior Court of Example County",
        document=order_document(),
    )
    stored = LegalDemand.objects.get()
    assert stored.document.read() == b"%PDF-1.4 synthetic court order"
    assert str(private_files) in stored.document.path
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
