"""RIGHT-ACCESS: the member's copy as a FHIR R4 bundle and a PDF."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle

from indigomed.interop.copies import build_copy
from indigomed.interop.fhir_resources import resource_id
from tests.interop.conftest import pdf_text, references, resources


def test_the_bundle_validates_and_every_reference_resolves_inside_it(history) -> None:
    """RIGHT-ACCESS: a FHIR R4 bundle that stands on its own."""
    copy = build_copy(history.member.pk)
    parsed = json.loads(copy.bundle_json)
    Bundle.model_validate(parsed)
    full_urls = {entry["fullUrl"] for entry in parsed["entry"]}
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    refs = references(parsed)
    assert refs, "the resources point at each other"
    assert set(refs) <= full_urls, f"dangling: {set(refs) - full_urls}"
    kinds = {entry["resource"]["resourceType"] for entry in parsed["entry"]}
    assert {
        "Patient",
        "Coverage",
        "Appointment",
        "Encounter",
        "Practitioner",
        "Organization",
        "Consent",
        "Provenance",
    } <= kinds


def test_every_booking_is_an_appointment_and_each_completed_visit_an_encounter(history) -> None:
    bundle = build_copy(history.member.pk).bundle
    appointments = {a["identifier"][0]["value"]: a for a in resources(bundle, "Appointment")}
    assert set(appointments) == {
        str(a.public_id) for a in (history.chest, history.skin, history.upcoming, history.cancelled)
    }
    assert appointments[str(history.cancelled.public_id)]["status"] == "cancelled"
    assert appointments[str(history.upcoming.public_id)]["status"] == "booked"
    encounters = resources(bundle, "Encounter")
    assert sorted(e["reasonCode"][0]["text"] for e in encounters) == ["Chest pain", "Persistent rash"]
    # A visit of a protected kind is marked restricted, without naming the kind.
    rash = next(e for e in encounters if e["reasonCode"][0]["text"] == "Persistent rash")
    assert rash["meta"]["security"][0]["code"] == "R"
    assert "std" not in json.dumps(bundle)


def _ids(bundle: dict) -> list[str]:
    return sorted(
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] not in ("Provenance", "OperationOutcome")
    )


def test_ids_are_stable_and_never_row_numbers_or_personal_values(history) -> None:
    first, second = build_copy(history.member.pk).bundle, build_copy(history.member.pk).bundle
    assert _ids(first) == _ids(second)
    [patient] = resources(first, "Patient")
    assert patient["id"] == resource_id("patient", history.member.public_id)
    for entry in first["entry"]:
        rid = entry["resource"]["id"]
        assert not rid.isdigit() and "Pat" not in rid and "@" not in rid


def test_the_pdf_holds_the_members_visits_bookings_plans_and_authorizations(history) -> None:
    """RIGHT-ACCESS: the same copy, readable."""
    text = pdf_text(build_copy(history.member.pk).pdf)
    for expected in (
        "Your IndigoMed records",
        "Chest pain",
        "Persistent rash",
        "Dr. Ada Hart",
        "Hudson Clinic",
        "Follow-up of palpitations",
        "Cancelled",
        "HMO Gold",
        "W123456789",
        "My sister Jo",
        "Pat Member",
    ):
        assert expected in text, expected


def test_billing_records_are_attributed_to_the_billing_department(history) -> None:
    bundle = build_copy(history.member.pk).bundle
    coverages = {urn for urn in (f"urn:uuid:{c['id']}" for c in resources(bundle, "Coverage"))}
    assert len(coverages) == 2  # the plan on the profile, and the directory plan named when booking
    billing = next(p for p in resources(bundle, "Provenance") if p["activity"]["text"].startswith("Billing"))
    assert {t["reference"] for t in billing["target"]} == coverages
    department = next(o for o in resources(bundle, "Organization") if o["name"] == "IndigoMed billing department")
    assert billing["agent"][0]["who"]["reference"] == f"urn:uuid:{department['id']}"
