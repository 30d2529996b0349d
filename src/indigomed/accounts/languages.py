"""Members' languages, for messaging (which sits below accounts and names this in settings)."""

from __future__ import annotations

from collections.abc import Iterable

from indigomed.accounts.models import Member


def languages_of(member_ids: Iterable[int]) -> dict[int, str]:
    """The language each member is written to in; members not found are left out."""
    return dict(Member.objects.filter(user_id__in=set(member_ids)).values_list("user_id", "language"))
