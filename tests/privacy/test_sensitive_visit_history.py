"""PI-2, BOOK-4, USE-3: a completed visit keeps its reason's sensitive kind, and every later
disclosure of the member's history is decided on it."""

from __future__ import annotations

import json

from indigomed.directory.models import VisitReason
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import disclose_visit_history
from indigomed.privacy.signing import sign_authorization
from indigomed.records.models import MedicalEntry
from indigomed.records.services import update_demographics
from indigomed.records.vault import Vault
from indigomed.scheduling.services import book_appointment, set_visit_status
from indigomed.security.models import AccessLogEntry
from tests.privacy.test_decision_point import LATER
from tests.scheduling.helpers import open_slot


def test_a_florida_members_completed_hiv_visit_keeps_its_kind_and_is_withheld_without_consent(world) -> None:
    update_demographics(member_id=world.member.pk, region="FL")
    VisitReason.objects.create(slug="hiv-test", name="HIV test", specialty=world.cardiology, tags=["hiv"])
    appointment = book_appointment(
        actor=world.member, slot_id=open_slot(world.heart_role).pk, visit_reason="hiv-test", insurance_plan=None
    )
    set_visit_status(actor=world.doctor_user, public_id=str(appointment.public_id), status="completed")

    entry = MedicalEntry.objects.get(member=world.member, kind=MedicalEntry.Kind.VISIT)
    assert json.loads(Vault.open_for(world.member.pk).open(MedicalEntry, "tags", entry.tags) or "[]") == ["hiv"]

    # The practitioner is in the member's care, but Florida law asks the member's consent for HIV.
    heart = Recipient("practitioner", f"practitioner:{world.heart_doctor.pk}", "Dr. Ada Hart")
    shown = disclose_visit_history(actor_user_id=None, recipient=heart, purpose="treatment", member_id=world.member.pk)
    assert shown == []
    refused = AccessLogEntry.objects.get(member_id=world.member.pk, allowed=False)
    assert refused.rule == "consent-required:sensitive@us-fl", "the log keeps the kind of rule, never the tag"

    sign_authorization(
        actor=world.member,
        recipient_ref=heart.ref,
        recipient_label=heart.label,
        purposes=["treatment"],
        categories=["medical"],
        tags=["hiv"],
        information="My HIV test",
        signed_name="Pat Example Member",
        explicit_consent=True,
        expires_at=LATER,
    )
    [visit] = disclose_visit_history(
        actor_user_id=None, recipient=heart, purpose="treatment", member_id=world.member.pk
    )
    assert (visit.reason, visit.tags) == ("HIV test", ("hiv",))
