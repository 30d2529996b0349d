"""Marketing to members (USE-1, MSG-2): only to those whose written authorization covers it.

Writing to a member for marketing uses their contact data for a purpose that needs their
authorization (HIPAA 164.508(a)(3)), so every member is decided at the decision point, which
logs each decision and puts each permitted use on the ledger; messaging then queues the
messages, each with a one-click opt-out, and leaves out whoever opted out.
"""

from __future__ import annotations

import re
import uuid

from django.db import transaction
from django.utils.translation import gettext

from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.directory.models import Specialty, VisitReason
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.rights import send_marketing
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.policy import current_policy
from indigomed.privacy.services import Item, disclose
from indigomed.security.services import record_event

INDIGOMED = Recipient.indigomed("IndigoMed (marketing)")


SUBJECT_MAX = 120
BODY_MAX = 5000


def medical_words_in(subject: str) -> list[str]:
    """MSG-2: the visit reasons, specialties and sensitivity tags a subject line names; a subject
    is seen by whoever sees the member's screen or letter box, so it names none of them."""
    words = set(VisitReason.objects.values_list("name", flat=True))
    words |= set(Specialty.objects.values_list("name", flat=True))
    for tag, label in current_policy().tags.items():
        words |= {tag.replace("_", " "), str(label)}
    # Whole words: "archive" names no HIV.
    return sorted(word for word in words if word and re.search(rf"\b{re.escape(word)}\b", subject, flags=re.IGNORECASE))


def send_marketing_message(*, officer: User, subject: str, body: str, campaign: uuid.UUID | None = None) -> int:
    """Queue a marketing message to every member who authorized marketing; returns how many.

    ``NotFound`` for anyone but the privacy office; ``Invalid`` for an empty, long or medical
    subject or an empty or long text; ``Conflict`` for a ``campaign`` already sent (the office's
    form carries one, so submitting it twice sends once).
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office sends marketing."))
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise Invalid(gettext("Give the message a subject and a text."))
    if len(subject) > SUBJECT_MAX:
        raise Invalid(
            gettext("A subject is at most %(subject_max)s characters.") % {"subject_max": SUBJECT_MAX}, field="subject"
        )
    if len(body) > BODY_MAX:
        raise Invalid(gettext("A text is at most %(body_max)s characters.") % {"body_max": BODY_MAX}, field="body")
    if named := medical_words_in(subject):
        raise Invalid(
            gettext("A subject line must not name care; remove: %(named)s.") % {"named": ", ".join(named)},
            field="subject",
        )
    campaign = campaign or uuid.uuid4()
    ref = f"marketing:{campaign}"
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
            authorized_member_ids=allowed, subject=subject, body=body, actor_user_id=officer.pk, campaign=campaign
        )
        record_event(actor=officer, action="marketing.sent", subject_ref=ref, details={"members": sent})
    return sent
