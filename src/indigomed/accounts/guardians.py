"""Dependents (CHILD-3): a member adds their child, or an adult whose legal guardian they are.

A dependent is a member of their own: their own account (which cannot sign in until they take it
over), data key, jurisdiction, ledger chain and rights. Nothing of theirs is filed under the guardian.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.accounts.age import age_on
from indigomed.accounts.models import Guardianship, Member, User
from indigomed.conf import product_setting
from indigomed.errors import Invalid
from indigomed.policy_file import member_rules
from indigomed.records.services import create_personal_profile, seal_member_document
from indigomed.records.sign_in_keys import SEALED_DOMAIN
from indigomed.security.services import record_event

OLDEST = 130
# What a guardianship document may be, read from its first bytes, never from its name.
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def consent_age(country: str) -> int:
    """The age of digital consent where the dependent lives: below it a parent decides for them."""
    ages = member_rules().ages_where(country)
    return ages.parental_consent or ages.minimum


def _checked_document(upload: IO[bytes]) -> tuple[bytes, str]:
    limit = int(product_setting("SCANNED_LETTER_MAX_BYTES"))
    content = upload.read(limit + 1)
    if not content:
        raise Invalid(_("The guardianship document is empty: attach its PDF, PNG or JPEG."), field="document")
    if len(content) > limit:
        raise Invalid(_("The guardianship document is too large: scan it at a lower resolution."), field="document")
    for magic, content_type in _SIGNATURES:
        if content.startswith(magic):
            return content, content_type
    raise Invalid(_("The guardianship document must be a PDF, PNG or JPEG file."), field="document")


def add_dependent(
    *,
    actor: User,
    name: str,
    date_of_birth: dt.date,
    country: str,
    document: IO[bytes] | None = None,
    submission: uuid.UUID | None = None,
) -> Guardianship:
    """The signed-in member adds a dependent: their child under the age of digital consent where
    the child lives, or, with the guardianship document, an adult in their care.

    ``Invalid`` (naming the field) for someone who is not a member, an empty name, a date of birth
    in the future or implausibly old, an unknown country, or someone at or over the age of consent
    without the document; nothing is stored when refused. The form's ``submission`` key sent again
    returns the guardianship it made (a double click adds one dependent, not two)."""
    if not Member.objects.filter(user_id=actor.pk).exists():
        raise Invalid(_("Only members add dependents."))
    if (already := _added_with(actor, submission)) is not None:
        return already
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise Invalid(_("Enter the dependent's full name."), field="name")
    today = timezone.localdate()
    if date_of_birth > today:
        raise Invalid(_("A date of birth cannot be in the future."), field="date_of_birth")
    if age_on(date_of_birth, today) > OLDEST:
        raise Invalid(_("Please check the year of the date of birth."), field="date_of_birth")
    if country not in Member.Country.values:
        raise Invalid(_("Choose the country where the dependent lives."), field="country")
    checked = _checked_document(document) if document is not None else None
    is_child = age_on(date_of_birth, today) < consent_age(country)
    if not is_child and checked is None:
        raise Invalid(
            _("This person is old enough to have their own account: attach the guardianship document."),
            field="document",
        )
    try:
        return _add(actor, name, date_of_birth, country, checked, is_child=is_child, submission=submission)
    except IntegrityError:
        # Its twin, sent at the same moment, added the dependent first: that one stands.
        if (already := _added_with(actor, submission)) is not None:
            return already
        raise


def _added_with(actor: User, submission: uuid.UUID | None) -> Guardianship | None:
    if submission is None:
        return None
    return Guardianship.objects.filter(guardian=actor, submission_key=submission).first()


def _add(
    actor: User,
    name: str,
    date_of_birth: dt.date,
    country: str,
    checked: tuple[bytes, str] | None,
    *,
    is_child: bool,
    submission: uuid.UUID | None,
) -> Guardianship:
    with transaction.atomic():
        # An account nobody can sign in to: an unguessable sealed address and no usable password.
        user = User.objects.create_user(f"dependent-{secrets.token_hex(16)}@{SEALED_DOMAIN}", password=None)
        Member.objects.create(user=user, language=getattr(actor.member, "language", "en"))
        create_personal_profile(member_id=user.pk, name=name, date_of_birth=date_of_birth, country=country)
        sealed = (
            seal_member_document(member_id=user.pk, model=Guardianship, field="document", content=checked[0])
            if checked
            else None
        )
        guardianship = Guardianship.objects.create(
            guardian=actor,
            dependent=user,
            kind=Guardianship.Kind.CHILD if is_child else Guardianship.Kind.ADULT_WARD,
            document=sealed,
            document_type=checked[1] if checked else "",
            submission_key=submission,
        )
        record_event(
            actor=actor,
            action="guardianship.started",
            member_id=user.pk,
            subject_ref=f"guardianship:{guardianship.public_id}",
            details={"kind": guardianship.kind},
        )
    return guardianship
