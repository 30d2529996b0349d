"""A filed accounting of disclosures fulfilled and given (RIGHT-ACCOUNT): the fulfilment step that
fixes which ledger entries it lists and posts it when asked for on paper, how its period reads to
the member, and its downloads (PDF, CSV, JSON). Asking for one is ``rights.accountings``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from indigomed.accounts.languages import languages_of
from indigomed.accounts.models import User
from indigomed.conventions import LANGUAGES, Reader, local_day
from indigomed.errors import Conflict, NotFound
from indigomed.messaging import request_notes
from indigomed.messaging.rights import queue_request_message
from indigomed.privacy import accounting
from indigomed.privacy.queries import member_zone
from indigomed.rights import services
from indigomed.rights.accountings import Delivery, Fee, Quote
from indigomed.rights.models import Accounting, Request
from indigomed.rights.queries import request_for_member
from indigomed.rights.steps import StepResult

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
