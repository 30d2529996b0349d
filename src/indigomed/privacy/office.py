"""What the privacy office does: register business partners, handle legal demands, announce
transfers; restrictions are decided in ``privacy.restrictions``."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.services import queue_transfer_notice
from indigomed.privacy.decisions import Decision, Recipient
from indigomed.privacy.models import BusinessPartner, Disclosure, TransferNotice, TransferNotification
from indigomed.privacy.policy import current_policy

# Restrictions live in ``privacy.restrictions``; the office's names for them stay importable here.
from indigomed.privacy.restrictions import HEALTH_PLAN_LABEL as HEALTH_PLAN_LABEL
from indigomed.privacy.restrictions import HEALTH_PLAN_REF as HEALTH_PLAN_REF
from indigomed.privacy.restrictions import decide_restriction as decide_restriction
from indigomed.privacy.restrictions import file_restriction as file_restriction
from indigomed.privacy.restrictions import must_be_accepted as must_be_accepted
from indigomed.privacy.services import Item, disclose
from indigomed.records.vault import Vault
from indigomed.security.models import LegalDemand
from indigomed.security.services import Access, log_accesses, record_event

# --- Business partners (USE-6) --------------------------------------------------------------------


def register_partner(
    *,
    officer: User,
    slug: str,
    name: str,
    agreement_reference: str,
    agreement_signed_on: dt.date,
    purposes: list[str],
    categories: list[str],
) -> BusinessPartner:
    """The privacy office registers a processor with its agreement and scope.

    A scope naming a purpose the policy forbids (sale) is refused, whatever else is configured.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office registers business partners."))
    policy = current_policy()
    for name_ in purposes:
        if policy.purpose(name_).forbidden:
            raise Invalid(
                gettext("%(label)s: IndigoMed never does this, for anyone.") % {"label": policy.purpose(name_).label}
            )
    policy.check_categories(categories)
    if not agreement_reference.strip() or not name.strip():
        raise Invalid(gettext("A business partner needs a name and a signed agreement."))
    _fits(BusinessPartner, slug=slug, name=name.strip(), agreement_reference=agreement_reference.strip())
    if agreement_signed_on > timezone.localdate():
        raise Invalid(gettext("The agreement's signing date is in the future: give the date it was signed."))
    if BusinessPartner.objects.filter(slug=slug).exists():
        raise Invalid(
            gettext("A business partner is already registered as “%(slug)s”; nothing was changed.") % {"slug": slug}
        )
    try:
        # A savepoint, so that losing a race for the slug leaves the caller's transaction usable.
        with transaction.atomic():
            partner = BusinessPartner.objects.create(
                slug=slug,
                name=name.strip(),
                agreement_reference=agreement_reference.strip(),
                agreement_signed_on=agreement_signed_on,
                purposes=sorted(set(purposes)),
                categories=sorted(set(categories)),
            )
            record_event(
                actor=officer,
                action="partner.registered",
                subject_ref=f"partner:{partner.pk}",
                details={"purposes": partner.purposes, "categories": partner.categories},
            )
            return partner
    except IntegrityError as exc:
        raise Invalid(
            gettext("A business partner is already registered as “%(slug)s”; nothing was changed.") % {"slug": slug}
        ) from exc


def _fits(model: type[models.Model], **values: str) -> None:
    """Refuse a value longer than its column, which PostgreSQL rejects and SQLite stores whole."""
    for name, value in values.items():
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        if field.max_length is not None and len(value) > field.max_length:
            raise Invalid(
                gettext("%(field)s: at most %(max_length)s characters.")
                % {"field": str(field.verbose_name).capitalize(), "max_length": field.max_length}
            )


