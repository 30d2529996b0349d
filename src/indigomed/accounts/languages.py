"""Members' languages and who reads their messages, for messaging (below accounts; named in settings)."""

from __future__ import annotations

from collections.abc import Iterable

from indigomed.accounts.models import Guardianship, Member


def languages_of(member_ids: Iterable[int]) -> dict[int, str]:
    """The language each member is written to in; members not found are left out."""
    return dict(Member.objects.filter(user_id__in=set(member_ids)).values_list("user_id", "language"))


def readers_of(member_ids: Iterable[int]) -> dict[int, int]:
    """The guardian who reads each dependent's messages (the longest-standing active guardianship);
    members managed by nobody, and dependents who took over their account, are left out."""
    found: dict[int, int] = {}
    for dependent_id, guardian_id in (
        Guardianship.objects.filter(dependent_id__in=set(member_ids), ended_at__isnull=True)
        .order_by("since", "pk")
        .values_list("dependent_id", "guardian_id")
    ):
        found.setdefault(dependent_id, guardian_id)
    return found
