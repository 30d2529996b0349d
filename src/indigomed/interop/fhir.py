"""A member's records as a FHIR R4 bundle (RIGHT-ACCESS), built as plain dicts and checked against the
``fhir.resources`` R4B models.

Every resource's id is a name-based UUID of a public key (a booking's public id, a directory slug, a
keyed hash for a plan row): the same record has the same id in every copy, and no id carries a
database row number or a personal value. Each entry's ``fullUrl`` is ``urn:uuid:<id>`` and every
reference points at one, so the bundle stands on its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from indigomed.interop.sources import BookingRow, Directory
from indigomed.privacy.copies import Coverage, MemberRecord

# The namespace of every id IndigoMed gives a FHIR resource (a fixed, random UUID).
NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4b7a-9a43-2f5d1c0e7b19")
SYSTEM = "urn:indigomed"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
PROVENANCE_ROLE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

APPOINTMENT_STATUS = {
    "booked": "booked",
    "checked_in": "checked-in",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}
GENDER = {"female": "female", "male": "male", "nonbinary": "other"}


def resource_id(kind: str, key: object) -> str:
    """The stable id of one resource: a name-based UUID of its kind and public key."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@lru_cache(maxsize=4096)
def shared_id(kind: str, key: str) -> str:
    """``resource_id`` of a directory entry, which many bundles name: computed once."""
    return resource_id(kind, key)


def urn(resource_id_: str) -> str:
    return f"urn:uuid:{resource_id_}"


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Left:
    """Something a copy leaves out, told to the member: a withheld item with the clinician's reason,
    or a kind of record no copy holds, with why."""

    text: str


