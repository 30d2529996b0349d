"""Asking for and deciding restrictions, through the requests desk (RIGHT-RESTRICT): the member's
signed form on their privacy page, and the office's accept or refuse (with a reason) on its home."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.privacy import restrictions
from indigomed.privacy.forms import RestrictionForm
from indigomed.privacy.office_views import officers_only
from indigomed.privacy.views import privacy_page
from indigomed.rights.restriction import ask_for_restriction, decide
from indigomed.web.feedback import flashed, on_form


@login_required
@require_POST
def restrict(request: HttpRequest) -> HttpResponse:
    """A signed restriction request; anything wrong (a recipient the member has no relation with,
    a missing signature) is answered on the form, beside its field, with a 400, and nothing stored."""
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    user: Any = request.user
    form = RestrictionForm(request.POST, recipients=restrictions.recipient_choices(user.pk))
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form) as attempt:
            restriction = ask_for_restriction(
                actor=user,
                categories=data["categories"],
                purposes=data["purposes"],
                limits=data["limits"],
                recipient_ref=data["recipient"],
                paid_in_full=data["paid_in_full"],
                signed_name=data["signed_name"],
                consent=data["explicit_consent"],
            )
        if not attempt.refusal:
            if restriction.status == restriction.Status.ACCEPTED:
                messages.success(
                    request, gettext("Your restriction is accepted: the law requires it, and it binds from now on.")
                )
            else:
                messages.success(
                    request, gettext("Your request is sent to the privacy office; it binds once accepted.")
                )
            return redirect("my_privacy")
    return privacy_page(request, form, status=400)


@officers_only
@require_POST
def office_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    decision = request.POST.get("decision")
    # Anything but the two buttons is refused: a missing value must never read as a refusal.
    if decision not in ("accept", "refuse"):
        messages.error(request, gettext("Choose to accept or to refuse the restriction."))
        return redirect("office:home")
    with flashed(request) as attempt:
        restriction = decide(
            officer=request.user,  # type: ignore[arg-type]
            public_id=str(public_id),
            accept=decision == "accept",
            reason=request.POST.get("reason", ""),
        )
    if not attempt.refusal:
        messages.success(
            request,
            gettext("Restriction %(lower)s. The member is told.") % {"lower": restriction.get_status_display().lower()},
        )
    return redirect("office:home")
