"""The member's pages for a copy of their records on the desk: asking (with the fee shown), and
downloading the copy from the request once the office has answered."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.rights import access
from indigomed.rights.forms import RequestForm
from indigomed.web.feedback import on_form, refusals_as_pages


class CopyForm(RequestForm):
    accept_fee = forms.BooleanField(required=False, label=_("I accept the fee shown above."))

    field_order = ["text", "accept_fee", "signed_name", "consent"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].label = "Anything you want us to know (optional)"


def new_copy_request(request: HttpRequest) -> HttpResponse:
    """Ask for a copy: what it holds and leaves out, its fee, the signature. (The desk's page for
    new requests hands the access kind here; it has checked the person is a member.)"""
    form = CopyForm(request.POST or None)
    fee = access.fee_shown(actor=request.user)  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with on_form(form) as attempt:
                filed = access.ask_for_copy(
                    actor=request.user,  # type: ignore[arg-type]
                    text=data["text"],
                    signed_name=data["signed_name"],
                    consent=data["consent"],
                    accept_fee=data["accept_fee"],
                )
            if not attempt.refusal:
                messages.success(request, gettext("Your request for a copy is filed. You will be told of each step."))
                return redirect("rights:detail", filed.public_id)
            status = attempt.status
        else:
            status = 400
    return render(request, "rights/new_copy.html", {"form": form, "fee": fee}, status=status)


@login_required
@refusals_as_pages
def copy_download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    document = access.download(actor=request.user, public_id=public_id, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
