"""Amendments (RIGHT-AMEND): the member asks to correct one record; the privacy office accepts or
denies; the people who had the old value are told; a denial may carry the member's statement of
disagreement and the office's rebuttal, which travel with every later disclosure of the record.

``records.amendments`` keeps the sealed values and writes the record; this module decides who may
do what, writes the audit events and puts the messages in the outbox, each in the transaction of
its change. Reads are in ``privacy.amendment_queries``, values and labels in
``privacy.amendment_values``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.accounts.roles import load_actor
from indigomed.directory.models import FacilityStaff, Practitioner
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.rights import queue_amendment_notices, queue_rights_update
from indigomed.privacy.amendment_queries import Received, office_amendment, own_record, who_received
from indigomed.privacy.amendment_values import STATEMENT_MAX, WHY_MAX, proposed_value
from indigomed.privacy.decisions import Recipient
from indigomed.records import amendments as kept
from indigomed.records.amendments import Target, Value
from indigomed.records.models import Amendment, AmendmentRecipient
from indigomed.security.services import record_event


def check_amendment(*, actor: User, record: str, proposed: str, why: str) -> tuple[Target, Value]:
    """What a member's request would ask of one record of theirs, checked before anything is filed.

    ``NotFound`` for a record that is not the member's (another member's is not found either);
    ``Invalid`` for a value the record cannot hold or holds already, a missing or overlong reason,
    or while a request for the same record waits.
    """
    if not load_actor(actor).is_member:
        raise NotFound(gettext("We could not find that record among yours."))
    target, _, _ = own_record(actor=actor, record=record)
    value = proposed_value(target, proposed)
    why = why.strip()
    if not why:
        raise Invalid(gettext("Say why the record should change."), field="why")
    if len(why) > WHY_MAX:
        raise Invalid(gettext("Keep the reason under %(why_max)s characters.") % {"why_max": WHY_MAX}, field="why")
    if value == kept.value_of(actor.pk, target)[1]:
        raise Invalid(gettext("The record already says that."), field="proposed")
    if Amendment.objects.filter(member=actor, record=target.record, status=Amendment.Status.REQUESTED).exists():
        raise Invalid(WAITING)
    return target, value


WAITING = "You already asked to correct this record; the privacy office has not answered yet."


def request_amendment(*, actor: User, record: str, proposed: str, why: str, request_public_id: uuid.UUID) -> Amendment:
    """Keep what the member's request on the desk (``request_public_id``, signed and dated there)
    asks of one of their records, in the desk's filing transaction: the value they ask for and why.

    Raises as ``check_amendment`` does, and ``Invalid`` for a double submit racing this one.
    """
    target, value = check_amendment(actor=actor, record=record, proposed=proposed, why=why)
    try:
        with transaction.atomic():
            amendment = kept.file_amendment(
                member_id=actor.pk,
                target=target,
                proposed=value,
                why=why.strip(),
                request_public_id=request_public_id,
            )
            record_event(
                actor=actor,
                action="amendment.requested",
                member_id=actor.pk,
                subject_ref=f"amendment:{amendment.public_id}",
                details={"record": target.kind, "field": target.field, "request": request_public_id},
            )
    except IntegrityError as exc:
        raise Invalid(WAITING) from exc
    return amendment


def _accounts_at(received: Sequence[Received]) -> dict[str, set[int]]:
    """The IndigoMed accounts at each recipient: a practitioner's own, a facility's staff."""
    accounts: dict[str, set[int]] = {r.ref: set() for r in received}
    practitioners = Recipient.ids_of("practitioner", accounts)
    for pk, user_id in Practitioner.objects.filter(pk__in=practitioners, user__isnull=False).values_list(
        "pk", "user_id"
    ):
        accounts[f"practitioner:{pk}"].add(user_id)
    facilities = Recipient.ids_of("facility", accounts)
    for facility_id, user_id in FacilityStaff.objects.filter(facility_id__in=facilities).values_list(
        "facility_id", "user_id"
    ):
        accounts[f"facility:{facility_id}"].add(user_id)
    return accounts


def _tell_recipients(amendment: Amendment, target: Target, officer: User) -> tuple[int, int]:
    """Tell everyone who had received the replaced value: at their accounts, or through the office.
    Returns how many recipients were told each way."""
    received = who_received(member_id=amendment.member_id, target=target, before=timezone.now())
    if not received:
        return 0, 0
    accounts = _accounts_at(received)
    rows, users, by_hand = [], set(), []
    for r in received:
        via = AmendmentRecipient.Via.ACCOUNT if accounts[r.ref] else AmendmentRecipient.Via.OFFICE
        rows.append(
            AmendmentRecipient(
                amendment=amendment, recipient_ref=r.ref, recipient_label=r.label, purpose=r.purpose, told_via=via
            )
        )
        users |= accounts[r.ref]
        if via == AmendmentRecipient.Via.OFFICE:
            by_hand.append(r.label)
    AmendmentRecipient.objects.bulk_create(rows)
    about = f"amendment:{amendment.public_id}"
    today = timezone.localdate()
    if users:
        queue_amendment_notices(
            user_ids=users,
            kind="amendment-recipient",
            about_ref=about,
            link=reverse("connect:amendment", args=[amendment.public_id]),
            actor_user_id=officer.pk,
            amended_on=today,
        )
    if by_hand:
        queue_amendment_notices(
            user_ids=PrivacyOfficer.objects.values_list("user_id", flat=True),
            kind="amendment-pass-on",
            about_ref=about,
            link=reverse("office:amendment", args=[amendment.public_id]),
            actor_user_id=officer.pk,
            amended_on=today,
            recipients=by_hand,
        )
    return len(received) - len(by_hand), len(by_hand)


def _tell_member(amendment: Amendment, kind: str, officer: User) -> None:
    queue_rights_update(
        member_id=amendment.member_id,
        kind=kind,
        about_ref=f"amendment:{amendment.public_id}",
        link=reverse("my_amendments"),
        actor_user_id=officer.pk,
    )


def _answerable(officer: User, public_id: str, for_request: uuid.UUID) -> Amendment:
    """The amendment the desk's request answers; ``NotFound`` when that request asks no such one."""
    amendment = office_amendment(officer, public_id)
    if amendment.request_public_id != for_request:
        raise NotFound(gettext("We could not find that request."))
    return amendment


