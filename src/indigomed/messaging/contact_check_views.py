"""The member's page for typing the code sent to a new number or address given on ``/me/contact/``
(``contact_checks``): ``/me/contact/check``. The lost-contact pages use the same code form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from indigomed.errors import Invalid
from indigomed.messaging import contact_checks
from indigomed.messaging.confidential import contact_checks_waiting
from indigomed.messaging.rights import is_member
from indigomed.web.feedback import caught, on_form


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        label=_("The six-digit code we sent"),
        # Phones offer the code from the text they just received, on a digit keypad.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"invalid": _("Type the six digits of the code.")},
    )


class CheckForm(CodeForm):
    kind = forms.ChoiceField(choices=[(k, k) for k in contact_checks.KINDS], widget=forms.HiddenInput)


def _forms(waiting: dict[str, str], posted: CheckForm | None) -> list[tuple[str, str, CheckForm]]:
    """One code form per value waiting, the posted one keeping its errors."""
    shown = []
    for kind, value in waiting.items():
        form = posted if posted is not None and posted.data.get("kind") == kind else None
        shown.append((kind, value, form or CheckForm(initial={"kind": kind}, auto_id=f"id_{kind}_%s")))
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Type the code (or ask for another); the new value is used from then on."""
    if not is_member(request.user):
        return render(request, "privacy/members_only.html", status=403)
    user: Any = request.user
    posted: CheckForm | None = None
    refused = ""
    status = 200
    if request.method == "POST" and request.POST.get("resend") is not None:
        kind = str(request.POST["resend"])
        with caught() as attempt:
            if kind not in contact_checks.KINDS:
                raise Invalid(gettext("No new number or address is waiting for a code."))
            contact_checks.resend(member_id=user.pk, kind=kind)
            messages.success(request, gettext("We sent a new code; the one before no longer works."))
            return redirect("my_contact_check")
        refused, status = (attempt.refusal.message if attempt.refusal else ""), attempt.status
    elif request.method == "POST":
        status = 400
        posted = CheckForm(request.POST, auto_id=f"id_{request.POST.get('kind', '')}_%s")
        if posted.is_valid():
            with on_form(posted) as attempt:
                contact_checks.confirm(
                    member_id=user.pk, kind=posted.cleaned_data["kind"], code=posted.cleaned_data["code"]
                )
                messages.success(request, gettext("Checked: we may write to it from now on, the ways you chose."))
                return redirect("my_contact")
            status = attempt.status
    waiting = contact_checks_waiting(actor=user)
    if posted is not None and posted.errors and posted.data.get("kind") not in waiting:
        # Nothing of that kind waits any more (used, expired): the refusal is said above the forms.
        refused = " ".join(str(e) for errors in posted.errors.values() for e in errors)
    context = {"checks": _forms(waiting, posted), "minutes": contact_checks.CODE_MINUTES, "refused": refused}
    return render(request, "messaging/contact_check.html", context, status=status)
