"""Who joins a facility's team: invitations by e-mail, accepting them, attaching a practitioner
already in the directory. These compose the directory's writes with accounts and the outbox, so
they live above all three, each in one transaction.

An invitation names an account, never an address: the typed address becomes (or finds) an
account whose address is sealed with it, and the message goes through the outbox to that account.
The link's secret is in the message only; the directory keeps its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.conf import product_setting
from indigomed.directory import invitations, people
from indigomed.directory import services as directory
from indigomed.directory.models import FacilityInvitation, FacilityStaff, PractitionerRole
from indigomed.errors import Invalid
from indigomed.messaging.services import send_to_member
from indigomed.records.sign_in_keys import SEALED_DOMAIN, normalize_address, sign_in_key
from indigomed.scheduling.regeneration import regenerate_open_slots


def checked_address(typed: str) -> str:
    """An address a message can reach, normalised; ``Invalid`` (field ``email``) otherwise."""
    address = normalize_address(typed or "")
    local, _, domain = address.rpartition("@")
    # RFC 5321: no mail server takes a longer name or address, so the invitation could never arrive.
    if not address or len(local) > 64 or len(address) > 254 or domain == SEALED_DOMAIN:
        raise Invalid(gettext("Enter an address the person can receive e-mail at."), field="email")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise Invalid(gettext("Enter a valid e-mail address."), field="email") from exc
    return address


def _account_for(address: str, *, display_name: str) -> User:
    """The account that signs in with ``address``, made (without a password) if there is none."""
    existing = User.objects.filter(email=sign_in_key(address)).first()
    if existing is not None:
        return existing
    return User.objects.create_user(address, None, display_name=display_name)


def _partners_site() -> str:
    """Where the invitation's link points: the Partners host when one is named, else the site."""
    host = settings.PARTNERS_HOST
    if host:
        return f"{urlsplit(settings.SITE_URL).scheme or 'https'}://{host}"
    return str(settings.SITE_URL).rstrip("/")


def _send_invitation(actor: Any, invitation: FacilityInvitation, token: str, what: str) -> None:
    days = int(product_setting("INVITATION_DAYS"))
    link = _partners_site() + reverse("partners:invitation", args=[token])
    send_to_member(
        member_id=invitation.user_id,
        # The subject names no one and no place: it is read on lock screens.
        subject=gettext("IndigoMed: an invitation to join a practice"),
        body=gettext(
            "Hello,\n\n%(facility)s invites you to join its team on IndigoMed %(what)s.\n\n"
            "To accept, open this link within %(days)s days:\n%(link)s\n\n"
            "If you did not expect this, ignore this message: nothing happens unless you accept."
        )
        % {"facility": invitation.facility.name, "what": what, "days": days, "link": link},
        reason="invitation",
        actor_user_id=actor.pk,
    )


@dataclass(frozen=True, slots=True)
class Invited:
    """What an invitation did: the invitation (``None`` if the same one was already waiting)."""

    invitation: FacilityInvitation | None
    role: PractitionerRole | None = None


def _waiting(facility_id: int, user: User | None, kind: str) -> bool:
    return user is not None and (
        FacilityInvitation.objects.filter(
            facility_id=facility_id, user=user, kind=kind, accepted_at__isnull=True, withdrawn_at__isnull=True
        )
        .filter(expires_at__gt=timezone.now())
        .exists()
    )


def invite_practitioner(*, actor: Any, facility_id: int, email: str, new: people.NewPractitioner) -> Invited:
    """Add a practitioner new to IndigoMed to the facility and e-mail them a link to their own
    sign-in. Their calendar is the facility's at once (the admin opens it in Partners); accepting
    lets them see it in Connect.

    Refused (``Invalid``, nothing written): a bad address, one already on another facility's staff,
    one already a practitioner's (attach them instead). The same invitation sent twice sends one.
    """
    address = checked_address(email)
    with transaction.atomic():
        directory.administered_facility(actor, facility_id, lock=True)
        known = User.objects.filter(email=sign_in_key(address)).first()
        if _waiting(facility_id, known, FacilityInvitation.Kind.PRACTITIONER):
            return Invited(None)
        role = people.add_practitioner(actor=actor, facility_id=facility_id, new=new)
        user = known or _account_for(address, display_name=role.practitioner.display_name)
        opened = invitations.open_invitation(
            actor=actor,
            facility_id=facility_id,
            user_id=user.pk,
            kind=FacilityInvitation.Kind.PRACTITIONER,
            role_id=role.pk,
        )
        if opened is None:  # raced by the same submit: the first one stands
            transaction.set_rollback(True)
            return Invited(None)
        invitation, token = opened
        _send_invitation(actor, invitation, token, gettext("as %(name)s") % {"name": role.practitioner.display_name})
    return Invited(invitation, role)