def accept_amendment(*, officer: User, public_id: str, for_request: uuid.UUID) -> tuple[Amendment, int]:
    """The office accepts, as it answers the desk's request ``for_request`` (which tells the
    member): the new value goes into the record, the value it replaces is kept with the amendment,
    and everyone the ledger says had received the record is told, at their IndigoMed account or
    through the office for those without one; one transaction. Returns the amendment and how many
    recipients are being told.

    ``NotFound`` for anyone but the office or an amendment that request does not ask for;
    ``Invalid`` once decided.
    """
    amendment = _answerable(officer, public_id, for_request)
    target = kept.target_of(amendment.record)
    if target is None:
        raise Invalid(gettext("This request names no record IndigoMed keeps."))
    with transaction.atomic():
        if not kept.apply_amendment(amendment=amendment, officer_id=officer.pk):
            raise Invalid(gettext("This request was already answered."))
        told, passed_on = _tell_recipients(amendment, target, officer)
        record_event(
            actor=officer,
            action="amendment.accepted",
            member_id=amendment.member_id,
            subject_ref=f"amendment:{amendment.public_id}",
            details={"record": target.kind, "field": target.field, "told": told, "passed_on": passed_on},
        )
    amendment.refresh_from_db()
    return amendment, told + passed_on


def deny_amendment(*, officer: User, public_id: str, basis: str, explanation: str, for_request: uuid.UUID) -> Amendment:
    """The office denies, as it answers the desk's request ``for_request`` (which tells the
    member), on one of the grounds the law allows, explained in its own words; the member may then
    file a statement of disagreement.

    ``NotFound`` for anyone but the office or an amendment that request does not ask for;
    ``Invalid`` for an unknown basis, a missing explanation, or once decided.
    """
    amendment = _answerable(officer, public_id, for_request)
    check_denial(basis=basis, explanation=explanation)
    with transaction.atomic():
        if not kept.deny_amendment(
            amendment=amendment, basis=basis, explanation=explanation.strip(), officer_id=officer.pk
        ):
            raise Invalid(gettext("This request was already answered."))
        record_event(
            actor=officer,
            action="amendment.denied",
            member_id=amendment.member_id,
            subject_ref=f"amendment:{amendment.public_id}",
            details={"basis": basis},
        )
    amendment.refresh_from_db()
    return amendment


