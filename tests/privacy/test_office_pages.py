"""The privacy office's back office: decide restrictions, record and release legal demands,
register business partners; nobody else gets in."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indigomed.privacy.models import BusinessPartner, Disclosure, Restriction
from indigomed.privacy.services import request_restriction
from indigomed.security.models import LegalDemand
from tests.conftest import address_of


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_accepts_a_restriction(people) -> None:
    restriction = request_restriction(actor=people.new_york, categories=["insurance"], purposes=[])
    office = signed_in(people.officer)
    assert "insurance" in office.get("/office/").content.decode()
    office.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"})
    restriction.refresh_from_db()
    assert restriction.status == "accepted" and restriction.decided_by == people.officer


def test_the_office_records_a_subpoena_and_releases_under_it(people, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    office = signed_in(people.officer)
    document = SimpleUploadedFile("subpoena.pdf", b"%PDF-1.4 synthetic subpoena", content_type="application/pdf")
    response = office.post(
        "/office/legal-demands",
        {
            "member_email": address_of(people.new_york),
            "kind": "subpoena",
            "reference": "SUB-77",
            "issued_by": "District Court of Example",
            "document": document,
        },
    )
    assert response.status_code == 302
    demand = LegalDemand.objects.get()
    assert demand.member_id == people.new_york.pk
    office.post(
        f"/office/legal-demands/{demand.public_id}/release", {"categories": ["medical"], "refs": "visit:3, visit:4"}
    )
    entry = Disclosure.objects.get()
    assert (entry.legal_demand_id, entry.subject_refs, entry.in_accounting) == (demand.pk, "visit:3,visit:4", True)


def test_an_unknown_member_address_records_nothing(people, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    office = signed_in(people.officer)
    office.post(
        "/office/legal-demands",
        {
            "member_email": "nobody@example.test",
            "kind": "subpoena",
            "reference": "SUB-1",
            "issued_by": "Court",
            "document": SimpleUploadedFile("s.pdf", b"%PDF"),
        },
    )
    assert not LegalDemand.objects.exists()


def test_the_office_registers_a_partner_but_never_for_sale(people) -> None:
    office = signed_in(people.officer)
    form = {
        "slug": "mailco",
        "name": "MailCo",
        "agreement_reference": "BAA-9",
        "agreement_signed_on": "2026-06-01",
        "purposes": ["business_partner"],
        "categories": ["contact"],
    }
    office.post("/office/partners", form)
    assert BusinessPartner.objects.filter(slug="mailco").exists()
    office.post("/office/partners", {**form, "slug": "dataco", "purposes": ["sale"]})
    assert not BusinessPartner.objects.filter(slug="dataco").exists()


def test_nobody_else_gets_into_the_office(people) -> None:
    restriction = request_restriction(actor=people.new_york, categories=["insurance"], purposes=[])
    member = signed_in(people.new_york)
    assert member.get("/office/").status_code == 403
    assert (
        member.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"}).status_code == 403
    )
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REQUESTED
    assert Client().get("/office/").status_code == 302
