"""Amendments, statements of disagreement and restrictions over the API (RIGHT-AMEND,
RIGHT-RESTRICT): the same services as the pages. A member reaches only their own records,
amendments and restrictions (anyone else's is not found); the privacy office enters an amendment
or a restriction a member asked for by letter or e-mail, structured as one asked online."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Container
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth

from indigomed.accounts.roles import load_actor
from indigomed.errors import Invalid, NotFound
from indigomed.privacy import amendment_queries, amendments, restrictions
from indigomed.privacy.amendment_values import STATEMENT_MAX, WHY_MAX
from indigomed.privacy.models import Restriction
from indigomed.privacy.policy import current_policy
from indigomed.rights.amendment import ask_for_amendment, enter_amendment
from indigomed.rights.api import OfficeDetailOut, RequestDetailOut, SignedIn, _member_detail, _office_detail
from indigomed.rights.restriction import ask_for_restriction, enter_restriction

router = Router(tags=["amendments and restrictions"], auth=django_auth)

RECORD_MAX = 200
VALUE_MAX = 500
LIST_MAX = 20


def _member(http: HttpRequest) -> Any:
    user: Any = http.user
    if not load_actor(user).is_member:
        raise NotFound(gettext("Only members have records to correct or restrict."))
    return user


class RecordOut(Schema):
    record: str = Field(..., description="The record and its field, as an amendment names it")
    label: str
    current: str


class AmendmentIn(SignedIn):
    record: str = Field(..., min_length=1, max_length=RECORD_MAX, description="One of /api/me/amendments/records")
    proposed: str = Field(..., max_length=VALUE_MAX, description="What the record should say")
    why: str = Field(..., min_length=1, max_length=WHY_MAX, description="Why it should change")


class AmendmentOut(Schema):
    id: uuid.UUID
    request_id: uuid.UUID | None
    record: str
    label: str
    status: str
    proposed: str
    original: str
    explanation: str
    disagreement: str
    rebuttal: str


class DisagreementIn(Schema):
    statement: str = Field(..., min_length=1, max_length=STATEMENT_MAX)


class RestrictionIn(SignedIn):
    categories: list[str] = Field(default_factory=list, max_length=LIST_MAX, description="Empty: all your information")
    purposes: list[str] = Field(default_factory=list, max_length=LIST_MAX, description="Empty: every use")
    limits: Literal["use", "disclosure", "both"] = "both"
    recipient_ref: str = Field("", max_length=80, description="Who must not receive it (from the recipients list)")
    paid_in_full: bool = Field(False, description="Care paid in full, kept from a health plan")


class RecipientOut(Schema):
    ref: str
    label: str


class RestrictionOut(Schema):
    id: uuid.UUID
    request_id: uuid.UUID | None
    status: str
    limits: str
    categories: list[str]
    purposes: list[str]
    recipient_ref: str
    recipient_label: str
    paid_in_full: bool
    requested_at: dt.datetime
    ended_at: dt.datetime | None


def _amendment_out(view: amendment_queries.AmendmentView) -> dict[str, Any]:
    o = view.opened
    return {
        "id": o.row.public_id,
        "request_id": o.row.request_public_id,
        "record": o.row.record,
        "label": view.label,
        "status": o.row.status,
        "proposed": view.proposed,
        "original": view.original,
        "explanation": o.explanation,
        "disagreement": o.disagreement,
        "rebuttal": o.rebuttal,
    }


def _restriction_out(r: Restriction) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "request_id": r.request_public_id,
        "status": r.status,
        "limits": r.limits,
        "categories": list(r.categories),
        "purposes": list(r.purposes),
        "recipient_ref": r.recipient_ref,
        "recipient_label": r.recipient_label,
        "paid_in_full": r.paid_in_full,
        "requested_at": r.requested_at,
        "ended_at": r.ended_at,
    }


def _own_amendment(user: Any, public_id: uuid.UUID) -> dict[str, Any]:
    for view in amendment_queries.own_amendments(actor=user):
        if view.opened.row.public_id == public_id:
            return _amendment_out(view)
    raise NotFound(gettext("We could not find that request."))


# --- Amendments -------------------------------------------------------------------------------


@router.get("/me/amendments/records", response=list[RecordOut], summary="The records I may ask to correct")
def amendable(request: HttpRequest) -> object:
    return [
        {"record": c.record, "label": c.label, "current": c.current}
        for c in amendment_queries.amendable_records(actor=_member(request))
    ]


@router.get("/me/amendments", response=list[AmendmentOut], summary="My amendment requests, newest first")
def my_amendments(request: HttpRequest) -> object:
    return [_amendment_out(v) for v in amendment_queries.own_amendments(actor=_member(request))]


@router.post("/me/amendments", response={201: RequestDetailOut}, summary="Ask that one of my records be corrected")
def ask_amendment(request: HttpRequest, data: AmendmentIn) -> object:
    filed = ask_for_amendment(
        actor=_member(request),
        record=data.record,
        proposed=data.proposed,
        why=data.why,
        signed_name=data.signed_name,
        consent=data.consent,
        submission=data.submission,
    )
    return Status(201, _member_detail(request, filed.public_id))


@router.get("/me/amendments/{public_id}", response=AmendmentOut, summary="One of my amendment requests")
def my_amendment(request: HttpRequest, public_id: uuid.UUID) -> object:
    return _own_amendment(_member(request), public_id)


@router.post(
    "/me/amendments/{public_id}/disagreement",
    response={201: AmendmentOut},
    summary="File a statement of disagreement with a denied amendment",
)
def disagree(request: HttpRequest, public_id: uuid.UUID, data: DisagreementIn) -> object:
    user = _member(request)
    amendments.file_disagreement(actor=user, public_id=str(public_id), statement=data.statement)
    return Status(201, _own_amendment(user, public_id))


@router.post(
    "/office/amendments",
    response={201: OfficeDetailOut},
    url_name="office_amendments",
    summary="Enter an amendment a member asked for by letter (scan) or e-mail",
)
def enter(
    request: HttpRequest,
    member_email: Form[str],
    channel: Form[Literal["letter", "email"]],
    signed_on: Form[dt.date],
    record: Form[str],
    proposed: Form[str],
    why: Form[str],
    text: Form[str] = "",
    scan: UploadedFile | None = File(None),  # noqa: B008 - ninja's way to mark an optional file part
) -> object:
    entered = enter_amendment(
        officer=request.user,  # type: ignore[arg-type]
        member_email=member_email,
        channel=channel,
        signed_on=signed_on,
        record=record[:RECORD_MAX],
        proposed=proposed,
        why=why,
        text=text,
        scan=scan,
    )
    return Status(201, _office_detail(request, entered.public_id))


@router.post(
    "/office/restrictions",
    response={201: OfficeDetailOut},
    url_name="office_restrictions",
    summary="Enter a restriction a member asked for by letter (scan) or e-mail",
)
def enter_restricting(
    request: HttpRequest,
    member_email: Form[str],
    channel: Form[Literal["letter", "email"]],
    signed_on: Form[dt.date],
    signed_name: Form[str],
    limits: Form[Literal["use", "disclosure", "both"]],
    categories: Form[list[str] | None] = None,
    purposes: Form[list[str] | None] = None,
    recipient_ref: Form[str] = "",
    text: Form[str] = "",
    scan: UploadedFile | None = File(None),  # noqa: B008 - ninja's way to mark an optional file part
) -> object:
    # Empty: all the member's information, for every use, as online.
    categories, purposes = categories or [], purposes or []
    for name, given in (("categories", categories), ("purposes", purposes)):
        if len(given) > LIST_MAX:
            raise Invalid(
                gettext("List at most %(max)s kinds of information and %(max)s uses.") % {"max": LIST_MAX}, field=name
            )
    entered = enter_restriction(
        officer=request.user,  # type: ignore[arg-type]
        member_email=member_email,
        channel=channel,
        signed_on=signed_on,
        categories=categories,
        purposes=purposes,
        limits=limits,
        recipient_ref=recipient_ref[:80],
        signed_name=signed_name,
        text=text,
        scan=scan,
    )
    return Status(201, _office_detail(request, entered.public_id))


# --- Restrictions -----------------------------------------------------------------------------


@router.get("/me/restrictions/recipients", response=list[RecipientOut], summary="Who I may name in a restriction")
def recipients(request: HttpRequest) -> object:
    return [{"ref": ref, "label": label} for ref, label in restrictions.recipient_choices(_member(request).pk)]


@router.get("/me/restrictions", response=list[RestrictionOut], summary="My restrictions, newest first")
def my_restrictions(request: HttpRequest) -> object:
    user = _member(request)
    return [_restriction_out(r) for r in Restriction.objects.filter(member=user).order_by("-requested_at", "-pk")]


def _known(names: list[str], known: Container[str], field: str) -> None:
    """The page offers the policy's names only; a program may send anything, refused here."""
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Invalid(
            gettext("%(name)s is not one of the policy's names; leave it out or use one it lists.")
            % {"name": repr(unknown[0][:40])},
            field=field,
        )


@router.post("/me/restrictions", response={201: RestrictionOut}, summary="Ask for a restriction, signed")
def restrict(request: HttpRequest, data: RestrictionIn) -> object:
    member = _member(request)
    policy = current_policy()
    _known(data.categories, policy.categories, "categories")
    _known(data.purposes, policy.purposes, "purposes")
    restriction = ask_for_restriction(
        actor=member,
        categories=data.categories,
        purposes=data.purposes,
        limits=data.limits,
        recipient_ref=data.recipient_ref,
        paid_in_full=data.paid_in_full,
        signed_name=data.signed_name,
        consent=data.consent,
        submission=data.submission,
    )
    return Status(201, _restriction_out(restriction))


@router.post("/me/restrictions/{public_id}/end", response=RestrictionOut, summary="End an accepted restriction")
def end(request: HttpRequest, public_id: uuid.UUID) -> object:
    return _restriction_out(restrictions.end_restriction(actor=_member(request), public_id=str(public_id)))
