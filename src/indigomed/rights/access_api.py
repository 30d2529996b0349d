"""Copies of a member's records over the API (RIGHT-ACCESS): the fee before asking, asking with the fee
accepted, and downloading the copy once the office has answered. Members only; another member's
request is not found."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from indigomed.accounts.roles import load_actor
from indigomed.errors import NotFound
from indigomed.rights import access
from indigomed.rights.api import RequestDetailOut, SignedIn, _member_detail
from indigomed.rights.services import MAX_TEXT

router = Router(tags=["copies"], auth=django_auth)


class CopyTermsOut(Schema):
    fee_cents: int
    fee_currency: str
    why: str


class CopyIn(SignedIn):
    text: str = Field("", max_length=MAX_TEXT, description="Anything you want us to know (optional)")
    accept_fee: bool = Field(False, description="True: I accept the fee the terms show")


@router.get("/me/copies/terms", response=CopyTermsOut, summary="What a copy of my records costs now")
def copy_terms(request: HttpRequest) -> object:
    user: Any = request.user
    if not load_actor(user).is_member:
        raise NotFound(gettext("Only members ask for copies."))
    fee = access.fee_shown(actor=user)
    return {"fee_cents": fee.cents, "fee_currency": fee.currency, "why": fee.why}


@router.post("/me/copies", response={201: RequestDetailOut}, summary="Ask for a copy of my records")
def ask_for_copy(request: HttpRequest, data: CopyIn) -> object:
    filed = access.ask_for_copy(
        actor=request.user,  # type: ignore[arg-type]
        text=data.text,
        signed_name=data.signed_name,
        consent=data.consent,
        accept_fee=data.accept_fee,
    )
    return Status(201, _member_detail(request, filed.public_id))


@router.get(
    "/me/requests/{public_id}/copy.{fmt}", summary="The copy given for my request: FHIR R4 JSON or PDF", response=None
)
def copy_download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    document = access.download(actor=request.user, public_id=public_id, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
