"""The member's own choice of how and where IndigoMed writes to them (RIGHT-CONFCOMM), no reason
asked: which ways, in which order, at which address or number, each new value checked by a code
before it is used (``contact_checks``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from indigomed.errors import Invalid, NotFound
from indigomed.messaging import contact_checks
from indigomed.messaging.channels import CHANNELS, EMAIL, LETTER, SMS
from indigomed.messaging.phones import normalize_phone
from indigomed.messaging.rights import is_member
from indigomed.messaging.routing import Choice
from indigomed.records.queries import contact_preferences_of
from indigomed.records.services import set_contact_preferences
from indigomed.records.vault import Vault
from indigomed.security.services import record_event


def contact_choice_of(*, actor: Any) -> Choice:
    """The member's own choice of how and where to be written to (the default when none)."""
    vaults = Vault.open_many([actor.pk])
    return Choice.from_stored(contact_preferences_of([actor.pk], vaults).get(actor.pk))


def choose_contact(
    *,
    actor: Any,
    channels: list[str],
    email: str = "",
    phone: str = "",
    postal_address: str = "",
    country: str = "US",
    reminders: bool = True,
    minimal: bool = False,
) -> Choice:
    """The member says which ways IndigoMed may write to them and where, no reason asked.

    A number or another address not already checked is sent a code and used only once the member
    types it back (``contact_checks``); until then the ones checked before stay in use, and a way
    with nothing checked has nowhere to go (messages go the next way, or wait for the office).
    Giving the value already waiting for its code sends no new one. Raises ``Invalid`` when no
    channel is chosen, an address or number is malformed, a chosen channel has nowhere to go (a
    letter needs a postal address, a text a number), or codes were asked for too often; then
    nothing changes.
    """
    if not is_member(actor):
        raise NotFound(gettext("Only members choose how they are written to."))
    chosen = tuple(dict.fromkeys(c for c in channels if c in CHANNELS))
    if not chosen:
        raise Invalid(gettext("Choose at least one way we may write to you."))
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(
                gettext("Enter a valid e-mail address, or leave it empty to use the one you sign in with.")
            ) from exc
    number = normalize_phone(phone, country) if phone.strip() else None
    if SMS in chosen and number is None:
        raise Invalid(gettext("Give the mobile number text messages may go to."))
    postal = "\n".join(line.strip() for line in postal_address.strip().splitlines() if line.strip())
    if LETTER in chosen and len(postal.splitlines()) < 2:
        raise Invalid(gettext("Give the full postal address letters may go to (at least two lines)."))
    if len(postal) > 400:
        raise Invalid(gettext("That postal address is too long."))
    with transaction.atomic():
        stored = contact_checks.stored_choice(actor.pk)
        before = Choice.from_stored(stored)
        given = {contact_checks.PHONE: number, EMAIL: email or None}
        checked = {contact_checks.PHONE: before.phone, EMAIL: before.email}
        # A value given and not checked before waits for its code; the one checked before stays.
        kept = {kind: checked[kind] if value else None for kind, value in given.items()}
        choice = Choice(
            channels=chosen,
            email=kept[EMAIL],
            phone=kept[contact_checks.PHONE],
            postal_address=postal or None,
            reminders=reminders,
            minimal=minimal,
            not_sign_in_address=bool(email),
        )
        # Entries of a value waiting for its code, and when codes were sent, carry over.
        updated = {**stored, **choice.stored()}
        to_check = []
        for kind, value in given.items():
            if value is None or value == checked[kind]:
                contact_checks.drop_pending(updated, kind)
            elif contact_checks.waiting_value(updated, kind) != value:
                to_check.append((kind, value))
        set_contact_preferences(member_id=actor.pk, choice=updated)
        for kind, value in to_check:
            contact_checks.start(member_id=actor.pk, kind=kind, value=value, adds_channel=False)
        # Which ways, never where: the addresses stay sealed in records.
        record_event(
            actor=actor,
            action="contact.chosen",
            member_id=actor.pk,
            subject_ref=f"member:{actor.pk}",
            details={
                "channels": list(chosen),
                "reminders": reminders,
                "minimal": minimal,
                "codes_sent": [kind for kind, _value in to_check],
            },
        )
    return choice


def contact_checks_waiting(*, actor: Any) -> dict[str, str]:
    """The member's new number or address still waiting for its code, by kind (``phone``, ``email``)."""
    stored = contact_checks.stored_choice(actor.pk)
    found = {kind: contact_checks.waiting_value(stored, kind) for kind in contact_checks.KINDS}
    return {kind: value for kind, value in found.items() if value}
