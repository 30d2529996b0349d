"""Accountings of disclosures on the desk (RIGHT-ACCOUNT): the quote shown before asking (period
cut to the look-back, fee after the free one), the request itself, the fulfilment step that fixes
which ledger entries it lists and posts it when asked for on paper, and the downloads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from indigomed.accounts.languages import languages_of
from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.conventions import LANGUAGES, Reader, local_day
from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.messaging import request_notes
from indigomed.messaging.confidential import contact_choice_of
from indigomed.messaging.rights import queue_request_message
from indigomed.privacy import accounting
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import member_zone
from indigomed.rights import services
from indigomed.rights.deadlines import member_jurisdiction
from indigomed.rights.models import Accounting, Request
from indigomed.rights.queries import request_for_member
from indigomed.rights.steps import StepResult

Delivery = Accounting.Delivery


class FeeNotAccepted(Invalid):
    """A further accounting inside the free window, asked for without accepting its fee."""

    code = "fee_not_accepted"


@dataclass(frozen=True)
class Fee:
    cents: int
    currency: str
    # The free accounting that makes this one paid, when there is one.
    free_one_on: dt.date | None = None

    @property
    def due(self) -> bool:
        return self.cents > 0

    def __str__(self) -> str:
        return f"{self.cents / 100:.2f} {self.currency}"


def _page_reader() -> Reader:
    """The reader of the page or document being written: its active language."""
    language = translation.get_language()
    return Reader(language=language if language in LANGUAGES else "en")


@dataclass(frozen=True)
class Quote:
    """What the member is shown before asking: the period as it will be covered, why it was cut,
    and the fee, if any."""

    period: accounting.Period
    fee: Fee
    zone: dt.tzinfo

    @property
    def covered_from(self) -> dt.date:
        return self.period.start.astimezone(self.zone).date()

    @property
    def covered_until(self) -> dt.date:
        return (self.period.end.astimezone(self.zone) - dt.timedelta(microseconds=1)).date()

    @property
    def cut_note(self) -> str:
        if not self.period.cut:
            return ""
        years = self.period.lookback_days / 365
        # Read as the page or the document that shows it is written: in its active language.
        reader = _page_reader()
        return gettext(
            "An accounting reaches back %(days)s days (about %(years)s years), the longer "
            "of what our notice promises and what the law where you live asks, so it starts on "
            "%(start)s rather than on the day you picked."
        ) % {
            "days": self.period.lookback_days,
            "years": f"{years:.0f}",
            "start": local_day(self.covered_from, None, reader, "year"),
        }


def free_window_days(jurisdiction: str) -> int:
    """How often an accounting is free: the notice's window, or the law's where it is shorter (0: always)."""
    policy = current_policy()
    promised = int(policy.notice["accounting_free_every_days"])
    floor = policy.jurisdiction(jurisdiction).floors.get("accounting_free_every_days")
    return promised if floor is None else min(promised, floor)


def fee_for(*, member_id: int, jurisdiction: str, now: dt.datetime) -> Fee:
    """Nothing for the first accounting in the free window; the policy's fee for any further one.
    An accounting the office denied does not use up the free one."""
    policy = current_policy()
    window = free_window_days(jurisdiction)
    currency = str(policy.notice["accounting_fee_currency"])
    if window <= 0:
        return Fee(0, currency)
    earlier = (
        Request.objects.filter(
            member_id=member_id,
            kind=Request.Kind.ACCOUNTING,
            received_at__gt=now - dt.timedelta(days=window),
            accounting__fee_cents=0,
        )
        .exclude(state=Request.State.DENIED)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if earlier is None:
        return Fee(0, currency)
    return Fee(int(policy.notice["accounting_fee_cents"]), currency, earlier.date())


def _bounds(asked_from: dt.date, asked_until: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The member's days, in their zone: from the start of the first to the end of the last."""
    try:
        start = dt.datetime.combine(asked_from, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(asked_until + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    except OverflowError:
        raise Invalid(gettext("Pick a period of days that exist, up to today."), field="period") from None
    return start, end


def quote(*, actor: User, asked_from: dt.date, asked_until: dt.date) -> Quote:
    """The period an accounting would cover and its fee, before asking. ``Invalid`` for a period
    that ends before it starts, after today, or before the look-back reaches."""
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members ask for accountings."))
    zone = member_zone(actor.pk)
    now = timezone.now()
    if asked_until > now.astimezone(zone).date():
        raise Invalid(
            gettext("The period cannot end after today: disclosures not yet made cannot be listed."), field="period"
        )
    start, end = _bounds(asked_from, asked_until, zone)
    jurisdiction = member_jurisdiction(actor.pk)
    period = accounting.period_for(jurisdiction=jurisdiction, asked_start=start, asked_end=end, now=now)
    return Quote(period, fee_for(member_id=actor.pk, jurisdiction=jurisdiction, now=now), zone)


@dataclass(frozen=True)
class Terms:
    """What the member is told before picking a period: how far back an accounting reaches, and its fee."""

    fee: Fee
    lookback_days: int
    earliest: dt.date


def terms(*, actor: User) -> Terms:
    """The look-back and fee that apply to the member now, shown on the form before they ask."""
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members ask for accountings."))
    jurisdiction = member_jurisdiction(actor.pk)
    now = timezone.now()
    days = current_policy().accounting_lookback_days(jurisdiction)
    earliest = (now - dt.timedelta(days=days)).astimezone(member_zone(actor.pk)).date()
    return Terms(fee_for(member_id=actor.pk, jurisdiction=jurisdiction, now=now), days, earliest)


def ask_for_accounting(
    *,
    actor: User,
    asked_from: dt.date,
    asked_until: dt.date,
    delivery: str,
    signed_name: str,
    consent: bool,
    accept_fee: bool = False,
    text: str = "",
    submission: uuid.UUID | None = None,
) -> tuple[Request, Quote]:
    """The member asks for an accounting of a period, signed and dated. The period is cut to the
    look-back (the quote says so); a further accounting inside the free window needs its fee
    accepted, or ``FeeNotAccepted`` is raised and nothing is stored. On paper, the member's contact
    choice must hold a postal address (``/me/contact/``)."""
    if delivery not in Delivery.values:
        raise Invalid(gettext("Choose downloads or a letter by post."), field="delivery")
    offer = quote(actor=actor, asked_from=asked_from, asked_until=asked_until)
    if delivery == Delivery.PAPER and not contact_choice_of(actor=actor).postal_address:
        raise Invalid(
            gettext("To receive it by post, first give the postal address letters may go to on your contact page."),
            field="delivery",
        )
    _refuse_unaccepted(offer.fee, accept_fee)
    # Written for the member in the language of the page they sign on, and kept as they signed it.
    reader = _page_reader()
    shown = {
        "start": local_day(asked_from, None, reader, "year"),
        "end": local_day(asked_until, None, reader, "year"),
    }
    words = (
        text.strip()
        or (
            gettext(
                "I ask for an accounting of the disclosures of my health information from %(start)s to %(end)s, "
                "as downloads."
            )
            if delivery == Delivery.ELECTRONIC
            else gettext(
                "I ask for an accounting of the disclosures of my health information from %(start)s to %(end)s, "
                "on paper, by post."
            )
        )
        % shown
    )

    def then(request: Request) -> Mapping[str, Any]:
        # Counted again inside the filing's transaction, on the member's locked row: two free
        # requests sent at once cannot both be free.
        User.objects.select_for_update().filter(pk=request.member_id).first()
        fee = fee_for(member_id=request.member_id, jurisdiction=request.jurisdiction, now=request.received_at)
        _refuse_unaccepted(fee, accept_fee)
        Accounting.objects.create(
            request=request,
            asked_from=asked_from,
            asked_until=asked_until,
            period_start=offer.period.start,
            period_end=offer.period.end,
            cut_to_lookback=offer.period.cut,
            lookback_days=offer.period.lookback_days,
            delivery=delivery,
            fee_cents=fee.cents,
            fee_currency=fee.currency if fee.due else "",
            fee_accepted=fee.due,
        )
        return {"fee": str(fee)} if fee.due else {}

    request = services.file_request(
        actor=actor,
        kind=Request.Kind.ACCOUNTING,
        text=words,
        signed_name=signed_name,
        consent=consent,
        then=then,
        submission=submission,
    )
    return request, offer


def _refuse_unaccepted(fee: Fee, accepted: bool) -> None:
    if fee.due and not accepted:
        raise FeeNotAccepted(
            gettext(
                "You already had a free accounting on %(day)s; another one within the year costs %(fee)s. "
                "Accept the fee to ask for it."
            )
            % {"day": local_day(fee.free_one_on or timezone.localdate(), None, _page_reader(), "year"), "fee": fee},
            field="accept_fee",
            fee_cents=fee.cents,
            fee_currency=fee.currency,
        )


# --- Fulfilment (the step ``rights.steps`` names for accountings) ------------------------------


def fulfil_accounting(
    *, request: Request, officer: User, outcome: str, payload: Mapping[str, Any]
) -> StepResult | None:
    """Fix the ledger entries the accounting lists, as the ledger holds them now for its period;
    post it when asked for on paper. A denied accounting lists nothing."""
    if outcome == Request.State.DENIED:
        return None
    record = Accounting.objects.filter(request=request).first()
    if record is None:
        raise Conflict(gettext("This accounting request has no period: it cannot be fulfilled."))
    period = accounting.Period(
        record.period_start,
        record.period_end,
        record.period_start,
        record.period_end,
        record.lookback_days,
        record.period_start,
    )
    record.entry_ids = accounting.accountable_in(member_id=request.member_id, period=period)
    record.save(update_fields=["entry_ids"])
    count = len(record.entry_ids)
    if record.delivery == Delivery.PAPER:
        _post(request, record)
        code = request_notes.ACCOUNTING_POSTED
    else:
        code = request_notes.ACCOUNTING_READY
    return StepResult(note_code=code, note_params={"count": count}, link=services.link_to(request))


def _reader_of(member_id: int) -> Reader:
    """The member as they read: their language, for a PDF or a letter they receive."""
    language = languages_of([member_id]).get(member_id, "en")
    return Reader(language=language if language in LANGUAGES else "en")


def _in_language(reader: Reader, words: Any) -> str:
    """``words()`` as the member reads them, whatever language the office works in."""
    with translation.override(reader.language):
        return str(words())


def _post(request: Request, record: Accounting) -> None:
    zone = member_zone(request.member_id)
    reader = _reader_of(request.member_id)
    with translation.override(reader.language):
        entries = [
            {
                "date": local_day(e.occurred_at.astimezone(zone).date(), None, reader, "year"),
                "recipient": e.recipient,
                "what": e.what,
                "why": e.why,
                "basis": e.basis,
            }
            for e in accounting.listed_for_letter(member_id=request.member_id, entry_ids=record.entry_ids or [])
        ]
    shown = shown_for(record, zone)
    queue_request_message(
        member_id=request.member_id,
        kind="request-accounting-letter",
        context={
            "link": services.link_to(request),
            "period_from": local_day(shown.covered_from, None, reader, "year"),
            "period_until": local_day(shown.covered_until, None, reader, "year"),
            "cut": _in_language(reader, lambda: shown.cut_note),
            "entries": entries,
        },
        about_ref=request.ref,
        by_post=True,
    )


def shown_for(record: Accounting, zone: dt.tzinfo) -> Quote:
    """How a filed accounting's period reads to its member (cut or not, in their zone)."""
    period = accounting.Period(
        record.period_start,
        record.period_end,
        record.period_start - dt.timedelta(seconds=1) if record.cut_to_lookback else record.period_start,
        record.period_end,
        record.lookback_days,
        record.period_start,
    )
    return Quote(period, Fee(record.fee_cents, record.fee_currency), zone)


# --- Downloads ------------------------------------------------------------------------------

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json"}


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def download(*, actor: User, public_id: Any, fmt: str) -> Download:
    """The member's fulfilled accounting as PDF, CSV or JSON. ``NotFound`` for another member's
    request, one that is not an accounting, or an unknown format; ``Conflict`` before it is fulfilled."""
    if fmt not in FORMATS:
        raise NotFound(gettext("We could not find that download."))
    request = request_for_member(actor=actor, public_id=public_id)
    record = Accounting.objects.filter(request=request).first()
    if record is None:
        raise NotFound(gettext("We could not find that download."))
    if record.entry_ids is None:
        raise Conflict(gettext("Your accounting is not ready yet: you will be told when it is."))
    zone = member_zone(actor.pk)
    reader = _reader_of(actor.pk)
    # What each entry says (purposes, categories) is in the member's language in every format.
    with translation.override(reader.language):
        entries = accounting.listed_for_member(member_id=actor.pk, entry_ids=record.entry_ids)
        rows = [
            {
                "date": e.occurred_at.astimezone(zone).date().isoformat(),
                "recipient": e.recipient,
                "what": e.what,
                "categories": list(e.categories),
                "why": e.why,
                "legal_basis": e.basis,
            }
            for e in entries
        ]
    shown = shown_for(record, zone)
    name = f"accounting-{request.public_id}.{fmt}"
    if fmt == "json":
        body = {
            "request": str(request.public_id),
            "period": {"from": shown.covered_from.isoformat(), "until": shown.covered_until.isoformat()},
            "cut_to_lookback": record.cut_to_lookback,
            "note": shown.cut_note,
            "disclosures": rows,
        }
        return Download(json.dumps(body, indent=2, ensure_ascii=False).encode(), FORMATS[fmt], name)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["date", "recipient", "what", "why", "legal basis"])
        for row in rows:
            writer.writerow([_cell(str(row[k])) for k in ("date", "recipient", "what", "why", "legal_basis")])
        return Download(out.getvalue().encode("utf-8"), FORMATS[fmt], name)
    # The PDF is for people, in the member's language with days written out; CSV and JSON above keep
    # stable English keys and ISO dates for programs.
    shown_rows = [
        {**row, "date": local_day(dt.date.fromisoformat(str(row["date"])), None, reader, "year")} for row in rows
    ]
    with translation.override(reader.language):
        html = render_to_string(
            "rights/accounting_document.html",
            {"request": request, "record": record, "shown": shown, "rows": shown_rows, "zone": zone},
        )
    from weasyprint import HTML  # Pango loads once, only in processes that make PDFs

    return Download(HTML(string=html).write_pdf(), FORMATS[fmt], name)


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a recipient named "=HYPERLINK(…)")."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def covering(*, actor: User, request: Request) -> Quote | None:
    """How the member's accounting request's period reads, for their request page."""
    record = Accounting.objects.filter(Q(request=request) & Q(request__member_id=actor.pk)).first()
    return shown_for(record, member_zone(actor.pk)) if record else None