def check_denial(*, basis: str, explanation: str) -> None:
    """A denial names a basis the law allows and explains it; ``Invalid`` (on its field) otherwise."""
    if basis not in Amendment.Basis.values:
        raise Invalid(gettext("Choose the basis of the denial."), field="basis")
    explanation = explanation.strip()
    if len(explanation.split()) < 3:
        raise Invalid(gettext("Explain the denial to the member, in a sentence or more."), field="explanation")
    if len(explanation) > STATEMENT_MAX:
        raise Invalid(
            gettext("Keep the explanation under %(statement_max)s characters.") % {"statement_max": STATEMENT_MAX},
            field="explanation",
        )


def _statement(text: str, field: str) -> str:
    text = text.strip()
    if len(text.split()) < 3:
        raise Invalid(gettext("Write a sentence or more."), field=field)
    if len(text) > STATEMENT_MAX:
        raise Invalid(
            gettext("Keep it under %(statement_max)s characters.") % {"statement_max": STATEMENT_MAX}, field=field
        )
    return text


def file_disagreement(*, actor: User, public_id: str, statement: str) -> Amendment:
    """The member files a statement of disagreement with a denial; from then on it goes with every
    disclosure of the record. One per denial.

    ``NotFound`` for a request that is not the member's; ``Invalid`` for one not denied, one that
    already has a statement, or an empty or overlong statement.
    """
    amendment = Amendment.objects.filter(member=actor, public_id=public_id).first()
    if amendment is None:
        raise NotFound(gettext("We could not find that request."))
    if amendment.status != Amendment.Status.DENIED:
        raise Invalid(gettext("A statement of disagreement answers a denial; this request was not denied."))
    text = _statement(statement, "statement")
    with transaction.atomic():
        if not kept.add_disagreement(amendment=amendment, statement=text):
            raise Invalid(gettext("You already filed a statement about this denial."))
        record_event(
            actor=actor,
            action="amendment.disagreement_filed",
            member_id=actor.pk,
            subject_ref=f"amendment:{amendment.public_id}",
        )
    amendment.refresh_from_db()
    return amendment


def write_rebuttal(*, officer: User, public_id: str, text: str) -> Amendment:
    """The office answers a statement of disagreement; the rebuttal travels with it and the member
    is told (and can read it on their page). One per statement.

    ``NotFound`` for anyone but the office or an unknown request; ``Invalid`` without a statement
    to answer, for a second rebuttal, or an empty or overlong one.
    """
    amendment = office_amendment(officer, public_id)
    if amendment.disagreement is None:
        raise Invalid(gettext("There is no statement of disagreement to answer."))
    rebuttal = _statement(text, "rebuttal")
    with transaction.atomic():
        if not kept.add_rebuttal(amendment=amendment, text=rebuttal, officer_id=officer.pk):
            raise Invalid(gettext("The office already answered this statement."))
        _tell_member(amendment, "amendment-rebuttal", officer)
        record_event(
            actor=officer,
            action="amendment.rebutted",
            member_id=amendment.member_id,
            subject_ref=f"amendment:{amendment.public_id}",
        )
    amendment.refresh_from_db()
    return amendment
