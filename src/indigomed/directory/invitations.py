"""Invitations onto a facility's team, as rows of the directory: opened by an HCF admin, withdrawn,
found by the secret of their link, accepted by the invited account. The e-mail that carries the
link, and the account it names, are ``partners.team``'s.

As in ``directory.services``: another facility's invitation is ``NotFound``, each change is one
transaction with its audit event, and a double submit changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.conf import product_setting
from indigomed.directory.models import FacilityInvitation, FacilityStaff, Practitioner
from indigomed.directory.services import administered_facility, role_at
from indigomed.errors import Invalid, NotFound
from indigomed.security.services import record_event


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_invitation(
    *, actor: Any, facility_id: int, user_id: int, kind: str, staff_role: str = "", role_id: int | None = None
) -> tuple[FacilityInvitation, str] | None:
    """Invite an account to the facility's team; returns the invitation and the secret of its
    link (kept nowhere but in the message), or ``None`` when the same invitation is already
    waiting (a double submit sends nothing twice).

    Refused with ``Invalid`` (field ``email``): an address already on another facility's staff
    (one account works one facility's portals), one already on this staff, and, for a
    practitioner, an address that is already a practitioner's (attach them instead).
    """
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        if FacilityStaff.objects.filter(user_id=user_id).exclude(facility=facility).exists():
            raise Invalid(
                _("This address belongs to another facility's staff. Ask them for an address of their own here."),
                field="email",
            )
        practitioner_id = None
        if kind == FacilityInvitation.Kind.PRACTITIONER:
            role = role_at(facility, role_id or 0)
            practitioner_id = role.practitioner_id
            if Practitioner.objects.filter(user_id=user_id).exists():
                raise Invalid(
                    _("This address is already a practitioner's on IndigoMed: attach them from the directory instead."),
                    field="email",
                )
        elif kind == FacilityInvitation.Kind.STAFF:
            if staff_role not in FacilityStaff.Role.values:
                raise Invalid(_("Choose staff or HCF admin."), field="staff_role")
            if FacilityStaff.objects.filter(user_id=user_id, facility=facility).exists():
                raise Invalid(_("This address is already on your staff."), field="email")
        else:
            raise Invalid(_("Invite a practitioner or a staff member."))
        now = timezone.now()
        waiting = FacilityInvitation.objects.filter(
            facility=facility, user_id=user_id, kind=kind, accepted_at__isnull=True, withdrawn_at__isnull=True
        ).first()
        if waiting is not None:
            if waiting.expires_at > now:
                return None
            # An expired invitation makes way for a new one.
            waiting.withdrawn_at = now
            waiting.save(update_fields=["withdrawn_at"])
        token = secrets.token_urlsafe(32)
        invitation = FacilityInvitation.objects.create(
            facility=facility,
            user_id=user_id,
            kind=kind,
            staff_role=staff_role if kind == FacilityInvitation.Kind.STAFF else "",
            practitioner_id=practitioner_id,
            token_hash=_token_hash(token),
            invited_by_id=actor.pk,
            created_at=now,
            expires_at=now + dt.timedelta(days=int(product_setting("INVITATION_DAYS"))),
        )
        record_event(
            actor=actor,
            action="invitation.sent",
            subject_ref=f"facility:{facility.pk}",
            details={"invitation": invitation.pk, "kind": kind, "user": user_id},
        )
    return invitation, token


def withdraw_invitation(*, actor: Any, facility_id: int, invitation_id: int) -> bool:
    """The link stops working; returns whether it was still open."""
    with transaction.atomic():
        facility = administered_facility(actor, facility_id, lock=True)
        withdrawn = FacilityInvitation.objects.filter(
            facility=facility,
            pk=invitation_id if 0 < invitation_id < 2**63 else 0,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
        if not withdrawn:
            if not FacilityInvitation.objects.filter(facility=facility, pk=invitation_id).exists():
                raise NotFound(_("We could not find that invitation."))
            return False
        record_event(
            actor=actor,
            action="invitation.withdrawn",
            subject_ref=f"facility:{facility.pk}",
            details={"invitation": invitation_id},
        )
    return True


def invitation_for_token(token: str) -> FacilityInvitation:
    """The open invitation a link carries; ``NotFound`` for a wrong, used, withdrawn or expired one."""
    if not 20 <= len(token) <= 100:
        raise NotFound(_("This invitation is not valid or has expired."))
    invitation = (
        FacilityInvitation.objects.filter(
            token_hash=_token_hash(token),
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("facility", "practitioner", "user")
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation is not valid or has expired."))
    return invitation


def accept_invitation(*, actor: Any, token: str) -> FacilityInvitation:
    """The invited person, signed in with the invited account, joins the team: as staff with the
    role they were invited to, or as the practitioner whose calendar the facility runs.

    Raises ``NotFound`` for a link that is not open or not theirs (another account learns
    nothing), ``Invalid`` when, since the invitation, they joined another facility's staff or
    another practitioner's profile became theirs.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation.user_id != getattr(actor, "pk", None):
            raise NotFound(_("This invitation is not valid or has expired."))
        claimed = FacilityInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:  # accepted a moment ago, in another tab
            return invitation
        if FacilityStaff.objects.filter(user_id=actor.pk).exclude(facility=invitation.facility).exists():
            raise Invalid(_("Your account already works another facility's portals; ask for an invitation elsewhere."))
        if invitation.kind == FacilityInvitation.Kind.STAFF:
            FacilityStaff.objects.get_or_create(
                user_id=actor.pk, facility=invitation.facility, defaults={"role": invitation.staff_role}
            )
        else:
            practitioner = invitation.practitioner
            assert practitioner is not None  # the table's check says so
            if Practitioner.objects.filter(user_id=actor.pk).exclude(pk=practitioner.pk).exists() or (
                practitioner.user_id not in (None, actor.pk)
            ):
                raise Invalid(_("This account is already another practitioner's."))
            Practitioner.objects.filter(pk=practitioner.pk).update(user_id=actor.pk)
        record_event(
            actor=actor,
            action="invitation.accepted",
            subject_ref=f"facility:{invitation.facility_id}",
            details={"invitation": invitation.pk, "kind": invitation.kind},
        )
    return invitation
