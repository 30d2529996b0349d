"""The privacy office's page of guardianships (``/office/guardianships/``): adult wards' guardianships,
with their document, which the office ends with a reason; accounts a guardian gave up (CHILD-3)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indigomed.accounts.models import Guardianship
from indigomed.accounts.takeover import OFFICE_REASONS, end_by_office, left_without_guardian
from indigomed.privacy.office_views import officers_only
from indigomed.web.feedback import refusals_as_pages


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why it ends"),
        choices=[(r.value, r.label) for r in OFFICE_REASONS],
    )


@officers_only
def guardianships(request: HttpRequest) -> HttpResponse:
    active = (
        Guardianship.objects.filter(kind=Guardianship.Kind.ADULT_WARD, ended_at__isnull=True)
        .only("public_id", "since", "document_type", "kind")
        .order_by("since", "pk")
    )
    return render(
        request,
        "privacy/office/guardianships.html",
        {"active": active, "given_up": left_without_guardian(), "form": EndForm()},
    )


@officers_only
@require_POST
@refusals_as_pages
def end(request: HttpRequest, public_id: str) -> HttpResponse:
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose why the guardianship ends."))
        return redirect("office:guardianships")
    end_by_office(officer=request.user, public_id=public_id, reason=form.cleaned_data["reason"])
    messages.success(
        request, gettext("The guardianship has ended; the guardian and the person in their care are told.")
    )
    return redirect("office:guardianships")
