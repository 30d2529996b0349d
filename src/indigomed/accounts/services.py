"""Account changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.accounts.age import needs_parental_consent
from indigomed.accounts.models import Member, User
from indigomed.conf import product_setting
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.services import queue_parental_consent_request
from indigomed.records.services import create_personal_profile
from indigomed.security.services import record_event

_CONSENT_SALT = "indigomed.parental-consent"


def create_member_profile(
    *, user: User, name: str, date_of_birth: dt.date, country: str, parent_email: str = "", language: str = "en"
) -> Member:
    """Make a freshly signed-up user a member. The age gate has already run in the form.

    A member who needs a parent's consent (CHILD-1, France under 15) gets it asked for by
    e-mail once the sign-up commits; ``Invalid`` if no parent address was given.
    """
    needed = needs_parental_consent(date_of_birth, country, timezone.localdate())
    if needed and not parent_email:
        raise Invalid(_("A parent or guardian's e-mail address is needed."))
    member = Member.objects.create(
        user=user,
        parental_consent_needed=needed,
        parental_consent_requested_at=timezone.now() if needed else None,
        language=language if language in dict(Member.LANGUAGES) else "en",
    )
    guardian = parent_email if needed else None
    create_personal_profile(
        member_id=user.pk,
        name=name,
        date_of_birth=date_of_birth,
        country=country,
        guardian_email=guardian,
    )
    if guardian:
        # The parent's address is kept only sealed with the member's data; the request is queued
        # from the address in hand, in the sign-up's transaction.
        send_parental_consent_request(member_id=member.pk, parent_email=guardian)
    return member


def parental_consent_token(member: Member) -> str:
    return signing.dumps(member.user.public_id.hex, salt=_CONSENT_SALT)


def send_parental_consent_request(*, member_id: int, parent_email: str) -> None:
    """Queue an e-mail to the parent with a link to give their consent, in the sign-up's transaction.

    Of the child it carries only the name they signed up with (so the parent knows who named
    them): no address, no date of birth, no health information. Nothing goes out if the
    account's data was shredded before the request could.
    """
    member = Member.objects.select_related("user").get(pk=member_id)
    link = settings.SITE_URL + reverse("parental_consent", args=[parental_consent_token(member)])
    days = product_setting("PARENTAL_CONSENT_LINK_DAYS")
    queue_parental_consent_request(address=parent_email, member_id=member.user_id, link=link, days=days)


def member_for_consent_token(token: str) -> Member:
    """The member a consent link names; ``NotFound`` for a forged or expired link."""
    max_age = dt.timedelta(days=product_setting("PARENTAL_CONSENT_LINK_DAYS"))
    try:
        public_id = signing.loads(token, salt=_CONSENT_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise NotFound(_("This consent link is not valid or has expired.")) from exc
    member = Member.objects.select_related("user").filter(user__public_id=public_id).first()
    if member is None or not member.parental_consent_needed:
        raise NotFound(_("This consent link is not valid or has expired."))
    return member


def give_parental_consent(*, token: str) -> Member:
    """Record the parent's consent from their link; giving it twice keeps the first date."""
    member = member_for_consent_token(token)
    with transaction.atomic():
        given = Member.objects.filter(pk=member.pk, parental_consent_at__isnull=True).update(
            parental_consent_at=timezone.now()
        )
        if given:
            # The parent acts through their link, without an account: no actor, the member by reference.
            record_event(
                actor=None,
                action="parental_consent.given",
                member_id=member.user_id,
                subject_ref=f"member:{member.user_id}",
            )
    member.refresh_from_db(fields=["parental_consent_at"])
    return member


def choose_language(*, actor: User, language: str) -> None:
    """The member chooses the language IndigoMed writes to them in; ``Invalid`` for one it does not write."""
    if language not in dict(Member.LANGUAGES):
        raise Invalid(_("Choose English or French."))
    member = Member.objects.filter(user_id=actor.pk)
    if not member.exists():
        raise NotFound(_("Only members choose the language they are written to in."))
    with transaction.atomic():
        # Choosing the language already chosen changes nothing, and records nothing.
        if member.exclude(language=language).update(language=language):
            record_event(
                actor=actor,
                action="language.chosen",
                member_id=actor.pk,
                subject_ref=f"member:{actor.pk}",
                details={"language": language},
            )
