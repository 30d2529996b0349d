"""Turning a shredded member's audit events into anonymous ones (PI-3, CHILD-2).

An event keeps when it happened and what kind of change it was, so the office's counts and
timelines stay true; who it was about, what it touched and its details go, because a booking's
slot or an appointment's id would otherwise tie the account to a visit. The database allows
exactly this update and no other (migration ``0007_audit_events_can_be_pseudonymized``).
"""

from __future__ import annotations

from django.db.models import Q

from indigomed.security.models import AuditEvent

SHREDDED = "shredded"


def pseudonymize_events(*, user_id: int) -> int:
    """Drop the member and every reference from the events about them or made by them, in the
    caller's transaction; the actor stays when it was someone else (staff, an officer).
    Returns how many events changed."""
    about = AuditEvent.objects.filter(member_id=user_id).exclude(actor_user_id=user_id)
    changed = about.update(member_id=None, subject_ref=SHREDDED, details={})
    by_them = AuditEvent.objects.filter(Q(actor_user_id=user_id))
    changed += by_them.update(actor_user_id=None, member_id=None, subject_ref=SHREDDED, details={})
    return changed
