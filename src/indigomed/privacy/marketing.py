"""Marketing to members (USE-1, MSG-2): only to those whose written authorization covers it.

Writing to a member for marketing uses their contact data for a purpose that needs their
authorization (HIPAA 164.508(a)(3)), so every member is decided at the decision point, which
logs each decision and puts each permitted use on the ledger; messaging then queues the
messages, each with a one-click opt-out, and leaves out whoever opted out.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.services import send_marketing
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import Item, disclose
from indigomed.security.services import record_event

INDIGOMED = Recipient.indigomed("IndigoMed (marketing)")


def send_marketing_message(*, officer: User, subject: str, body: str) -> int:
    """Queue a marketing message to every member who authorized marketing; returns how many.

    ``NotFound`` for anyone but the privacy office; ``Invalid`` for an empty subject or text.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound("Only the privacy office sends marketing.")
    if not subject.strip() or not body.strip():
        raise Invalid("Give the message a subject and a text.")
    ref = f"marketing:{uuid.uuid4()}"
    members = list(Member.objects.values_list("user_id", flat=True))
    with transaction.atomic():
        decisions = disclose(
            actor_user_id=officer.pk,
            recipient=INDIGOMED,
            purpose="marketing",
            items=[Item(member_id, frozenset({"contact"}), frozenset(), ref) for member_id in members],
        )
        allowed = [member_id for member_id, decision in zip(members, decisions, strict=True) if decision.allowed]
        sent = send_marketing(
            authorized_member_ids=allowed, subject=subject.strip(), body=body.strip(), actor_user_id=officer.pk
        )
        record_event(actor=officer, action="marketing.sent", subject_ref=ref, details={"members": sent})
    return sent
