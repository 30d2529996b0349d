"""The privacy office's marketing page: write one message, sent only to members who authorized
marketing (USE-1, MSG-2), and see what was sent before."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indigomed.messaging.rights import marketing_campaigns
from indigomed.privacy.marketing import BODY_MAX, SUBJECT_MAX, send_marketing_message
from indigomed.privacy.office_views import officers_only
from indigomed.text import PlainTextField
from indigomed.web.feedback import on_form


class MarketingForm(forms.Form):
    subject = PlainTextField(max_length=SUBJECT_MAX, help_text=_("Seen on lock screens and envelopes: name no care."))
    body = PlainTextField(max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}), label=_("Text"))
    # One per form shown: the same form sent twice is one campaign.
    campaign = forms.UUIDField(widget=forms.HiddenInput)


@officers_only
def marketing(request: HttpRequest) -> HttpResponse:
    form = MarketingForm(request.POST or None, initial={"campaign": uuid.uuid4()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with on_form(form) as attempt:
                queued = send_marketing_message(
                    officer=request.user,  # type: ignore[arg-type]
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    campaign=form.cleaned_data["campaign"],
                )
                messages.success(
                    request,
                    ngettext(
                        "Queued for %(count)s member who authorized it.",
                        "Queued for %(count)s members who authorized it.",
                        queued,
                    )
                    % {"count": queued},
                )
                return redirect("office:marketing")
            status = attempt.status
    return render(
        request, "privacy/office/marketing.html", {"form": form, "campaigns": marketing_campaigns()}, status=status
    )
