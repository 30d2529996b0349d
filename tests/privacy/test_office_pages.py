"""The privacy office's back office: decide restrictions, record and release legal demands,
register business partners; nobody else gets in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indigomed.errors import Invalid
from indigomed.privacy.models import BusinessPartner, Disclosure, Restriction
from indigomed.privacy.office import register_partner
from indigomed.privacy.signing import request_restriction
from indigomed.security.models import LegalDemand
from tests.conftest import address_of


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_accepts_a_restriction(people) -> None:
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["insurance"],
        purposes=[],
    )
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
            "categories": ["medical"],
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
            "categories": ["medical"],
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
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["insurance"],
        purposes=[],
    )
    member = signed_in(people.new_york)
    assert member.get("/office/").status_code == 403
    assert (
        member.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"}).status_code == 403
    )
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REQUESTED
    assert Client().get("/office/").status_code == 302


PARTNER = {
    "slug": "mailco",
    "name": "MailCo",
    "agreement_reference": "BAA-9",
    "agreement_signed_on": "2026-06-01",
    "purposes": ["business_partner"],
    "categories": ["contact"],
}


def partners() -> list[tuple]:
    return list(BusinessPartner.objects.values_list("slug", "name", "agreement_reference", "purposes", "categories"))


def test_a_second_partner_with_the_same_slug_is_refused_and_the_first_is_unchanged(people) -> None:
    """USE-6: registering a partner twice (a second submit, or another partner under a taken slug)
    is refused with a message; the registered partner keeps its agreement and scope."""
    office = signed_in(people.officer)
    office.post("/office/partners", PARTNER)
    before = partners()
    again = {**PARTNER, "name": "Other Mail Inc", "purposes": ["business_partner"], "categories": ["medical"]}
    response = office.post("/office/partners", again, follow=True)
    assert response.status_code == 200
    assert "A business partner is already registered as “mailco”; nothing was changed." in response.content.decode()
    assert partners() == before


def test_a_slug_differing_only_in_case_is_the_same_partner(people) -> None:
    """USE-6: "MailCo" after "mailco" is a second registration of one partner, refused."""
    office = signed_in(people.officer)
    office.post("/office/partners", PARTNER)
    before = partners()
    response = office.post("/office/partners", {**PARTNER, "slug": "MailCo"}, follow=True)
    assert "A business partner is already registered as “mailco”; nothing was changed." in response.content.decode()
    assert partners() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "N" * 10_000}, "Name: Ensure this value has at most 160 characters"),
        ({"slug": "s" * 51}, "Slug: Ensure this value has at most 50 characters"),
        ({"slug": "not a slug!"}, "Slug: Enter a valid “slug”"),
        ({"agreement_reference": "B" * 121}, "Agreement reference: Ensure this value has at most 120"),
        ({"agreement_signed_on": "9999-12-31"}, "The agreement&#x27;s signing date is in the future"),
        ({"agreement_signed_on": "0001-01-00"}, "Agreement signed on: Enter a valid date."),
        ({"agreement_signed_on": "0001-01-01"}, "No agreement under which IndigoMed shares information was signed"),
        ({"purposes": ["sale"]}, "IndigoMed never does this, for anyone."),
        ({"categories": ["horoscope"]}, "Categories: Select a valid choice."),
        ({"name": "   "}, "Name: This field is required."),
    ],
)
def test_a_partner_the_office_cannot_register_is_refused_with_the_reason(people, fields, message) -> None:
    """USE-6: every refused registration says why and registers nothing."""
    response = signed_in(people.officer).post("/office/partners", {**PARTNER, **fields}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BusinessPartner.objects.exists()


def test_the_service_refuses_a_partner_name_longer_than_its_column(people) -> None:
    """USE-6: the limit holds for any caller of the service, whatever the database stores."""
    with pytest.raises(Invalid, match="Name: at most 160 characters"):
        register_partner(
            officer=people.officer,
            slug="longco",
            name="N" * 161,
            agreement_reference="BAA-1",
            agreement_signed_on=dt.date(2026, 1, 5),
            purposes=["business_partner"],
            categories=["contact"],
        )
    assert not BusinessPartner.objects.exists()


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (None, "Choose to accept or to refuse the restriction."),
        ("maybe", "Choose to accept or to refuse the restriction."),
        ("x" * 10_000, "Choose to accept or to refuse the restriction."),
    ],
)
def test_a_decision_that_is_neither_accept_nor_refuse_changes_nothing(people, decision, message) -> None:
    """RIGHT-RESTRICT: a missing or forged decision never reads as a refusal."""
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["insurance"],
        purposes=[],
    )
    data = {} if decision is None else {"decision": decision}
    response = signed_in(people.officer).post(f"/office/restrictions/{restriction.public_id}/decide", data, follow=True)
    assert message in response.content.decode()
    restriction.refresh_from_db()
    assert restriction.status == Restriction.Status.REQUESTED and restriction.decided_by is None


def test_a_second_decision_and_an_unknown_restriction_are_refused(people) -> None:
    """RIGHT-RESTRICT: a decided restriction stays as decided; an unknown id is not found."""
    restriction = request_restriction(
        signed_name="Pat Example Member",
        explicit_consent=True,
        actor=people.new_york,
        categories=["insurance"],
        purposes=[],
    )
    office = signed_in(people.officer)
    office.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "accept"})
    restriction.refresh_from_db()
    decided = (restriction.status, restriction.decided_at)
    response = office.post(f"/office/restrictions/{restriction.public_id}/decide", {"decision": "refuse"}, follow=True)
    assert "This restriction was already decided." in response.content.decode()
    restriction.refresh_from_db()
    assert (restriction.status, restriction.decided_at) == decided == (Restriction.Status.ACCEPTED, decided[1])
    unknown = "00000000-0000-0000-0000-000000000000"
    response = office.post(f"/office/restrictions/{unknown}/decide", {"decision": "accept"}, follow=True)
    assert "We could not find that restriction." in response.content.decode()
    assert office.post("/office/restrictions/12345678901234567890/decide", {"decision": "accept"}).status_code == 404
    assert office.get(f"/office/restrictions/{restriction.public_id}/decide").status_code == 405


def test_losing_a_race_for_a_partner_slug_is_the_same_refusal(people, monkeypatch) -> None:
    """USE-6: when two officers register one slug at once, the database decides and the second is
    told so; the first partner is unchanged and the request's transaction stays usable."""
    office = signed_in(people.officer)
    office.post("/office/partners", PARTNER)
    before = partners()
    # The other officer's insert lands between the check and the insert.
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)
    with pytest.raises(Invalid, match="already registered as “mailco”"):
        register_partner(
            officer=people.officer,
            slug="mailco",
            name="Racing Mail",
            agreement_reference="BAA-10",
            agreement_signed_on=dt.date(2026, 1, 5),
            purposes=["business_partner"],
            categories=["contact"],
        )
    assert partners() == before
