"""Who is asking: one typed actor per request, in place of probing a user for related rows.

An account can be several things at once (a practitioner who is also a member, an HCF admin at two
facilities); the actor says all of them, loaded in one query. Pages and middleware take it from
``actor_of(request)``, which loads it once per request; services, which receive a user, ask
``load_actor(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from indigomed.accounts.models import ACTOR_ROWS, ROLE_COLUMNS, User
from indigomed.directory.models import FacilityStaff
from indigomed.precompiled import Precompiled

# Where the request keeps its actor; not a model attribute, so nothing hangs off a user.
_CACHE = "_indigomed_actor"


@dataclass(frozen=True, slots=True)
class StaffMembership:
    """A facility whose Connect portal the actor works, and as what (front desk or HCF admin)."""

    facility_id: int
    role: str


@dataclass(frozen=True, slots=True)
class Actor:
    """What a signed-in person is on the platform; an anonymous visitor is none of it."""

    user_id: int | None
    is_member: bool = False
    practitioner_id: int | None = None
    staff: tuple[StaffMembership, ...] = ()
    is_privacy_officer: bool = False
    # Django's ``is_staff``: IndigoMed's operators, who may open the admin site.
    is_operator_staff: bool = False

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def is_practitioner(self) -> bool:
        return self.practitioner_id is not None

    @property
    def runs_practice(self) -> bool:
        """A practitioner or facility staff: someone Connect is for."""
        return self.is_practitioner or bool(self.staff)

    def staff_role_at(self, facility_id: int) -> str | None:
        """The actor's staff role at one facility (``FacilityStaff.Role``), or None."""
        return next((m.role for m in self.staff if m.facility_id == facility_id), None)

    def administers(self, facility_id: int) -> bool:
        return self.staff_role_at(facility_id) == FacilityStaff.Role.ADMIN

    @property
    def administered_facility_ids(self) -> tuple[int, ...]:
        """The facilities the actor runs in Partners, as their HCF admin."""
        return tuple(m.facility_id for m in self.staff if m.role == FacilityStaff.Role.ADMIN)


NOBODY = Actor(user_id=None)

# Loaded on nearly every signed-in request: compiled once per process.
_ACTOR_ROWS = Precompiled(lambda user_id: User.objects.filter(pk=user_id).values_list(*ROLE_COLUMNS))


def load_actor(user: Any) -> Actor:
    """Everything ``user`` is, in one query; an anonymous or unsaved user is ``NOBODY``."""
    if not isinstance(user, User) or user.pk is None or not user.is_authenticated:
        return NOBODY
    # A request's signed-in user arrives with these rows (``accounts.authentication``): used once,
    # so that a later load, after the roles may have changed, reads them afresh.
    rows = getattr(user, ACTOR_ROWS, None)
    if rows is None:
        rows = _ACTOR_ROWS.rows(user.pk)
    else:
        delattr(user, ACTOR_ROWS)
    if not rows:
        return NOBODY
    member_id, practitioner_id, officer_id, _, _ = rows[0]
    return Actor(
        user_id=user.pk,
        is_member=member_id is not None,
        practitioner_id=practitioner_id,
        staff=tuple(
            StaffMembership(facility_id, role)
            for *_, facility_id, role in sorted(rows, key=lambda r: r[3] or 0)
            if facility_id is not None
        ),
        is_privacy_officer=officer_id is not None,
        is_operator_staff=user.is_staff,
    )


def actor_of(request: HttpRequest) -> Actor:
    """The actor of this request, loaded on first use and kept for the rest of the request.

    Kept per user: signing in or out within the request loads the new person's actor.
    """
    user = getattr(request, "user", None)
    kept: Actor | None = getattr(request, _CACHE, None)
    if kept is None or kept.user_id != (user.pk if isinstance(user, User) and user.is_authenticated else None):
        kept = load_actor(user)
        setattr(request, _CACHE, kept)
    return kept
