"""The demo's copies: the demo member has received one copy of their records, which they download from
/me/copies/, so the page, the ledger entry and the privacy office's events show a copy at work."""

from __future__ import annotations

from indigomed.accounts.models import Member, PrivacyOfficer
from indigomed.interop.copies import fee_for, give_copy


def seed_copies() -> None:
    """A copy for the first demo member, given by the privacy office at the policy's fee."""
    member_id = Member.objects.order_by("pk").values_list("user_id", flat=True).first()
    officer = PrivacyOfficer.objects.select_related("user").order_by("pk").first()
    if member_id is None or officer is None:
        return
    give_copy(actor=officer.user, member_id=member_id, accepted_fee_cents=fee_for(member_id).cents)