def invite_staff(*, actor: Any, facility_id: int, email: str, name: str, staff_role: str) -> Invited:
    """E-mail a link that makes the address's account front desk or HCF admin of the facility.

    Refused (``Invalid``, nothing written): a bad address or name, one already on this or another
    facility's staff. The same invitation sent twice sends one.
    """
    address = checked_address(email)
    display_name = directory.clean_text(name, field="name", label=gettext("person's name"), max_length=120)
    with transaction.atomic():
        directory.administered_facility(actor, facility_id, lock=True)
        known = User.objects.filter(email=sign_in_key(address)).first()
        if _waiting(facility_id, known, FacilityInvitation.Kind.STAFF):
            return Invited(None)
        user = known or _account_for(address, display_name=display_name)
        opened = invitations.open_invitation(
            actor=actor,
            facility_id=facility_id,
            user_id=user.pk,
            kind=FacilityInvitation.Kind.STAFF,
            staff_role=staff_role,
        )
        if opened is None:
            transaction.set_rollback(True)
            return Invited(None)
        invitation, token = opened
        label = gettext("as an HCF admin") if staff_role == FacilityStaff.Role.ADMIN else gettext("at the front desk")
        _send_invitation(actor, invitation, token, label)
    return Invited(invitation)


def accept_with_new_password(*, token: str, password: str, confirm: str) -> User:
    """The invitee of an account made by the invitation chooses its password and joins the team;
    the link, which only their mailbox received, confirms their address. Returns the account, for
    the page to sign in.

    Raises ``NotFound`` for a link that is not open, ``Invalid`` (field ``password``) for a
    password the rules refuse or one typed differently twice, and for an account that already
    has a password (its owner signs in to accept).
    """
    invitation = invitations.invitation_for_token(token)
    user = invitation.user
    if user.has_usable_password():
        raise Invalid(gettext("This account has a password already: sign in to accept."), field="password")
    if password != confirm:
        raise Invalid(gettext("The two passwords differ."), field="confirm")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from exc
    with transaction.atomic():
        # Only the first of two tabs sets the password.
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.has_usable_password():
            raise Invalid(gettext("This account has a password already: sign in to accept."), field="password")
        locked.set_password(password)
        locked.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=locked, email=locked.email, defaults={"verified": True, "primary": True}
        )
        invitations.accept_invitation(actor=locked, token=token)
    return locked


def attach_practitioner(*, actor: Any, facility_id: int, practitioner_id: int) -> PractitionerRole:
    """A practitioner of the directory starts practising here too (or again): their calendar here
    opens from its weekly hours, and, if they sign in to IndigoMed, they are told."""
    with transaction.atomic():
        role, changed = people.attach_practitioner(
            actor=actor, facility_id=facility_id, practitioner_id=practitioner_id
        )
        if changed:
            regenerate_open_slots(role)
            user_id = role.practitioner.user_id
            if user_id is not None:
                send_to_member(
                    member_id=user_id,
                    subject=gettext("IndigoMed: a practice added you to its team"),
                    body=gettext(
                        "Hello,\n\n%(facility)s added you to the practitioners who see patients there. "
                        "Its calendar is in Connect when you sign in.\n\n"
                        "If this is a mistake, tell the practice: it can take you off its team."
                    )
                    % {"facility": role.facility.name},
                    reason="team-attached",
                    actor_user_id=actor.pk,
                )
    return role