# --- Legal demands (LEGAL-1) ----------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# A release names its recipient as "<issuer> (<kind> <reference>)" in the ledger and the access log;
# these limits make every issuer, kind and reference fit there whole.
_LABEL_MAX = 200
_LONGEST_KIND = max(len(str(label)) for label in LegalDemand.Kind.labels)
DEMAND_ISSUER_MAX = 120
DEMAND_REFERENCE_MAX = _LABEL_MAX - DEMAND_ISSUER_MAX - _LONGEST_KIND - len(" ( )")


def record_legal_demand(
    *,
    officer: User,
    member_id: int,
    kind: str,
    reference: str,
    issued_by: str,
    categories: Sequence[str],
    document: File,
) -> LegalDemand:
    """The privacy office records a demand with its document and the categories of information it
    asks for; nothing is released by recording it, and only those categories can be released under it
    (USE-3, LEGAL-1). ``Invalid`` for a demand without categories or with one the policy does not know."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office records legal demands."))
    if kind not in LegalDemand.Kind.values:
        raise Invalid(gettext("Choose court order, subpoena or warrant."))
    if not reference.strip() or not issued_by.strip():
        raise Invalid(gettext("Give the demand's reference and who issued it."))
    if len(issued_by.strip()) > DEMAND_ISSUER_MAX:
        raise Invalid(
            gettext("Name the court or authority in at most %(demand_issuer_max)s characters.")
            % {"demand_issuer_max": DEMAND_ISSUER_MAX}
        )
    if len(reference.strip()) > DEMAND_REFERENCE_MAX:
        raise Invalid(
            gettext("Give the docket or case number in at most %(demand_reference_max)s characters.")
            % {"demand_reference_max": DEMAND_REFERENCE_MAX}
        )
    if not categories:
        raise Invalid(gettext("Choose the information the demand asks for."))
    current_policy().check_categories(list(categories))  # a PolicyError is an Invalid, with its message
    if not document or document.size is None or document.size == 0:
        raise Invalid(gettext("Attach the demand's document."))
    if document.size > MAX_DOCUMENT_BYTES:
        raise Invalid(gettext("The document is larger than 20 MB."))
    if LegalDemand.objects.filter(
        member_id=member_id, kind=kind, reference=reference.strip(), issued_by=issued_by.strip()
    ).exists():
        raise Invalid(gettext("This demand is already recorded for this member; nothing was recorded again."))
    demand = LegalDemand(
        member_id=member_id,
        kind=kind,
        reference=reference.strip(),
        issued_by=issued_by.strip(),
        categories=sorted(set(categories)),
        document_type=_document_type(document),
        recorded_by_id=officer.pk,
    )
    # A demand names the member and what it wants of their records: it is kept sealed like them.
    sealed = Vault.open_for(member_id).seal_document(LegalDemand, "document", document.read())
    demand.document.save(f"{demand.public_id}.sealed", ContentFile(sealed), save=False)
    with transaction.atomic():
        demand.save()
        record_event(
            actor=officer,
            action="legal_demand.recorded",
            member_id=member_id,
            subject_ref=f"legal_demand:{demand.public_id}",
            details={"kind": kind},
        )
    return demand


def _document_type(document: File) -> str:
    declared = str(getattr(document, "content_type", "") or "")
    return declared if mimetypes.guess_extension(declared) else "application/octet-stream"


@dataclass(frozen=True)
class DemandDocument:
    content: bytes
    content_type: str
    filename: str


def open_legal_demand_document(*, officer: User, demand_public_id: str) -> DemandDocument:
    """The privacy office reads a demand's document; the read is in the access log like any other."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that legal demand."))
    demand = LegalDemand.objects.filter(public_id=demand_public_id).first()
    if demand is None:
        raise NotFound(gettext("We could not find that legal demand."))
    with demand.document.open("rb") as stored:
        content = Vault.open_for(demand.member_id).open_document(LegalDemand, "document", stored.read())
    log_accesses(
        [
            Access(
                member_id=demand.member_id,
                actor_user_id=officer.pk,
                recipient_ref="office:privacy",
                recipient_label="Privacy office",
                purpose="required_by_law",
                categories="legal demand document",
                allowed=True,
                rule=f"legal-demand:{demand.pk}",
            )
        ]
    )
    extension = mimetypes.guess_extension(demand.document_type) or ""
    return DemandDocument(content, demand.document_type, f"legal-demand-{demand.public_id}{extension}")


