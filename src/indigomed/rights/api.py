"""The requests desk over the API: members file and follow their requests and download their
accountings; the privacy office works the desk. The same services and queries as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth

from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.privacy.queries import member_zone
from indigomed.rights import accounting_fulfilment, accountings, office, queries, services
from indigomed.rights.forms import EARLIEST_DAY, LATEST_DAY
from indigomed.rights.models import Request
from indigomed.rights.services import MAX_SIGNED_NAME, MAX_TEXT

router = Router(tags=["requests"], auth=django_auth)

KindIn = Literal["access", "amendment", "accounting", "restriction", "question"]
Outcome = Literal["fulfilled", "partly_fulfilled", "denied"]


class SignedIn(Schema):
    submission: uuid.UUID | None = Field(
        None, description="A key of your choosing: sent again, it returns the request it filed and files nothing"
    )
    signed_name: str = Field(..., min_length=1, max_length=MAX_SIGNED_NAME, description="Your full name, as signature")
    consent: bool = Field(..., description="True: I sign this request, dated now")


class RequestIn(SignedIn):
    kind: KindIn
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="What you ask for, in your words")


class QuestionIn(SignedIn):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT)


class AccountingIn(SignedIn):
    asked_from: dt.date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY, description="First day (your time zone)")
    asked_until: dt.date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY, description="Last day, inclusive")
    delivery: Literal["electronic", "paper"]
    accept_fee: bool = Field(False, description="True: I accept the fee the terms show")


class MessageOut(Schema):
    kind: str
    status: str
    channel: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class AccountingOut(Schema):
    covered_from: dt.date
    covered_until: dt.date
    cut_to_lookback: bool
    note: str = Field(..., description="Why the period was cut, when it was")
    delivery: str
    fee_cents: int
    fee_currency: str
    ready: bool
    downloads: list[str]


class RequestOut(Schema):
    id: uuid.UUID
    kind: str
    state: str
    received_at: dt.datetime
    due_at: dt.datetime
    extended_due_at: dt.datetime | None
    answer_by: dt.datetime
    signature: str
    signed_at: dt.datetime
    concluded_at: dt.datetime | None
    accounting: AccountingOut | None = None


class RequestDetailOut(RequestOut):
    text: str
    signed_name: str
    reasons: str
    extension_reason: str
    messages: list[MessageOut]


class TermsOut(Schema):
    lookback_days: int
    earliest: dt.date
    fee_cents: int
    fee_currency: str
    free_one_on: dt.date | None


def _accounting(request: Request, zone: Any) -> dict[str, Any] | None:
    record = getattr(request, "accounting", None)
    if record is None:
        return None
    shown = accounting_fulfilment.shown_for(record, zone)
    ready = record.entry_ids is not None
    return {
        "covered_from": shown.covered_from,
        "covered_until": shown.covered_until,
        "cut_to_lookback": record.cut_to_lookback,
        "note": shown.cut_note,
        "delivery": record.delivery,
        "fee_cents": record.fee_cents,
        "fee_currency": record.fee_currency,
        "ready": ready,
        "downloads": [f"/api/me/requests/{request.public_id}/accounting.{f}" for f in accounting_fulfilment.FORMATS]
        if ready
        else [],
    }


def _out(request: Request, zone: Any = dt.UTC) -> dict[str, Any]:
    return {
        "id": request.public_id,
        "kind": request.kind,
        "state": request.state,
        "received_at": request.received_at,
        "due_at": request.due_at,
        "extended_due_at": request.extended_due_at,
        "answer_by": request.answer_by,
        "signature": request.signature,
        "signed_at": request.signed_at,
        "concluded_at": request.concluded_at,
        "accounting": _accounting(request, zone),
    }


def _detail(request: Request, papers: queries.Papers, zone: Any = dt.UTC) -> dict[str, Any]:
    return _out(request, zone) | {
        "text": papers.text,
        "signed_name": papers.signed_name,
        "reasons": papers.reasons,
        "extension_reason": papers.extension_reason,
        "messages": [
            {
                "kind": m.kind,
                "status": m.status,
                "channel": m.channel,
                "created_at": m.created_at,
                "delivered_at": m.delivered_at,
            }
            for m in queries.messages_of(request=request)
        ],
    }


def _member_detail(http: HttpRequest, public_id: uuid.UUID | str) -> dict[str, Any]:
    user: Any = http.user
    mine = queries.request_for_member(actor=user, public_id=public_id)
    return _detail(mine, queries.papers_for_member(actor=user, request=mine), _zone(user))


def _zone(user: Any) -> Any:
    return member_zone(user.pk)


# --- Members ----------------------------------------------------------------------------------


@router.get("/me/requests", response=list[RequestOut], summary="My requests, newest first")
def my_requests(request: HttpRequest) -> object:
    user: Any = request.user
    if not load_actor(user).is_member:
        raise NotFound(gettext("Only members have requests."))
    zone = _zone(user)
    return [_out(r, zone) for r in queries.requests_of(actor=user)]


@router.post("/me/requests", response={201: RequestDetailOut}, summary="File a signed request")
def file_request(request: HttpRequest, data: RequestIn) -> object:
    if data.kind == Request.Kind.ACCOUNTING:
        raise Invalid(gettext("Ask for an accounting at /api/me/accountings: it needs a period."), field="kind")
    if data.kind == Request.Kind.AMENDMENT:
        raise Invalid(
            gettext("Ask for an amendment at /api/me/amendments: it names the record and its new value."), field="kind"
        )
    if data.kind == Request.Kind.RESTRICTION:
        raise Invalid(gettext("Ask for a restriction at /api/me/restrictions: it says what it limits."), field="kind")
    filed = services.file_request(
        actor=request.user,  # type: ignore[arg-type]
        kind=data.kind,
        text=data.text,
        signed_name=data.signed_name,
        consent=data.consent,
        submission=data.submission,
    )
    return Status(201, _member_detail(request, filed.public_id))


@router.get("/me/requests/{public_id}", response=RequestDetailOut, summary="One of my requests")
def my_request(request: HttpRequest, public_id: uuid.UUID) -> object:
    return _member_detail(request, public_id)


@router.get("/me/accountings/terms", response=TermsOut, summary="How far back an accounting reaches, and its fee")
def accounting_terms(request: HttpRequest) -> object:
    terms = accountings.terms(actor=request.user)  # type: ignore[arg-type]
    return {
        "lookback_days": terms.lookback_days,
        "earliest": terms.earliest,
        "fee_cents": terms.fee.cents,
        "fee_currency": terms.fee.currency,
        "free_one_on": terms.fee.free_one_on,
    }


@router.post("/me/accountings", response={201: RequestDetailOut}, summary="Ask for an accounting of disclosures")
def ask_for_accounting(request: HttpRequest, data: AccountingIn) -> object:
    filed, _ = accountings.ask_for_accounting(
        actor=request.user,  # type: ignore[arg-type]
        asked_from=data.asked_from,
        asked_until=data.asked_until,
        delivery=data.delivery,
        signed_name=data.signed_name,
        consent=data.consent,
        accept_fee=data.accept_fee,
        submission=data.submission,
    )
    return Status(201, _member_detail(request, filed.public_id))


@router.get(
    "/me/requests/{public_id}/accounting.{fmt}", summary="My fulfilled accounting as PDF, CSV or JSON", response=None
)
def accounting_download(request: HttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    document = accounting_fulfilment.download(actor=request.user, public_id=public_id, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@router.post("/privacy-office/questions", response={201: RequestDetailOut}, summary="Ask the privacy office")
def ask_question(request: HttpRequest, data: QuestionIn) -> object:
    filed = services.file_request(
        actor=request.user,  # type: ignore[arg-type]
        kind=Request.Kind.QUESTION,
        text=data.text,
        signed_name=data.signed_name,
        consent=data.consent,
        submission=data.submission,
    )
    return Status(201, _member_detail(request, filed.public_id))


# --- The privacy office ------------------------------------------------------------------------


class OfficeRequestOut(RequestOut):
    member: int
    officer: int | None
    jurisdiction: str
    has_letter: bool


class DeskOut(Schema):
    overdue: list[OfficeRequestOut]
    due_soon: list[OfficeRequestOut]
    later: list[OfficeRequestOut]


class OfficeDetailOut(RequestDetailOut):
    member: int
    officer: int | None
    jurisdiction: str
    has_letter: bool


class AssignIn(Schema):
    officer: int = Field(..., ge=1, le=2**63 - 1)


class ExtendIn(Schema):
    reason: str = Field(..., min_length=1, max_length=MAX_TEXT)


class ConcludeIn(Schema):
    outcome: Outcome
    reasons: str = Field("", max_length=MAX_TEXT)
    payload: dict[str, Any] = Field(default_factory=dict, description="What the kind's fulfilment step needs")


def _office_fields(r: Request) -> dict[str, Any]:
    return {"member": r.member_id, "officer": r.officer_id, "jurisdiction": r.jurisdiction, "has_letter": bool(r.scan)}


def _office_detail(http: HttpRequest, public_id: uuid.UUID | str) -> dict[str, Any]:
    user: Any = http.user
    found = queries.request_for_office(officer=user, public_id=public_id)
    return _detail(found, queries.papers_for_office(officer=user, request=found)) | _office_fields(found)


# One path for the desk and for entering a letter: its name lets the office's large uploads through
# the request-size guard (``OFFICE_UPLOAD_VIEWS``), for privacy officers only.
@router.get(
    "/office/requests", response=DeskOut, url_name="office_requests", summary="The desk: overdue, due soon, later"
)
def desk(request: HttpRequest, officer: int | None = None) -> object:
    found = queries.desk(officer=request.user, assigned_to=officer)  # type: ignore[arg-type]
    return {
        name: [_out(r) | _office_fields(r) for r in getattr(found, name)] for name in ("overdue", "due_soon", "later")
    }


@router.get("/office/requests/{public_id}", response=OfficeDetailOut, summary="One request, for the office")
def office_request(request: HttpRequest, public_id: uuid.UUID) -> object:
    return _office_detail(request, public_id)


@router.post(
    "/office/requests",
    response={201: OfficeDetailOut},
    url_name="office_requests",
    summary="Enter a member's letter (scan) or e-mail",
)
def enter(
    request: HttpRequest,
    member_email: Form[str],
    kind: Form[KindIn],
    channel: Form[Literal["letter", "email"]],
    signed_on: Form[dt.date],
    text: Form[str] = "",
    scan: UploadedFile | None = File(None),  # noqa: B008 - ninja's way to mark an optional file part
) -> object:
    if kind == Request.Kind.AMENDMENT:
        raise Invalid(
            gettext("Enter an amendment at /api/office/amendments: it names the record and its new value."),
            field="kind",
        )
    if kind == Request.Kind.RESTRICTION:
        raise Invalid(
            gettext("Enter a restriction at /api/office/restrictions: it names what it covers and whom."),
            field="kind",
        )
    entered = services.enter_request(
        officer=request.user,  # type: ignore[arg-type]
        member_email=member_email,
        kind=kind,
        channel=channel,
        signed_on=signed_on,
        text=text,
        scan=scan,
    )
    return Status(201, _office_detail(request, entered.public_id))


@router.post("/office/requests/{public_id}/assign", response=OfficeDetailOut, summary="Assign to an officer")
def assign(request: HttpRequest, public_id: uuid.UUID, data: AssignIn) -> object:
    office.assign(officer=request.user, public_id=public_id, to_user_id=data.officer)  # type: ignore[arg-type]
    return _office_detail(request, public_id)


@router.post("/office/requests/{public_id}/review", response=OfficeDetailOut, summary="Start the review")
def start_review(request: HttpRequest, public_id: uuid.UUID) -> object:
    office.start_review(officer=request.user, public_id=public_id)  # type: ignore[arg-type]
    return _office_detail(request, public_id)


@router.post("/office/requests/{public_id}/extend", response=OfficeDetailOut, summary="Extend once, with a reason")
def extend(request: HttpRequest, public_id: uuid.UUID, data: ExtendIn) -> object:
    office.extend(officer=request.user, public_id=public_id, reason=data.reason)  # type: ignore[arg-type]
    return _office_detail(request, public_id)


@router.post("/office/requests/{public_id}/conclude", response=OfficeDetailOut, summary="Answer the request")
def conclude(request: HttpRequest, public_id: uuid.UUID, data: ConcludeIn) -> object:
    office.conclude(
        officer=request.user,  # type: ignore[arg-type]
        public_id=public_id,
        outcome=data.outcome,
        reasons=data.reasons,
        payload=data.payload,
    )
    return _office_detail(request, public_id)
