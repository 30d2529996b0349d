"""Members' bundles streamed as NDJSON through the privacy door: decided, logged, ledgered once."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.bundle import Bundle

from indigomed.errors import PolicyError
from indigomed.interop.export import ExportCount, stream_bundles
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import decide_restriction
from indigomed.privacy.signing import request_restriction
from indigomed.security.models import AccessLogEntry
from tests.interop.conftest import booking, references, resources

SUPPORT = Recipient.staff("support", "IndigoMed support")


def _export(*member_ids: int, batch: int = 250) -> tuple[list[dict], ExportCount]:
    count = ExportCount()
    lines = list(
        stream_bundles(
            member_ids=member_ids, recipient=SUPPORT, purpose="operations", actor_user_id=None, batch=batch, count=count
        )
    )
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in lines)
    return [json.loads(line) for line in lines], count


def test_each_member_is_one_valid_bundle_line_decided_and_ledgered_once_per_version(history, world) -> None:
    booking(world.other_member, world.skin_role, days_ago=9, reason="Acne")
    bundles, count = _export(history.member.pk, world.other_member.pk, batch=1)
    assert len(bundles) == count.members == 2
    assert count.resources == sum(len(b["entry"]) for b in bundles)
    for bundle in bundles:
        Bundle.model_validate(bundle)
        assert set(references(bundle)) <= {e["fullUrl"] for e in bundle["entry"]}
    assert "Persistent rash" in json.dumps(bundles[0]) and "Acne" in json.dumps(bundles[1])
    # Authorizations are the member's words to IndigoMed, never exported.
    assert not resources(bundles[0], "Consent")
    ledgered = Disclosure.objects.filter(recipient_ref=SUPPORT.ref).count()
    assert ledgered == 2  # one entry per member
    looks = AccessLogEntry.objects.filter(recipient_ref=SUPPORT.ref).count()
    _export(history.member.pk, world.other_member.pk)
    assert Disclosure.objects.filter(recipient_ref=SUPPORT.ref).count() == ledgered, "nothing new was received"
    assert AccessLogEntry.objects.filter(recipient_ref=SUPPORT.ref).count() == 2 * looks


def test_what_the_decision_point_refuses_is_left_out_and_said(history) -> None:
    restriction = request_restriction(
        actor=history.member,
        categories=["medical"],
        purposes=["operations"],
        signed_name="Pat Member",
        explicit_consent=True,
    )
    decide_restriction(officer=history.officer, public_id=str(restriction.public_id), accept=True)
    [bundle], _ = _export(history.member.pk)
    assert not resources(bundle, "Appointment") and not resources(bundle, "Encounter")
    assert "Chest pain" not in json.dumps(bundle)
    [outcome] = resources(bundle, "OperationOutcome")
    assert any("bookings" in i["details"]["text"] for i in outcome["issue"])
    assert resources(bundle, "Patient")[0].get("birthDate")


def test_an_unknown_purpose_or_recipient_is_refused_before_anything_is_read(history) -> None:
    for recipient, purpose in ((SUPPORT, "gossip"), (Recipient("pirate", "pirate:1", "Pirate"), "operations")):
        with pytest.raises(PolicyError):
            list(
                stream_bundles(member_ids=[history.member.pk], recipient=recipient, purpose=purpose, actor_user_id=None)
            )
    assert not AccessLogEntry.objects.filter(recipient_ref__in=[SUPPORT.ref, "pirate:1"]).exists()


def test_the_export_command_writes_ndjson_to_a_file(history, tmp_path) -> None:
    out = tmp_path / "export.ndjson"
    call_command(
        "export_fhir", recipient="staff:support", label="IndigoMed support", purpose="operations", out=str(out)
    )
    lines = out.read_bytes().splitlines()
    assert len(lines) == 2  # the member with a history, and the other member of the world
    with pytest.raises(CommandError):
        call_command("export_fhir", recipient="support", label="x", purpose="operations", out=str(out))


def test_the_exports_validator_refuses_an_invalid_resource_shared_or_not(history) -> None:
    from pydantic import ValidationError

    from indigomed.interop.validation import Validator

    [line] = list(
        stream_bundles(member_ids=[history.member.pk], recipient=SUPPORT, purpose="operations", actor_user_id=None)
    )
    bundle = json.loads(line)
    validator = Validator()
    validator.validate(bundle)
    for kind, breaking in (
        ("Appointment", {"start": "nope"}),
        ("Practitioner", {"gender": 7}),
        ("Patient", {"birthDate": "soon"}),
    ):
        broken = json.loads(line)
        next(e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == kind).update(breaking)
        # A fresh check, as each export has its own: within one, a directory entry is checked once.
        with pytest.raises(ValidationError):
            Validator().validate(broken)


def test_the_exports_sampled_check_still_catches_a_new_shape_and_a_dangling_reference(history) -> None:
    """RIGHT-ACCESS: past the first bundle, a resource of a shape not seen before is checked against
    the FHIR models, and a reference that points outside its bundle is refused in every bundle."""
    from pydantic import ValidationError

    from indigomed.interop.validation import InvalidBundle, Validator

    [line] = list(
        stream_bundles(member_ids=[history.member.pk], recipient=SUPPORT, purpose="operations", actor_user_id=None)
    )
    validator = Validator(sample_every=1000)
    validator.validate(json.loads(line))
    validator.validate(json.loads(line))  # the same shapes again: only the cheap checks
    new_shape = json.loads(line)
    patient = next(e["resource"] for e in new_shape["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["deceasedBoolean"] = "perhaps"
    with pytest.raises(ValidationError):
        validator.validate(new_shape)
    dangling = json.loads(line)
    appointment = next(e["resource"] for e in dangling["entry"] if e["resource"]["resourceType"] == "Appointment")
    appointment["participant"][0]["actor"] = {"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}
    with pytest.raises(InvalidBundle):
        validator.validate(dangling)
