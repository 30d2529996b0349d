"""LEGAL-1: the privacy office uploads a legal demand's document up to the service's 20 MB, while every
other page and the API keep the small request limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indigomed.accounts.models import PrivacyOfficer
from indigomed.security.models import LegalDemand
from tests.conftest import address_of, make_user

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def officer(db, settings, tmp_path) -> Client:
    settings.MEDIA_ROOT = tmp_path
    user = make_user("officer@example.test")
    PrivacyOfficer.objects.create(user=user)
    client = Client()
    client.force_login(user)
    return client


def demand(member, size: int) -> dict[str, object]:
    return {
        "member_email": address_of(member),
        "kind": "court_order",
        "reference": "2026-CV-0113",
        "issued_by": "Superior Court of Example County",
        "categories": ["medical"],
        "document": SimpleUploadedFile("order.pdf", b"%PDF-1.4 " + b"0" * size, content_type="application/pdf"),
    }


def test_the_office_records_a_demand_whose_document_is_several_megabytes(world, officer) -> None:
    response = officer.post("/office/legal-demands", demand(world.member, 5 * MB), follow=True)
    assert response.status_code == 200
    assert "The demand is recorded" in response.content.decode()
    assert LegalDemand.objects.count() == 1


def test_a_document_over_the_office_limit_is_refused(world, officer) -> None:
    response = officer.post("/office/legal-demands", demand(world.member, 22 * MB))
    assert response.status_code == 413
    assert "limit is 21 MB" in response.content.decode()
    assert not LegalDemand.objects.exists()


def test_anyone_but_the_office_keeps_the_small_limit(world, member_client) -> None:
    response = member_client.post("/office/legal-demands", demand(world.member, 1 * MB))
    assert response.status_code == 413
    assert "limit is 64 KB" in response.content.decode()
    refused = member_client.post("/me/insurance", {"member_id": "x" * MB})
    assert refused.status_code == 413
    assert not LegalDemand.objects.exists()


def test_the_office_keeps_the_small_limit_on_its_other_pages(world, officer) -> None:
    response = officer.post("/office/partners", {"name": "x" * MB})
    assert response.status_code == 413
