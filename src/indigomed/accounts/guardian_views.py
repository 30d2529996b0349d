"""The guardian's page (``/me/dependents/``): the dependents they manage, and adding one (CHILD-3)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indigomed.accounts.acting_for import active_guardianships, start_acting, stop_acting
from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Member
from indigomed.accounts.roles import actor_of
from indigomed.accounts.takeover import invitable, pending_invitation
from indigomed.accounts.takeover_views import InviteForm
from indigomed.web.feedback import on_form, refusals_as_pages


class DependentForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Their full name"))
    date_of_birth = forms.DateField(
        label=_("Their date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2018-04-27.")},
    )
    country = forms.ChoiceField(label=_("Country where they live"), choices=Member.Country.choices, initial="US")
    document = forms.FileField(
        label=_("Guardianship document (PDF, PNG or JPEG), for an adult in your care"), required=False
    )
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())


@login_required
def dependents(request: HttpRequest) -> HttpResponse:
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    form = DependentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with on_form(form) as attempt:
                add_dependent(
                    actor=request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    date_of_birth=data["date_of_birth"],
                    country=data["country"],
                    document=data["document"],
                    submission=data["submission"],
                )
            if attempt.refusal is None:
                messages.success(request, gettext("Your dependent is added. Their care is filed under their own name."))
                return redirect("my_dependents")
            status = attempt.status
        else:
            status = 400
    rows = [
        {"g": g, "can_invite": invitable(g), "pending": pending_invitation(g)}
        for g in active_guardianships(request.user)
    ]
    context = {"form": form, "rows": rows, "invite_form": InviteForm()}
    return render(request, "accounts/guardians.html", context, status=status)


@login_required
@require_POST
@refusals_as_pages
def act_for(request: HttpRequest, public_id: str) -> HttpResponse:
    """Start acting for one's own dependent; anyone else's is "not found"."""
    start_acting(request, public_id)
    messages.success(request, gettext("You are now acting for your dependent. Their care stays theirs."))
    return redirect("my_appointments")


@login_required
@require_POST
def stop(request: HttpRequest) -> HttpResponse:
    stop_acting(request)
    messages.success(request, gettext("You are back on your own account."))
    return redirect("my_dependents")
