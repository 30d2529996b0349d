"""Partners: the page an invitation's link opens, where the invitee joins the facility's team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from indigomed.directory import invitations
from indigomed.directory.models import (
    FacilityInvitation,
    FacilityStaff,
)
from indigomed.partners import forms, team
from indigomed.web.feedback import flashed, on_form, refusals_as_pages

# --- Accepting an invitation ----------------------------------------------------------------------

# The link's secret moves from the address into the session at once, as Django's password-reset
# pages do: the page the invitee works on carries no secret to logs, history or Referer headers.
_INVITATION = "partners_invitation"


@refusals_as_pages
def open_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The address an invitation's link opens: keep its secret in the session, show the page."""
    invitations.invitation_for_token(token)
    request.session[_INVITATION] = token
    return redirect("partners:accept")


@refusals_as_pages
def accept(request: HttpRequest) -> HttpResponse:
    """Join as the invited account, choosing its password first if the invitation made it."""
    token = str(request.session.get(_INVITATION, ""))
    invitation = invitations.invitation_for_token(token)
    signed_in = request.user.is_authenticated
    if signed_in and request.user.pk != invitation.user_id:
        state = "other_account"
    elif signed_in:
        state = "join"
    elif invitation.user.has_usable_password():
        state = "sign_in"
    else:
        state = "choose_password"
    form = forms.ChoosePasswordForm(request.POST or None) if state == "choose_password" else None
    status = 200
    if request.method == "POST" and state == "join":
        with flashed(request):
            invitations.accept_invitation(actor=request.user, token=token)
            return _welcome(request, invitation)
        return redirect("home")
    if request.method == "POST" and form is not None:
        if form.is_valid():
            with on_form(form) as attempt:
                user = team.accept_with_new_password(
                    token=token, password=form.cleaned_data["password"], confirm=form.cleaned_data["confirm"]
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _welcome(request, invitation)
            status = attempt.status
        else:
            status = 400
    context = {"invitation": invitation, "state": state, "form": form}
    return render(request, "partners/accept.html", context, status=status)


def _welcome(request: HttpRequest, invitation: FacilityInvitation) -> HttpResponse:
    request.session.pop(_INVITATION, None)
    messages.success(request, gettext("Welcome to %(name)s's team.") % {"name": invitation.facility.name})
    if invitation.kind == FacilityInvitation.Kind.STAFF and invitation.staff_role == FacilityStaff.Role.ADMIN:
        return redirect("partners:overview", facility_id=invitation.facility_id)
    return redirect("connect:calendar")
