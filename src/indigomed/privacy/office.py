"""What the privacy office does: decide restrictions, register business partners, handle legal demands."""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone

from indigomed.accounts.models import Member, User
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.services import queue_transfer_notice
from indigomed.privacy.decisions import Decision, Recipient
from indigomed.privacy.models import BusinessPartner, Restriction, TransferNotice, TransferNotification
from indigomed.privacy.policy import current_policy
from indigomed.privacy.services import Item, disclose
from indigomed.records.vault import Vault
from indigomed.security.models import LegalDemand
from indigomed.security.services import Access, log_accesses


def is_privacy_officer(user: object) -> bool:
    return hasattr(user, "privacy_officer")


# --- Restrictions --------------------------------------------------------------------------------


def decide_restriction(*, officer: User, public_id: str, accept: bool) -> Restriction:
    """The privacy office accepts or refuses; from acceptance on, every matching decision is a denial.

    A restriction on telling a health plan about care paid in full must be accepted (HIPAA
    164.522(a)(1)(vi)); refusing one raises ``Invalid``.
    """
    if not hasattr(officer, "privacy_officer"):
        raise NotFound("We could not find that restriction.")
    restriction = Restriction.objects.filter(public_id=public_id).first()
    if restriction is None:
        raise NotFound("We could not find that restriction.")
    if not accept and restriction.paid_in_full:
        raise Invalid("A restriction on telling a health plan about care paid in full must be accepted.")
    status = Restriction.Status.ACCEPTED if accept else Restriction.Status.REFUSED
    changed = Restriction.objects.filter(pk=restriction.pk, status=Restriction.Status.REQUESTED).update(
        status=status, decided_at=timezone.now(), decided_by=officer
    )
    if not changed:
        raise Invalid("This restriction was already decided.")
    restriction.refresh_from_db()
    return restriction


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
    if not hasattr(officer, "privacy_officer"):
        raise NotFound("Only the privacy office registers business partners.")
    policy = current_policy()
    for name_ in purposes:
        if policy.purpose(name_).forbidden:
            raise Invalid(f"{policy.purpose(name_).label}: IndigoMed never does this, for anyone.")
    policy.check_categories(categories)
    if not agreement_reference.strip():
        raise Invalid("A business partner needs a signed agreement.")
    return BusinessPartner.objects.create(
        slug=slug,
        name=name,
        agreement_reference=agreement_reference,
        agreement_signed_on=agreement_signed_on,
        purposes=sorted(set(purposes)),
        categories=sorted(set(categories)),
    )


# --- Legal demands (LEGAL-1) ----------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def record_legal_demand(
    *, officer: User, member_id: int, kind: str, reference: str, issued_by: str, document: File
) -> LegalDemand:
    """The privacy office records a demand with its document; nothing is released by recording it."""
    if not hasattr(officer, "privacy_officer"):
        raise NotFound("Only the privacy office records legal demands.")
    if kind not in LegalDemand.Kind.values:
        raise Invalid("Choose court order, subpoena or warrant.")
    if not reference.strip() or not issued_by.strip():
        raise Invalid("Give the demand's reference and who issued it.")
    if not document or document.size is None or document.size == 0:
        raise Invalid("Attach the demand's document.")
    if document.size > MAX_DOCUMENT_BYTES:
        raise Invalid("The document is larger than 20 MB.")
    demand = LegalDemand(
        member_id=member_id,
        kind=kind,
        reference=reference.strip(),
        issued_by=issued_by.strip(),
        document_type=_document_type(document),
        recorded_by_id=officer.pk,
    )
    # A demand names the member and what it wants of their records: it is kept sealed like them.
    sealed = Vault.open_for(member_id).seal_document(LegalDemand, "document", document.read())
    demand.document.save(f"{demand.public_id}.sealed", ContentFile(sealed), save=False)
    demand.save()
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
    if not is_privacy_officer(officer):
        raise NotFound("We could not find that legal demand.")
    demand = LegalDemand.objects.filter(public_id=demand_public_id).first()
    if demand is None:
        raise NotFound("We could not find that legal demand.")
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
    if not hasattr(officer, "privacy_officer"):
        raise NotFound("We could not find that legal demand.")
    demand = LegalDemand.objects.filter(public_id=demand_public_id).first()
    if demand is None:
        raise NotFound("We could not find that legal demand.")
    recipient = Recipient(
        "legal", f"legal:{demand.pk}", f"{demand.issued_by} ({demand.get_kind_display()} {demand.reference})"
    )
    items = [Item(demand.member_id, frozenset(categories), frozenset(), ref) for ref in refs or [""]]
    return disclose(
        actor_user_id=officer.pk, recipient=recipient, purpose="required_by_law", items=items, legal_demand_id=demand.pk
    )


# --- Transfers in a merger (USE-7) ---------------------------------------------------------------


def announce_transfer(*, officer: User, acquirer: str, effective_on: dt.date, text: str) -> TransferNotice:
    """Tell every member, through the outbox, before any information moves in a merger.

    Until a member's notice is delivered, the decision point refuses every ``merger`` disclosure
    about them.
    """
    if not is_privacy_officer(officer):
        raise NotFound("Only the privacy office announces transfers.")
    if effective_on <= timezone.localdate():
        raise Invalid("Announce a transfer before it takes effect.")
    if not acquirer.strip() or not text.strip():
        raise Invalid("Say who acquires the information and what members should know.")
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
    return notice
