"""A member's copy of their records (RIGHT-ACCESS): built as a FHIR R4 bundle and a PDF, given (a
disclosure to the member, in the ledger), and downloaded later (an access, in the access log).

``build_copy`` assembles; ``give_copy`` charges the policy's fee, keeps the copy sealed and writes the
disclosure, in one transaction; ``open_copy`` hands a given copy back to its member only.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.interop import fhir, validation
from indigomed.interop.fhir import Left
from indigomed.interop.models import CopyGiven, FeeAccepted, Withholding
from indigomed.interop.pdf import render_pdf
from indigomed.interop.sources import Directory, bookings_of
from indigomed.interop.withholding import active_withholdings
from indigomed.privacy import copies as door
from indigomed.privacy.copy_fees import copy_fee_rule
from indigomed.security.services import record_event

# What no copy holds, told in every copy whether or not the member has any such record, so that
# saying it reveals nothing.
STANDING_EXCLUSIONS = (
    Left(
        gettext_noop(
            "Material gathered for a legal proceeding (a court order, a subpoena or a warrant, and what IndigoMed "
            "prepared to answer it) is not part of a copy (HIPAA 45 CFR 164.524(a)(1)(ii)). What was disclosed "
            "under such a demand is listed in your accounting of disclosures."
        )
    ),
    Left(
        gettext_noop(
            "Records of a research study still under way, which you agreed not to see until it ends, are not part "
            "of a copy while the study runs (HIPAA 45 CFR 164.524(a)(2)(iii))."
        )
    ),
    Left(
        gettext_noop(
            "Who received your information, and when, is in your accounting of disclosures and on your privacy "
            "page, not in this copy."
        )
    ),
)


@dataclass(frozen=True, slots=True)
class Fee:
    """What the next copy costs the member, and why."""

    cents: int
    currency: str
    why: str

    @property
    def label(self) -> str:
        return "free" if not self.cents else f"{self.cents / 100:.2f} {self.currency}"


@dataclass(frozen=True)
class Copy:
    """One copy, built: the bundle (as a dict and as JSON bytes), the PDF, and what it leaves out."""

    copy_id: uuid.UUID
    bundle: dict[str, Any]
    bundle_json: bytes
    pdf: bytes
    left_out: tuple[Left, ...]
    withheld: int
    resources: int
    tags: frozenset[str]


def fee_for(member_id: int, *, at: dt.datetime | None = None) -> Fee:
    """The fee of the member's next copy, by the policy file's [copies] line where they live."""
    at = at or timezone.now()
    rule = copy_fee_rule(member_id=member_id)
    given = CopyGiven.objects.filter(member_id=member_id, given_at__gt=at - dt.timedelta(days=365)).count()
    if given < rule.free_per_year:
        return Fee(0, rule.currency, "Your first copy in a year is free.")
    if not rule.fee_cents:
        return Fee(0, rule.currency, "Copies are free where you live.")
    return Fee(rule.fee_cents, rule.currency, "A cost-based fee for preparing an electronic copy, as the law allows.")


def build_copy(
    member_id: int,
    *,
    withheld: Mapping[str, str] | None = None,
    actor_user_id: int | None = None,
    copy_id: uuid.UUID | None = None,
    at: dt.datetime | None = None,
    fee: Fee | None = None,
) -> Copy:
    """The member's records as a validated FHIR R4 bundle and a PDF.

    ``withheld`` maps item references (``appointment:<uuid>``) to the reason told to the member; by
    default, the clinicians' withholdings in force. Raises ``NotFound`` when the member's records
    cannot be read (no such member, or their data was shredded), and ``pydantic.ValidationError`` if
    the bundle would not be valid FHIR (a bug, never shown to the member as a copy).
    """
    at = at or timezone.now()
    copy_id = copy_id or uuid.uuid4()
    bookings = bookings_of([member_id]).get(member_id, [])
    record = door.own_record_for_copy(
        member_id=member_id, actor_user_id=actor_user_id, appointment_ids=[b.public_id for b in bookings]
    )
    if record is None:
        raise NotFound(gettext("We could not find those records."))
    directory = Directory()
    directory.load(
        practitioner_ids={b.practitioner_id for b in bookings},
        facility_ids={b.facility_id for b in bookings},
        plan_slugs={d.plan_slug for d in record.bookings.values() if d.plan_slug},
    )
    if withheld is None:
        notes = active_withholdings(member_id=member_id, bookings=bookings, directory=directory)
        withheld = {note.item_ref: note.text for note in notes}
    left_out = tuple(Left(text) for text in withheld.values()) + STANDING_EXCLUSIONS
    refs = frozenset(withheld)
    bundle = fhir.build_bundle(
        record=record, bookings=bookings, directory=directory, withheld=refs, left_out=left_out, copy_id=copy_id, at=at
    )
    validation.check_copy(bundle)
    fee = fee or fee_for(member_id, at=at)
    pdf = render_pdf(
        record=record,
        bookings=bookings,
        directory=directory,
        withheld=refs,
        left_out=left_out,
        copy_id=str(copy_id),
        at=at,
        fee=fee.label,
    )
    shown = {b.public_id for b in bookings if f"appointment:{b.public_id}" not in refs}
    tags = frozenset(t for a, d in record.bookings.items() if a in shown for t in d.tags) | frozenset(
        t for v in record.visits if f"appointment:{v.appointment_id}" not in refs for t in v.tags
    )
    return Copy(
        copy_id=copy_id,
        bundle=bundle,
        bundle_json=json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        pdf=pdf,
        left_out=left_out,
        withheld=len(withheld),
        resources=fhir.resource_count(bundle),
        tags=tags,
    )


def give_copy(
    *,
    actor: User,
    member_id: int,
    accepted_fee_cents: int | None = None,
    request_ref: str = "",
    waive_fee: bool = False,
) -> CopyGiven:
    """Give the member a copy of their records: built, sealed and kept for download, with the policy's
    fee, and written to the ledger as a disclosure to the member, all in one transaction.

    ``actor`` is the member, or a privacy officer fulfilling the member's request. A fee above zero must
    be accepted as shown (``accepted_fee_cents``), or ``Invalid`` names it and nothing is given, unless
    the fee is waived (``waive_fee``). The same
    ``request_ref`` gives one copy however often it is submitted: the second time returns the first.
    Raises ``NotFound`` for anyone else, and for a member whose records cannot be read.
    """
    who = load_actor(actor)
    if not (who.is_privacy_officer or (who.is_member and actor.pk == member_id)):
        raise NotFound(gettext("We could not find those records."))
    if request_ref:
        earlier = CopyGiven.objects.filter(member_id=member_id, request_ref=request_ref).first()
        if earlier is not None:
            return earlier
    at = timezone.now()
    fee = fee_for(member_id, at=at)
    if waive_fee and fee.cents:
        fee = Fee(0, fee.currency, "The fee is waived.")
    if fee.cents and accepted_fee_cents != fee.cents:
        raise Invalid(
            gettext("This copy costs %(label)s. %(why)s Accept the fee to receive it.")
            % {"label": fee.label, "why": fee.why},
            field="accept_fee",
        )
    copy = build_copy(member_id, actor_user_id=actor.pk, at=at, fee=fee)
    given = CopyGiven(
        public_id=copy.copy_id,
        member_id=member_id,
        given_at=at,
        given_by_user_id=actor.pk,
        fee_cents=fee.cents,
        currency=fee.currency,
        request_ref=request_ref,
        bundle=door.seal_for_member(member_id=member_id, model=CopyGiven, field="bundle", content=copy.bundle_json),
        pdf=door.seal_for_member(member_id=member_id, model=CopyGiven, field="pdf", content=copy.pdf),
        withheld=copy.withheld,
    )
    try:
        with transaction.atomic():
            given.save(force_insert=True)
            door.record_copy_given(
                member_id=member_id,
                actor_user_id=actor.pk,
                copy_ref=f"copy:{copy.copy_id}",
                categories=door.COPY_CATEGORIES,
                tags=copy.tags,
                at=at,
            )
            record_event(
                actor=actor,
                action="copy.given",
                member_id=member_id,
                subject_ref=f"copy:{copy.copy_id}",
                details={"fee_cents": fee.cents, "withheld": copy.withheld, "resources": copy.resources},
            )
    except IntegrityError:
        # The same request submitted twice at once: the other submission gave it.
        earlier = (
            CopyGiven.objects.filter(member_id=member_id, request_ref=request_ref).first() if request_ref else None
        )
        if earlier is None:
            raise
        return earlier
    return given


@dataclass(frozen=True, slots=True)
class Download:
    content: bytes
    content_type: str
    filename: str


PARTS = {
    "json": ("bundle", "application/fhir+json", "json"),
    "pdf": ("pdf", "application/pdf", "pdf"),
}


def copies_of(member_id: int) -> list[CopyGiven]:
    """The copies given to a member, newest first (without their sealed contents)."""
    return list(CopyGiven.objects.filter(member_id=member_id).defer("bundle", "pdf").order_by("-given_at"))


def open_copy(*, actor: User, copy_public_id: str, part: str) -> Download:
    """One part of a copy given (``json`` or ``pdf``), for its member only; the look is logged.

    Raises ``NotFound`` for anyone else's copy, an unknown part, or a member whose data was shredded."""
    if part not in PARTS:
        raise NotFound(gettext("We could not find that copy."))
    field, content_type, extension = PARTS[part]
    try:
        key = uuid.UUID(str(copy_public_id))
    except ValueError:
        raise NotFound(gettext("We could not find that copy.")) from None
    given = CopyGiven.objects.filter(public_id=key, member_id=actor.pk or 0).first()
    if given is None or not load_actor(actor).is_member:
        raise NotFound(gettext("We could not find that copy."))
    content = door.open_for_member(
        member_id=given.member_id, model=CopyGiven, field=field, content=getattr(given, field)
    )
    if content is None:
        raise NotFound(gettext("We could not find that copy."))
    door.log_own_copy_read(member_id=given.member_id, actor_user_id=actor.pk)
    return Download(content, content_type, f"indigomed-records-{given.given_at:%Y-%m-%d}.{extension}")


def accept_fee(*, member_id: int, request_ref: str, fee: Fee) -> FeeAccepted:
    """Keep the fee a member accepted when asking for a copy (in the caller's transaction)."""
    return FeeAccepted.objects.create(
        request_ref=request_ref, member_id=member_id, fee_cents=fee.cents, currency=fee.currency
    )


def accepted_fee(request_ref: str) -> FeeAccepted | None:
    return FeeAccepted.objects.filter(request_ref=request_ref).first()


def copy_for(request_ref: str) -> CopyGiven | None:
    """The copy given for a request, if any (without its sealed contents)."""
    return CopyGiven.objects.filter(request_ref=request_ref).defer("bundle", "pdf").first()


def withheld_count(member_id: int) -> int:
    """How many items clinicians withhold from the member's copies now."""
    return Withholding.objects.filter(member_id=member_id, lifted_at__isnull=True).count()
