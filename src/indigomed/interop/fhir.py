"""A member's records as a FHIR R4 bundle (RIGHT-ACCESS), built as plain dicts and checked against the
``fhir.resources`` R4B models.

Every resource's id is a name-based UUID of a public key (a booking's public id, a directory slug, a
keyed hash for a plan row): the same record has the same id in every copy, and no id carries a
database row number or a personal value. Each entry's ``fullUrl`` is ``urn:uuid:<id>`` and every
reference points at one, so the bundle stands on its own. The ids, the builder and each kind of
resource are in ``interop.fhir_resources``; this module puts a member's record together from them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indigomed.interop.fhir_resources import (
    ACT_CODE,
    APPOINTMENT_STATUS,
    CONSENT_SCOPE,
    PARTICIPATION,
    PROVENANCE_ROLE,
    SYSTEM,
    BundleBuilder,
    add_billing_department,
    add_coverage,
    add_facility,
    add_indigomed,
    add_patient,
    add_plan_coverage,
    add_practitioner,
    instant,
    resource_id,
    restricted_meta,
    urn,
)
from indigomed.interop.sources import BookingRow, Directory
from indigomed.privacy.copies import MemberRecord


@dataclass(frozen=True, slots=True)
class Left:
    """Something a copy leaves out, told to the member: a withheld item with the clinician's reason,
    or a kind of record no copy holds, with why."""

    text: str


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
    indigomed = add_indigomed(builder)
    patient = add_patient(builder, record)
    health: list[str] = [patient["reference"]]
    billing: list[str] = []
    for coverage in record.coverages:
        billing.append(urn(add_coverage(builder, patient, coverage)))
    visits_by_booking = {v.appointment_id: v for v in record.visits if v.appointment_id is not None}
    for booking in bookings:
        ref = f"appointment:{booking.public_id}"
        if ref in withheld:
            continue
        booked = record.bookings.get(booking.public_id)
        doctor = add_practitioner(builder, directory, booking.practitioner_id)
        facility = add_facility(builder, directory, booking.facility_id)
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
            appointment |= restricted_meta(booked.tags)
            if booked.reason_name:
                appointment["reasonCode"] = [{"text": booked.reason_name}]
            if booked.plan_slug:
                plan = add_plan_coverage(
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
            encounter |= restricted_meta((visit.tags if visit else ()) or (booked.tags if booked else ()))
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
        } | restricted_meta(visit.tags)
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
        department = add_billing_department(builder, indigomed)
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
