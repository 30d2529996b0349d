"""Taking over one's own account from a guardian's care (``/take-over/<link>/``), and the guardian's
buttons on ``/me/dependents/``: invite now, give up (CHILD-3)."""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indigomed.accounts.acting_for import stop_acting
from indigomed.accounts.takeover import give_up, invite_now, open_invitation, take_over
from indigomed.errors import DomainError, NotFound
from indigomed.web.feedback import on_form, refusals_as_pages


class TakeOverForm(forms.Form):
    email = forms.EmailField(label=_("Your own e-mail address"), max_length=254)
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("The same password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", gettext("The two passwords differ."))
        return data


def take_over_page(request: HttpRequest, token: str) -> HttpResponse:
    """The dependent's page: their own address and password make the account theirs."""
    try:
        open_invitation(token)
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 400
        return render(request, "accounts/take_over_refused.html", {"reason": exc.message}, status=status)
    form = TakeOverForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with on_form(form) as attempt:
                _user, address = take_over(
                    token=token, email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
                )
            if attempt.refusal is None:
                send_verification_email_to_address(request, address)
                return render(request, "accounts/take_over_done.html")
            status = attempt.status
    return render(request, "accounts/take_over.html", {"form": form}, status=status)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their own e-mail address (optional)"), required=False, max_length=254)


@login_required
@require_POST
@refusals_as_pages
def invite(request: HttpRequest, public_id: str) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Enter their e-mail address like name@example.org."))
        return redirect("my_dependents")
    invite_now(guardian=request.user, public_id=public_id, address=form.cleaned_data["email"])
    messages.success(
        request,
        gettext("The invitation is on its way to them.")
        if form.cleaned_data["email"]
        else gettext("The invitation is on its way to you: pass the link on to them."),
    )
    return redirect("my_dependents")


@login_required
@require_POST
@refusals_as_pages
def give_up_dependent(request: HttpRequest, public_id: str) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, gettext("Tick the box to confirm you give up managing this account."))
        return redirect("my_dependents")
    give_up(guardian=request.user, public_id=public_id)
    stop_acting(request)
    messages.success(request, gettext("You no longer manage this account. Our privacy office looks after it now."))
    return redirect("my_dependents")
