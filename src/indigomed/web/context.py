"""What every page template knows about the person looking at it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from indigomed.accounts.roles import actor_of


def portal(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "is_member": actor.is_member,
        "is_practice": actor.runs_practice,
        "is_facility_admin": bool(actor.administered_facility_ids),
        "is_privacy_officer": actor.is_privacy_officer,
    }
