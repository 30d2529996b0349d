"""allauth's page for removing a passkey, with the rules of ``second_factor.refuse_removal``: its own
page deletes any key on a click, the last one of staff's or a member's short-password account too."""

from __future__ import annotations

from typing import Any

from allauth.mfa.webauthn.views import RemoveWebAuthnView

from indigomed.accounts.second_factor import RemovePasskeyForm


class RemovePasskeyView(RemoveWebAuthnView):
    form_class = RemovePasskeyForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "authenticator": self.get_object()}


remove_passkey = RemovePasskeyView.as_view()
