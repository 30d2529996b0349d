"""The way on after adding a second factor (``after_second_factor``), and allauth's page for
removing a passkey with the rules of ``second_factor.refuse_removal``: its own page deletes any key
on a click, the last one of staff's or a member's short-password account too."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from indigomed.accounts.after_second_factor import SESSION_KEY, safe_path
from indigomed.accounts.second_factor import RemovePasskeyForm


class RemovePasskeyView(RemoveWebAuthnView):
    form_class = RemovePasskeyForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "authenticator": self.get_object()}


remove_passkey = RemovePasskeyView.as_view()


@login_required
@require_GET
def go_on(request: HttpRequest) -> HttpResponse:
    """After the recovery codes: the page first asked for, once; else where sign-in leads."""
    wanted = safe_path(request.session.pop(SESSION_KEY, None))
    return redirect(wanted or get_adapter(request).get_login_redirect_url(request))
