"""Pages of the messaging room: a member's contact settings, the office's stuck messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from indigomed.messaging.channels import EMAIL, LETTER, SMS
from indigomed.messaging.confidential import choose_contact, contact_checks_waiting, contact_choice_of
from indigomed.messaging.queries import stuck_messages
from indigomed.messaging.rights import (
    is_member,
    is_privacy_officer,
    opt_out_of_marketing,
    retry_message,
)
from indigomed.web.feedback import flashed, on_form


class ContactForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("You may write to me by"),
        choices=[(EMAIL, _("E-mail")), (SMS, _("Text message (SMS)")), (LETTER, _("Letter"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    email = forms.CharField(
        label=_("E-mail to this address instead of the one I sign in with"),
        required=False,
        max_length=254,
        help_text=_("A new address gets a code by e-mail; we use it once you type the code."),
    )
    phone = forms.CharField(
        label=_("Text only this number"),
        required=False,
        max_length=32,
        help_text=_("A new number gets a code by text; we use it once you type the code."),
    )
    country = forms.ChoiceField(
        label=_("Country of that number, if written without +"),
        choices=[("US", _("United States")), ("FR", _("France"))],
    )
    postal_address = forms.CharField(
        label=_("Send letters only to this address (not at home, if you like)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=400,
    )
    reminders = forms.BooleanField(label=_("Remind me of appointments"), required=False)
    minimal = forms.BooleanField(
        label=_("Say only when: no practitioner or place in messages (the details are on the site)"), required=False
    )


def _members_only(request: HttpRequest) -> HttpResponse | None:
    if not is_member(request.user):
        return render(request, "privacy/members_only.html", status=403)
    return None


@login_required
def contact(request: HttpRequest) -> HttpResponse:
    """RIGHT-CONFCOMM: how and where we may write to the member; no reason asked."""
    if refused := _members_only(request):
        return refused
    user: Any = request.user
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with on_form(form) as attempt:
            choose_contact(
                actor=user,
                channels=data["channels"],
                email=data["email"],
                phone=data["phone"],
                postal_address=data["postal_address"],
                country=data["country"],
                reminders=data["reminders"],
                minimal=data["minimal"],
            )
        if attempt.refusal is None:
            messages.success(request, gettext("From now on we write to you only the ways you chose."))
            if contact_checks_waiting(actor=user):
                return redirect("my_contact_check")
            return redirect("my_contact")
    if request.method == "GET":
        choice = contact_choice_of(actor=user)
        # A value waiting for its code is shown, so saving the page again keeps it waiting.
        waiting = contact_checks_waiting(actor=user)
        form = ContactForm(
            initial={
                "channels": list(choice.channels),
                "email": waiting.get("email") or choice.email or "",
                "phone": waiting.get("phone") or choice.phone or "",
                "postal_address": choice.postal_address or "",
                "reminders": choice.reminders,
                "minimal": choice.minimal,
                "country": "US",
            }
        )
    language = getattr(getattr(user, "member", None), "language", "en")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "language": language, "waiting": contact_checks_waiting(actor=user)}
    return render(request, "messaging/contact.html", context, status=status)


def _officer(request: HttpRequest) -> bool:
    return is_privacy_officer(request.user)


@login_required
def office_messages(request: HttpRequest) -> HttpResponse:
    """The privacy office's list of dead letters and held messages: references, never contents."""
    if not _officer(request):
        return render(request, "privacy/office/officers_only.html", status=403)
    return render(request, "messaging/office_messages.html", {"stuck": stuck_messages()})


@login_required
@require_POST
def office_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    if not _officer(request):
        return render(request, "privacy/office/officers_only.html", status=403)
    with flashed(request) as attempt:
        retry_message(officer=request.user, public_id=public_id)
    if attempt.refusal is None:
        messages.success(request, gettext("The message is queued again."))
    return redirect("office_messages")


# Mail clients POST here without a session or a CSRF token (RFC 8058 one-click); the unguessable
# message id is the only key, and all it can do is stop marketing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def marketing_opt_out(request: HttpRequest, public_id: str) -> HttpResponse:
    """MSG-2: one click stops marketing, without signing in; a GET (a link preview) changes nothing."""
    if request.method == "POST":
        if not opt_out_of_marketing(message_public_id=public_id):
            return render(request, "messaging/opt_out.html", {"missing": True}, status=404)
        return render(request, "messaging/opt_out.html", {"done": True})
    return render(request, "messaging/opt_out.html", {})
