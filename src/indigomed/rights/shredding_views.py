"""The privacy office's page for closing a child's account (CHILD-2): ``/office/closed-accounts/``.

The page finds the account by the e-mail address it signs in with, as the office's other forms
do; the list below names no one — once shredded there is no one left to name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.privacy.correspondence import member_with_address
from indigomed.privacy.office_views import officers_only
from indigomed.rights.models import Shredding
from indigomed.rights.shredding import close_child_account
from indigomed.web.feedback import on_form

CHILD_BASES = [
    (Shredding.Basis.PARENT_SAID.value, Shredding.Basis.PARENT_SAID.label),
    (Shredding.Basis.MEMBER_SAID.value, Shredding.Basis.MEMBER_SAID.label),
    (Shredding.Basis.DOCUMENT.value, Shredding.Basis.DOCUMENT.label),
    (Shredding.Basis.PRACTICE_SAID.value, Shredding.Basis.PRACTICE_SAID.label),
]


class CloseChildAccountForm(forms.Form):
    member_email = forms.EmailField(label=_("The e-mail address the account signs in with"))
    basis = forms.ChoiceField(label=_("How we learned the member is under 13"), choices=CHILD_BASES)
    write_to = forms.ChoiceField(
        label=_("Who gets the one message about it"),
        choices=[("member", _("The account's own address")), ("parent", _("A parent or guardian"))],
        widget=forms.RadioSelect,
        initial="member",
    )
    parent_email = forms.EmailField(label=_("The parent's or guardian's e-mail address"), required=False)
    confirm = forms.BooleanField(
        label=_("I understand: the account closes now and everything it holds is deleted for good.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("write_to") == "parent" and not data.get("parent_email"):
            self.add_error("parent_email", gettext("Give the parent's or guardian's address, or write to the account."))
        if data.get("write_to") == "member":
            data["parent_email"] = ""
        return data


@officers_only
def closed_accounts(request: HttpRequest) -> HttpResponse:
    form = CloseChildAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            member_id = member_with_address(data["member_email"])
            if member_id is None:
                form.add_error("member_email", gettext("No member has that e-mail address."))
            else:
                with on_form(form) as attempt:
                    _case, made = close_child_account(
                        officer=request.user,
                        member_id=member_id,
                        basis=data["basis"],
                        parent_email=data["parent_email"] or None,
                    )
                    if made:
                        messages.success(
                            request,
                            gettext(
                                "The account is closed. Its one message is queued; everything it holds is "
                                "shredded as soon as the message is out."
                            ),
                        )
                    else:
                        messages.info(request, gettext("This account was already closed; nothing changed."))
                    return redirect("office:closed_accounts")
                status = attempt.status
    return render(
        request,
        "rights/office/closed_accounts.html",
        {"form": form, "shreddings": Shredding.objects.order_by("-decided_at")[:50]},
        status=status,
    )
