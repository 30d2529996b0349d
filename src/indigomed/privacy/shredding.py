"""What the privacy room forgets when a member is shredded (PI-3, CHILD-2).

Care relationships name the appointment that made them; authorizations and restrictions hold
sealed words and a recipient. They go. The disclosure ledger stays as it is: its rows are
append-only and hash-chained, and they hold references only — the member's (now anonymous)
account id and ids of visits that no longer exist under those ids — so the chain still verifies
while nothing in it leads to a person or a visit. Office decisions keep their sealed reasons,
unreadable once the key is gone.
"""

from __future__ import annotations

from django.db import transaction

from indigomed.privacy.models import Authorization, CareRelationship, Restriction


def forget_consents_and_care(*, member_id: int) -> int:
    """Delete the member's care relationships, authorizations and restrictions, in the caller's
    transaction. Returns how many rows went."""
    with transaction.atomic():
        gone = CareRelationship.objects.filter(member_id=member_id).delete()[0]
        gone += Authorization.objects.filter(member_id=member_id).delete()[0]
        gone += Restriction.objects.filter(member_id=member_id).delete()[0]
    return gone