class BundleBuilder:
    """Collects resources once each (by id) and hands out references to them."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, resource: dict[str, Any]) -> dict[str, str]:
        self.entries.setdefault(resource["id"], resource)
        return {"reference": urn(resource["id"])}

    def ref(self, resource_id_: str, display: str | None = None) -> dict[str, str]:
        found = {"reference": urn(resource_id_)}
        if display:
            found["display"] = display
        return found


def _address(
    street: str = "", city: str = "", region: str | None = "", postal: str | None = "", country: str = ""
) -> dict[str, Any]:
    address: dict[str, Any] = {}
    if street:
        address["line"] = [street]
    for key, value in (("city", city), ("state", region), ("postalCode", postal), ("country", country)):
        if value:
            address[key] = value
    return address


def _indigomed(builder: BundleBuilder) -> str:
    rid = shared_id("organization", "indigomed")
    builder.add({"resourceType": "Organization", "id": rid, "name": "IndigoMed"})
    return rid


def _billing_department(builder: BundleBuilder, parent: str) -> str:
    rid = shared_id("organization", "indigomed-billing")
    builder.add(
        {
            "resourceType": "Organization",
            "id": rid,
            "name": "IndigoMed billing department",
            "partOf": builder.ref(parent, "IndigoMed"),
        }
    )
    return rid


def _practitioner(builder: BundleBuilder, directory: Directory, practitioner_id: int) -> dict[str, str] | None:
    built = directory.built.get(("practitioner", practitioner_id))
    if built is None:
        doctor = directory.doctors.get(practitioner_id)
        if doctor is None:
            return None
        rid = shared_id("practitioner", doctor.slug)
        resource: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": rid,
            "identifier": [{"system": f"{SYSTEM}:practitioner", "value": doctor.slug}],
            "name": [{"prefix": [doctor.title], "given": [doctor.given_name], "family": doctor.family_name}],
        }
        if doctor.gender in GENDER:
            resource["gender"] = GENDER[doctor.gender]
        built = directory.built[("practitioner", practitioner_id)] = (resource, builder.ref(rid, doctor.display_name))
    builder.add(built[0])
    return dict(built[1])


def _facility(
    builder: BundleBuilder, directory: Directory, facility_id: int
) -> tuple[dict[str, str], dict[str, str]] | None:
    """The facility as an Organization and as the Location of its visits."""
    built = directory.built.get(("facility", facility_id))
    if built is None:
        place = directory.places.get(facility_id)
        if place is None:
            return None
        address = _address(place.street, place.city, place.region, place.postal_code, place.country)
        organization_id = shared_id("facility", place.slug)
        organization: dict[str, Any] = {
            "resourceType": "Organization",
            "id": organization_id,
            "identifier": [{"system": f"{SYSTEM}:facility", "value": place.slug}],
            "type": [{"text": place.kind.capitalize()}],
            "name": place.name,
            "address": [address],
        }
        if place.phone:
            organization["telecom"] = [{"system": "phone", "value": place.phone, "use": "work"}]
        location_id = shared_id("location", place.slug)
        location = {
            "resourceType": "Location",
            "id": location_id,
            "name": place.name,
            "address": address,
            "managingOrganization": builder.ref(organization_id, place.name),
        }
        built = directory.built[("facility", facility_id)] = (
            organization,
            location,
            builder.ref(organization_id, place.name),
            builder.ref(location_id, place.name),
        )
    builder.add(built[0])
    builder.add(built[1])
    return dict(built[2]), dict(built[3])


def _restricted(tags: Iterable[str]) -> dict[str, Any]:
    """A record of a specially protected kind is marked restricted; which kind is not said, so a copy
    passed on does not name it in a machine-readable label."""
    if not tuple(tags):
        return {}
    return {"meta": {"security": [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]}}


def _patient(builder: BundleBuilder, record: MemberRecord) -> dict[str, str]:
    rid = resource_id("patient", record.public_id)
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": rid,
        "identifier": [{"system": f"{SYSTEM}:member", "value": str(record.public_id)}],
        "active": True,
    }
    profile = record.profile
    if profile is not None:
        if profile.name:
            resource["name"] = [{"text": profile.name}]
        telecom = [{"system": "email", "value": profile.email}] if profile.email else []
        if profile.phone:
            telecom.append({"system": "phone", "value": profile.phone})
        if telecom:
            resource["telecom"] = telecom
        resource["gender"] = GENDER.get(profile.gender or "", "unknown")
        resource["birthDate"] = profile.date_of_birth.isoformat()
        resource["address"] = [_address(region=profile.region, postal=profile.postal_code, country=profile.country)]
    builder.add(resource)
    return builder.ref(rid, (profile.name if profile else None) or "The member")


def _coverage(builder: BundleBuilder, patient: dict[str, str], coverage: Coverage) -> str:
    rid = resource_id("coverage", coverage.ref)
    resource: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": rid,
        "status": "active",
        "beneficiary": patient,
        # Typed by the member: named, not matched to a directory entry.
        "payor": [{"display": coverage.carrier or "Carrier not given"}],
        "class": [
            {
                "type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan"}]},
                "value": coverage.plan or "Plan not given",
                "name": coverage.plan or "Plan not given",
            }
        ],
    }
    if coverage.member_number:
        resource["subscriberId"] = coverage.member_number
    builder.add(resource)
    return rid


def _plan_coverage(builder: BundleBuilder, directory: Directory, patient: dict[str, str], slug: str, name: str) -> str:
    """A plan from the directory that the member named when booking, with its carrier."""
    rid = resource_id("plan-coverage", f"{patient['reference']}:{slug}")
    carrier = directory.plan_carriers.get(slug)
    if carrier is not None:
        carrier_id = shared_id("carrier", carrier.slug)
        builder.add(
            {
                "resourceType": "Organization",
                "id": carrier_id,
                "name": carrier.name,
                "identifier": [{"system": f"{SYSTEM}:carrier", "value": carrier.slug}],
            }
        )
        payor = builder.ref(carrier_id, carrier.name)
    else:
        payor = {"display": name}
    builder.add(
        {
            "resourceType": "Coverage",
            "id": rid,
            "status": "active",
            "beneficiary": patient,
            "payor": [payor],
            "class": [
                {
                    "type": {"coding": [{"system": COVERAGE_CLASS, "code": "plan"}]},
                    "value": slug,
                    "name": name,
                }
            ],
        }
    )
    return rid


def build_bundle(
    *,
    record: MemberRecord,
    bookings: Sequence[BookingRow],
    directory: Directory,
    withheld: frozenset[str],
    left_out: Sequence[Left],
    copy_id: uuid.UUID,
    at: dt.datetime,
) -> dict[str, Any]:
    """The member's records as a FHIR R4 ``collection`` bundle (a dict, JSON-ready).

    ``withheld`` holds the item references (``appointment:<uuid>``) a clinician withheld: neither the
    booking nor its visit is in the bundle. ``left_out`` becomes an OperationOutcome telling what the
    copy leaves out and why (issue code ``suppressed``)."""
    builder = BundleBuilder()
    indigomed = _indigomed(builder)
    patient = _patient(builder, record)
    health: list[str] = [patient["reference"]]
    billing: list[str] = []
    for coverage in record.coverages:
        billing.append(urn(_coverage(builder, patient, coverage)))
    visits_by_booking = {v.appointment_id: v for v in record.visits if v.appointment_id is not None}
    for booking in bookings:
        ref = f"appointment:{booking.public_id}"
        if ref in withheld:
            continue
        booked = record.bookings.get(booking.public_id)
        doctor = _practitioner(builder, directory, booking.practitioner_id)
        facility = _facility(builder, directory, booking.facility_id)
        appointment_id = resource_id("appointment", booking.public_id)
        participants: list[dict[str, Any]] = [{"actor": patient, "status": "accepted"}]
        if doctor:
            participants.append({"actor": doctor, "status": "accepted"})
        if facility:
            participants.append({"actor": facility[1], "status": "accepted"})
        appointment: dict[str, Any] = {
            "resourceType": "Appointment",
            "id": appointment_id,
            "identifier": [{"system": f"{SYSTEM}:appointment", "value": str(booking.public_id)}],
            "status": APPOINTMENT_STATUS.get(booking.status, "booked"),
            "serviceType": [{"text": booking.visit_type}],
            "start": instant(booking.starts_at),
            "end": instant(booking.ends_at),
            "created": instant(booking.booked_at),
            "participant": participants,
        }
        if booked is not None:
            appointment |= _restricted(booked.tags)
            if booked.reason_name:
                appointment["reasonCode"] = [{"text": booked.reason_name}]
            if booked.plan_slug:
                plan = _plan_coverage(
                    builder, directory, patient, booked.plan_slug, booked.plan_name or booked.plan_slug
                )
                billing.append(urn(plan))
                appointment["supportingInformation"] = [builder.ref(plan, booked.plan_name)]
        builder.add(appointment)
        health.append(urn(appointment_id))
        visit = visits_by_booking.get(booking.public_id)
        if booking.status == "completed" or visit is not None:
            encounter: dict[str, Any] = {
                "resourceType": "Encounter",
                "id": resource_id("encounter", booking.public_id),
                "status": "finished",
                "class": {
                    "system": ACT_CODE,
                    "code": "VR" if booking.is_remote else "AMB",
                    "display": "virtual" if booking.is_remote else "ambulatory",
                },
                "subject": patient,
                "appointment": [builder.ref(appointment_id)],
                "period": {"start": instant(booking.starts_at), "end": instant(booking.ends_at)},
            }
            reason = (visit.reason if visit else "") or (booked.reason_name if booked else "")
            if reason:
                encounter["reasonCode"] = [{"text": reason}]
            encounter |= _restricted((visit.tags if visit else ()) or (booked.tags if booked else ()))
            if doctor:
                encounter["participant"] = [{"individual": doctor}]
            if facility:
                encounter["serviceProvider"] = facility[0]
                encounter["location"] = [{"location": facility[1]}]
            builder.add(encounter)
            health.append(urn(encounter["id"]))
    # Visits kept in the history without a booking on the calendar (made before it, or moved).
    booked_ids = {b.public_id for b in bookings}
    for index, visit in enumerate(record.visits):
        if visit.appointment_id in booked_ids or f"appointment:{visit.appointment_id}" in withheld:
            continue
        key = visit.appointment_id or f"{record.public_id}:{visit.visit_date.isoformat()}:{index}"
        encounter = {
            "resourceType": "Encounter",
            "id": resource_id("encounter", key),
            "status": "finished",
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "subject": patient,
            "period": {"start": visit.visit_date.isoformat(), "end": visit.visit_date.isoformat()},
            "participant": [{"individual": {"display": visit.practitioner_name}}] if visit.practitioner_name else [],
            "serviceProvider": {"display": visit.facility_name or "Facility not recorded"},
        } | _restricted(visit.tags)
        if visit.reason:
            encounter["reasonCode"] = [{"text": visit.reason}]
        if not encounter["participant"]:
            del encounter["participant"]
        builder.add(encounter)
        health.append(urn(encounter["id"]))
    for signed in record.authorizations:
        consent_id = resource_id("consent", signed.public_id)
        ended = min(t for t in (signed.expires_at, signed.revoked_at) if t is not None)
        builder.add(
            {
                "resourceType": "Consent",
                "id": consent_id,
                "identifier": [{"system": f"{SYSTEM}:authorization", "value": str(signed.public_id)}],
                "status": "active" if ended > at else "inactive",
                "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
                "category": [
                    {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}
                ],
                "patient": patient,
                "dateTime": instant(signed.signed_at),
                "organization": [builder.ref(indigomed, "IndigoMed")],
                "policyRule": {"text": "A written authorization (HIPAA 45 CFR 164.508)"},
                "provision": {
                    "type": "permit",
                    "period": {"start": instant(signed.signed_at), "end": instant(ended)},
                    "actor": [
                        {
                            "role": {
                                "coding": [
                                    {
                                        "system": PARTICIPATION,
                                        "code": "IRCP",
                                        "display": "information recipient",
                                    }
                                ]
                            },
                            "reference": {"display": signed.recipient_label},
                        }
                    ],
                    "purpose": [{"system": f"{SYSTEM}:purpose", "code": p} for p in signed.purposes],
                    "code": [{"text": signed.information}]
                    if signed.information
                    else [{"text": ", ".join(signed.categories)}],
                },
            }
        )
        health.append(urn(consent_id))
    if left_out:
        outcome_id = resource_id("left-out", copy_id)
        builder.add(
            {
                "resourceType": "OperationOutcome",
                "id": outcome_id,
                "issue": [
                    {"severity": "information", "code": "suppressed", "details": {"text": left.text}}
                    for left in left_out
                ],
            }
        )
    builder.add(
        {
            "resourceType": "Provenance",
            "id": resource_id("provenance", copy_id),
            "target": [{"reference": ref} for ref in health],
            "recorded": instant(at),
            "activity": {"text": "A copy of the member's records, at their request"},
            "agent": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": PROVENANCE_ROLE,
                                "code": "assembler",
                            }
                        ]
                    },
                    "who": builder.ref(indigomed, "IndigoMed"),
                }
            ],
        }
    )
    if billing:
        # Billing records come from the billing department, which answers questions about them.
        department = _billing_department(builder, indigomed)
        builder.add(
            {
                "resourceType": "Provenance",
                "id": resource_id("billing-provenance", copy_id),
                "target": [{"reference": ref} for ref in dict.fromkeys(billing)],
                "recorded": instant(at),
                "activity": {"text": "Billing records, from the billing department"},
                "agent": [
                    {
                        "type": {
                            "coding": [
                                {
                                    "system": PROVENANCE_ROLE,
                                    "code": "author",
                                }
                            ]
                        },
                        "who": builder.ref(department, "IndigoMed billing department"),
                    }
                ],
            }
        )
    return {
        "resourceType": "Bundle",
        "id": str(copy_id),
        "identifier": {"system": f"{SYSTEM}:copy", "value": str(copy_id)},
        "type": "collection",
        "timestamp": instant(at),
        "entry": [{"fullUrl": urn(rid), "resource": resource} for rid, resource in builder.entries.items()],
    }


def resource_count(bundle: dict[str, Any]) -> int:
    return len(bundle.get("entry", ()))
