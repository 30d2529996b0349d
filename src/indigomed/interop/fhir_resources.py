"""The pieces of a FHIR R4 bundle (``interop.fhir``): stable ids, the builder that holds each
resource once, and one function per kind of resource the directory and a member's record give
(IndigoMed itself, a practitioner, a facility, the patient, a coverage), each adding its resource
and answering with the reference to it.

Ids are name-based UUIDs of public keys, so the same record has the same id in every copy.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from indigomed.interop.sources import Directory
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


def add_indigomed(builder: BundleBuilder) -> str:
    rid = shared_id("organization", "indigomed")
    builder.add({"resourceType": "Organization", "id": rid, "name": "IndigoMed"})
    return rid


def add_billing_department(builder: BundleBuilder, parent: str) -> str:
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


def add_practitioner(builder: BundleBuilder, directory: Directory, practitioner_id: int) -> dict[str, str] | None:
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


def add_facility(
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


def restricted_meta(tags: Iterable[str]) -> dict[str, Any]:
    """A record of a specially protected kind is marked restricted; which kind is not said, so a copy
    passed on does not name it in a machine-readable label."""
    if not tuple(tags):
        return {}
    return {"meta": {"security": [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]}}


def add_patient(builder: BundleBuilder, record: MemberRecord) -> dict[str, str]:
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


def add_coverage(builder: BundleBuilder, patient: dict[str, str], coverage: Coverage) -> str:
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


def add_plan_coverage(
    builder: BundleBuilder, directory: Directory, patient: dict[str, str], slug: str, name: str
) -> str:
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
