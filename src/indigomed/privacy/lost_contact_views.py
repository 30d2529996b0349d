"""The privacy office's page for a member's lost or stolen contact data (SEC-4):
``/office/lost-contact/``. The officer finds the account by its sign-in address, records which
identity checks were made, and the platform does what the member's own report would."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.forms import deliverable_address
from indigomed.accounts.lost_contact import report_lost_contact, send_new_address_link
from indigomed.accounts.models import LostContactReport
from indigomed.privacy.office_views import officers_only
from indigomed.records.queries import member_by_email
from indigomed.web.feedback import on_form


class OfficeLostContactForm(forms.Form):
    member_email = forms.EmailField(label=_("The e-mail address the account signs in with"))
    kind = forms.ChoiceField(
        label=_("What was lost or taken"), choices=LostContactReport.Kind.choices, widget=forms.RadioSelect
    )
    checks = forms.MultipleChoiceField(
        label=_("Identity checks you made (at least two)"),
        choices=LostContactReport.Check.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    new_email = forms.EmailField(
        label=_("The member's new e-mail address"),
        required=False,
        help_text=_(
            "Needed for a compromised address: the stolen one stops signing in at once, and we send a link "
            "to this one; the account signs in with it once the member opens the link."
        ),
    )

    def clean_new_email(self) -> str:
        address = self.cleaned_data.get("new_email") or ""
        return deliverable_address(address) if address else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == LostContactReport.Kind.EMAIL
            and not data.get("new_email")
            and "new_email" not in self.errors
        ):
            self.add_error("new_email", gettext("Give the address that replaces the compromised one."))
        return data


@officers_only
def lost_contact(request: HttpRequest) -> HttpResponse:
    form = OfficeLostContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            member_id = member_by_email(data["member_email"])
            if member_id is None:
                form.add_error("member_email", gettext("No member has that e-mail address."))
            else:
                with on_form(form) as attempt, transaction.atomic():
                    _report, made = report_lost_contact(
                        actor=request.user, member_id=member_id, kind=data["kind"], checks=data["checks"]
                    )
                    if made and data["new_email"]:
                        send_new_address_link(request, member_id=member_id, address=data["new_email"])
                    messages.success(
                        request,
                        gettext("Done: the value is no longer used and every session of the account has ended.")
                        if made
                        else gettext("This loss was already reported; nothing changed."),
                    )
                    return redirect("office:lost_contact")
                status = attempt.status
    reports = LostContactReport.objects.order_by("-reported_at")[:30]
    return render(request, "privacy/office/lost_contact.html", {"form": form, "reports": reports}, status=status)
