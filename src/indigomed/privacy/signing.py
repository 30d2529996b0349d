"""What a member signs: authorizations (USE-4), signed and revoked, and restriction requests
(the RIGHT-RESTRICT engine), each with its audit event in one transaction. The decision point
reads them (``privacy.services.disclose``); the office decides restrictions in
``privacy.restrictions``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.errors import Invalid, NotFound
from indigomed.privacy import sealed
from indigomed.privacy.models import Authorization, Restriction
from indigomed.privacy.policy import current_policy
from indigomed.records.vault import Vault
from indigomed.security.services import record_event

# --- Authorizations (USE-4) ----------------------------------------------------------------------


def sign_authorization(
    *,
    actor: User,
    recipient_ref: str,
    recipient_label: str,
    purposes: list[str],
    categories: list[str],
    tags: list[str],
    information: str,
    signed_name: str,
    explicit_consent: bool,
    expires_at: dt.datetime,
) -> Authorization:
    """The member signs an authorization: typed full name, date, explicit consent, what, to whom, why, until when.

    Raises ``PolicyError`` for an unknown purpose, category or tag and ``Invalid`` for a
    missing signature or consent, an expiry in the past, or a purpose never allowed.
    """
    policy = current_policy()
    if not purposes or not categories:
        raise Invalid(gettext("Say which purposes and which information the authorization covers."))
    for name in purposes:
        if policy.purpose(name).forbidden:
            raise Invalid(
                gettext("%(label)s: IndigoMed never does this, even with an authorization.")
                % {"label": policy.purpose(name).label}
            )
    policy.check_categories(categories)
    policy.check_tags(tags)
    if not explicit_consent:
        raise Invalid(gettext("Tick the box that says you agree, or do not sign."))
    if len(signed_name.split()) < 2:
        raise Invalid(gettext("Type your full name as your signature."))
    now = timezone.now()
    if expires_at <= now:
        raise Invalid(gettext("The authorization must end in the future."))
    if not recipient_ref or not recipient_label.strip():
        raise Invalid(gettext("Say who may receive the information."))
    with transaction.atomic():
        authorization = Authorization.objects.create(
            member=actor,
            recipient_ref=recipient_ref,
            recipient_label=recipient_label.strip(),
            purposes=sorted(set(purposes)),
            categories=sorted(set(categories)),
            **sealed.seal(
                member_id=actor.pk, tags=tags, information=information.strip(), signed_name=signed_name.strip()
            ),
            signed_at=now,
            explicit_consent=True,
            expires_at=expires_at,
        )
        # The sensitive kinds it covers stay sealed: the event names only the authorization.
        record_event(
            actor=actor,
            action="authorization.signed",
            member_id=actor.pk,
            subject_ref=f"authorization:{authorization.public_id}",
        )
    return authorization


def revoke_authorization(*, actor: User, public_id: str) -> Authorization:
    """Revoke from now on; disclosures already made stay in the ledger (USE-4)."""
    authorization = Authorization.objects.filter(member=actor, public_id=public_id).first()
    if authorization is None:
        raise NotFound(gettext("We could not find that authorization."))
    with transaction.atomic():
        revoked = Authorization.objects.filter(pk=authorization.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record_event(
                actor=actor,
                action="authorization.revoked",
                member_id=actor.pk,
                subject_ref=f"authorization:{authorization.public_id}",
            )
    authorization.refresh_from_db(fields=["revoked_at"])
    return authorization


# --- Restrictions (RIGHT-RESTRICT engine) --------------------------------------------------------


def request_restriction(
    *,
    actor: User,
    categories: list[str],
    purposes: list[str],
    signed_name: str,
    explicit_consent: bool,
    limits: str = Restriction.Limits.BOTH,
    recipient_ref: str = "",
    recipient_label: str = "",
    paid_in_full: bool = False,
    request_public_id: uuid.UUID | None = None,
    signed_at: dt.datetime | None = None,
) -> Restriction:
    """The member asks, signed and dated, that some information not be used, disclosed or both
    (for some purposes, to someone). Binds nobody until the office accepts it.

    This is the engine: it checks the policy's vocabulary and the signature, not who the member
    names. Members file through ``office.file_restriction``, which checks that too. Raises
    ``PolicyError`` for an unknown purpose or category, ``Invalid`` for unknown limits or a
    missing signature or consent. ``signed_at`` is the date of a letter the office entered (the
    member signed it then); online, the request is signed when it is made.
    """
    policy = current_policy()
    policy.check_categories(categories)
    for name in purposes:
        policy.purpose(name)
    if limits not in Restriction.Limits.values:
        raise Invalid(gettext("Say whether the restriction limits use, disclosure or both."), field="limits")
    if not explicit_consent:
        raise Invalid(
            gettext("Tick the box that says you ask for this restriction, or do not sign."), field="explicit_consent"
        )
    if len(signed_name.split()) < 2:
        raise Invalid(gettext("Type your full name as your signature."), field="signed_name")
    now = timezone.now()
    with transaction.atomic():
        restriction = Restriction.objects.create(
            member=actor,
            categories=sorted(set(categories)),
            purposes=sorted(set(purposes)),
            limits=limits,
            recipient_ref=recipient_ref,
            recipient_label=recipient_label,
            paid_in_full=paid_in_full,
            request_public_id=request_public_id,
            signed_name=Vault.open_for(actor.pk).seal(Restriction, "signed_name", signed_name.strip()),
            explicit_consent=True,
            signed_at=min(signed_at or now, now),
            requested_at=now,
        )
        record_event(
            actor=actor,
            action="restriction.requested",
            member_id=actor.pk,
            subject_ref=f"restriction:{restriction.public_id}",
            details={"limits": limits},
        )
    return restriction