def release_under_legal_demand(
    *, officer: User, demand_public_id: str, categories: list[str], refs: list[str]
) -> list[Decision]:
    """Release what a demand asks for; the release is a ledger entry an accounting lists."""
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("We could not find that legal demand."))
    demand = LegalDemand.objects.filter(public_id=demand_public_id).first()
    if demand is None:
        raise NotFound(gettext("We could not find that legal demand."))
    # A second submit of the same release would put it in the member's accounting twice.
    if Disclosure.objects.filter(
        member_id=demand.member_id,
        legal_demand_id=demand.pk,
        categories=",".join(sorted(set(categories))),
        subject_refs=",".join(ref for ref in refs if ref),
    ).exists():
        raise Invalid(gettext("This was already released under this demand; nothing was released again."))
    recipient = Recipient("legal", f"legal:{demand.pk}", demand_label(demand))
    items = [Item(demand.member_id, frozenset(categories), frozenset(), ref) for ref in refs or [""]]
    with transaction.atomic():
        decisions = disclose(
            actor_user_id=officer.pk,
            recipient=recipient,
            purpose="required_by_law",
            items=items,
            legal_demand_id=demand.pk,
        )
        released = sum(d.allowed for d in decisions)
        # A release the decision point refused entirely changed nothing (its refusals are in the access log).
        if released:
            record_event(
                actor=officer,
                action="legal_demand.released",
                member_id=demand.member_id,
                subject_ref=f"legal_demand:{demand.public_id}",
                details={"categories": sorted(set(categories)), "released": released},
            )
    return decisions


def demand_label(demand: LegalDemand) -> str:
    """Who receives under a demand, as the accounting names them; always fits the ledger's column.

    Demands recorded before the length limits may be longer: their issuer is shortened first,
    since the kind and reference identify the demand (the full text stays on the demand).
    """
    reference_column = LegalDemand._meta.get_field("reference").max_length or DEMAND_REFERENCE_MAX
    tail = f" ({demand.get_kind_display()} {_shortened(demand.reference, reference_column)})"
    return _shortened(demand.issued_by, _LABEL_MAX - len(tail)) + tail


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Transfers in a merger (USE-7) ---------------------------------------------------------------


def announce_transfer(*, officer: User, acquirer: str, effective_on: dt.date, text: str) -> TransferNotice:
    """Tell every member, through the outbox, before any information moves in a merger.

    Until a member's notice is delivered, the decision point refuses every ``merger`` disclosure
    about them.
    """
    if not load_actor(officer).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office announces transfers."))
    if effective_on <= timezone.localdate():
        raise Invalid(gettext("Announce a transfer before it takes effect."))
    if not acquirer.strip() or not text.strip():
        raise Invalid(gettext("Say who acquires the information and what members should know."))
    with transaction.atomic():
        notice = TransferNotice.objects.create(
            acquirer=acquirer.strip(), effective_on=effective_on, text=text.strip(), announced_by_id=officer.pk
        )
        members = list(Member.objects.values_list("user_id", flat=True))
        TransferNotification.objects.bulk_create(
            [TransferNotification(notice=notice, member_id=member_id) for member_id in members], batch_size=1000
        )
        queue_transfer_notice(
            member_ids=members,
            acquirer=notice.acquirer,
            effective_on=notice.effective_on,
            text=notice.text,
            about_ref=f"transfer:{notice.public_id}",
            actor_user_id=officer.pk,
        )
        record_event(
            actor=officer,
            action="transfer.announced",
            subject_ref=f"transfer:{notice.public_id}",
            details={"members_told": len(members)},
        )
    return notice
