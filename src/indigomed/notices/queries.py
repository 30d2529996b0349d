"""Reading notice versions: the current one, any past one by its number, and what a member has
yet to acknowledge."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from indigomed.errors import NotFound
from indigomed.notices.models import NoticeAcknowledgement, NoticeVersion

Kind = NoticeVersion.Kind


def current_version(kind: str) -> NoticeVersion | None:
    """The latest published version of a kind (publishing makes a version the current one)."""
    return NoticeVersion.objects.filter(kind=kind).order_by("-number").first()


def version_of(kind: str, number: int) -> NoticeVersion:
    """One version by its number; ``NotFound`` when there is none."""
    # An address may carry any digits; beyond a database integer there is no version to look up.
    version = NoticeVersion.objects.filter(kind=kind, number=number).first() if 0 < number <= 2_147_483_647 else None
    if version is None:
        raise NotFound("No such version.")
    return version


def versions_of(kind: str) -> QuerySet[NoticeVersion]:
    """Every version of a kind, the newest first, without their texts (a list of addresses)."""
    return (
        NoticeVersion.objects.filter(kind=kind)
        .order_by("-number")
        .only("kind", "number", "effective_on", "published_at")
    )


def last_acknowledged(user: Any) -> int:
    """The number of the latest privacy-notice version a user acknowledged or accepted; 0: none."""
    found = (
        NoticeAcknowledgement.objects.filter(user=user, version__kind=Kind.PRIVACY)
        .order_by("-version__number")
        .values_list("version__number", flat=True)
        .first()
    )
    return found or 0


def to_acknowledge(user: Any) -> NoticeVersion | None:
    """The current privacy-notice version if this member has not acknowledged it, else ``None``.

    Only members are asked; a notice with a single version (the one they accepted at sign-up, or
    none) asks nothing.
    """
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "member"):
        return None
    current = current_version(Kind.PRIVACY)
    if current is None or current.number == 1:
        return None
    return current if last_acknowledged(user) < current.number else None


def changes_since(user: Any) -> list[NoticeVersion]:
    """The versions after the last one this member acknowledged, the newest first, with what each changed."""
    since = max(last_acknowledged(user), 1)
    return list(NoticeVersion.objects.filter(kind=Kind.PRIVACY, number__gt=since).order_by("-number"))
