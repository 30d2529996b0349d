"""The member's pages for lost or stolen contact data (SEC-4): ``/me/lost-contact/`` (after signing
in again) and the code check of a new number. The office's page is ``privacy.lost_contact_views``."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.manage_email import add_email
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.forms import ChangeAddressForm
from indigomed.accounts.lost_contact import confirm_new_phone, report_lost_contact
from indigomed.accounts.models import LostContactReport, Member
from indigomed.messaging.contact_check_views import CodeForm
from indigomed.messaging.lost_contact import phone_check_waiting, start_phone_check
from indigomed.web.feedback import on_form


class LostContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was lost or taken"), choices=LostContactReport.Kind.choices, widget=forms.RadioSelect
    )
    new_phone = forms.CharField(
        label=_("Your new mobile number (optional)"),
        required=False,
        max_length=32,
        help_text=_("We text a code to it; it is used only once you type the code here."),
    )
    new_email = forms.EmailField(
        label=_("Your new e-mail address"),
        required=False,
        help_text=_("Needed for a compromised address: we send a link to confirm it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == LostContactReport.Kind.EMAIL and not data.get("new_email"):
            self.add_error("new_email", gettext("Give the address that replaces the compromised one."))
        return data


def _member_only(request: HttpRequest) -> HttpResponse | None:
    if not Member.objects.filter(user_id=request.user.pk or 0).exists():
        return render(request, "403.html", status=403)
    return None


@login_required
@reauthentication_required
def report(request: HttpRequest) -> HttpResponse:
    refused = _member_only(request)
    if refused:
        return refused
    user: Any = request.user
    form = LostContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            new_address = None
            if data["new_email"]:
                new_address = ChangeAddressForm(user=user, data={"email": data["new_email"]})
                if not new_address.is_valid():
                    for error in new_address.errors.get("email", []):
                        form.add_error("new_email", error)
            if not form.errors:
                with on_form(form) as attempt:
                    with transaction.atomic():
                        report_lost_contact(
                            actor=user, member_id=user.pk, kind=data["kind"], keep_session=request.session.session_key
                        )
                        # After the report, which clears any number still waiting for its code.
                        if data["new_phone"]:
                            start_phone_check(
                                member_id=user.pk, phone=data["new_phone"], country=_home_country(user.pk)
                            )
                    if new_address is not None:
                        add_email(request, new_address)
                    messages.success(request, _done_message(data["kind"], bool(data["new_phone"])))
                    return redirect("my_lost_contact_code" if data["new_phone"] else "my_lost_contact")
                status = attempt.status
    reports = LostContactReport.objects.filter(user_id=user.pk).order_by("-reported_at")[:10]
    return render(request, "accounts/lost_contact.html", {"form": form, "reports": reports}, status=status)


def _done_message(kind: str, new_phone: bool) -> str:
    said = gettext("Done: we no longer use it, and every other session of your account has ended.")
    if kind == LostContactReport.Kind.PHONE:
        said += " " + gettext("Your second factors are removed: set a new one up from your account's security page.")
    else:
        said += " " + gettext("Open the link we sent to your new address to start using it.")
    if new_phone:
        said += " " + gettext("Type the code we texted to your new number.")
    return said


@login_required
def confirm_code(request: HttpRequest) -> HttpResponse:
    refused = _member_only(request)
    if refused:
        return refused
    user: Any = request.user
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with on_form(form) as attempt:
                confirm_new_phone(actor=user, code=form.cleaned_data["code"])
                messages.success(request, gettext("Your new number is checked: texts may go to it again."))
                return redirect("my_lost_contact")
            status = attempt.status
    waiting = phone_check_waiting(member_id=user.pk)
    return render(request, "accounts/lost_contact_code.html", {"form": form, "waiting": waiting}, status=status)


def _home_country(member_id: int) -> str:
    # A number written without "+" is read as the member writes it at home (06 … in France).
    return str(import_string(settings.ACCOUNTS_HOME_COUNTRY)(member_id))
