"""How allauth fits IndigoMed.

Addresses are kept sealed (``records.sign_in_keys``): what allauth stores and compares is the
address's sign-in key, made from what the person typed as soon as a form cleans it, and its
e-mails go, through ``messaging``, to the address opened from the sealed copy. Practitioners and staff land in Connect
after signing in; a new member who chose a time before signing up is led back to it
(``accounts.return_path``).
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from indigomed.accounts.return_path import return_path, take_return
from indigomed.accounts.roles import actor_of
from indigomed.accounts.site import mail_context
from indigomed.messaging.services import write_to_sign_in_address
from indigomed.records.sign_in_keys import is_sign_in_key, sign_in_key

log = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # allauth cleans some values twice: a sign-in key stays as it is.
        return email if is_sign_in_key(email) else sign_in_key(super().clean_email(email))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = mail_context(context)
        if not is_sign_in_key(email):
            super().send_mail(template_prefix, email, context)
            return
        send_as_allauth = super().send_mail

        def send(address: str) -> None:
            opened = {name: address if value == email else value for name, value in context.items()}
            send_as_allauth(template_prefix, address, opened)

        reason = "account:" + template_prefix.rpartition("/")[2]
        if not write_to_sign_in_address(key=email, reason=reason, send=send):
            log.warning("No readable address for an account; %s not sent", template_prefix)

    def user_display(self, user: Any) -> str:
        return getattr(user, "display_name", "") or "IndigoMed member"

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        actor = actor_of(request)
        if actor.runs_practice and not actor.is_member:
            return reverse("connect:calendar")
        # A new member who chose a time before signing up goes back to it.
        return take_return(request) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        # Confirmed in the browser that chose a time before signing up: sign in, then back to it.
        # (Confirming does not sign in: a link in a mailbox is not a password.)
        path = return_path(self.request)
        if path and not self.request.user.is_authenticated:
            messages.info(self.request, _("Sign in to book the time you chose."))
            return f"{reverse('account_login')}?{urlencode({'next': path})}"
        return super().get_email_verification_redirect_url(email_address)
