"""What every page template knows about the person looking at it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from indigomed.accounts.models import User
from indigomed.directory.models import FacilityStaff


def portal(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        return {"is_member": False, "is_practice": False, "is_privacy_officer": False}
    return {
        "is_member": hasattr(user, "member"),
        "is_practice": hasattr(user, "practitioner") or FacilityStaff.objects.filter(user=user).exists(),
        "is_privacy_officer": hasattr(user, "privacy_officer"),
    }
