"""A second factor at sign-in (SEC-1), with allauth's own MFA: authenticator apps (TOTP), passkeys
and security keys (WebAuthn), and recovery codes.

Optional for members. Practitioners, facility staff, the privacy office and the site's operators
(``Actor`` says who) must have one and have passed it in the session before any page with patient
data opens (``indigomed.web.second_factor_middleware``). "Passed" is what allauth itself records in
the session when a factor is used: an ``mfa`` authentication record for this user. Adding a factor
counts as passing it, since adding one asks for a code from it (or for the key itself).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import DeactivateTOTPForm
from cryptography.fernet import Fernet, MultiFernet
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.roles import Actor, load_actor
from indigomed.records.services import own_sign_in_address
from indigomed.records.sign_in_keys import is_sign_in_key

# The factors that make a second step at sign-in; recovery codes only stand in for a lost one.
STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def must_use_second_factor(actor: Actor) -> bool:
    """Whoever sees patients' health data or runs the site: Connect, Partners, the office, the admin."""
    return actor.runs_practice or actor.is_privacy_officer or actor.is_operator_staff


def has_second_factor(user: Any) -> bool:
    """Whether the account has an authenticator app or a passkey (recovery codes alone do not count)."""
    if user is None or not getattr(user, "pk", None):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exists()


def passed_second_factor(request: HttpRequest) -> bool:
    """Whether a second factor of this user was used (or added) in this session, as allauth records it."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def record_added_factor(sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **_: Any) -> None:
    """Adding an app or a passkey proves it (a code from it, or the key itself): it counts as passed."""
    if request is None or authenticator.type not in STRONG_TYPES:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)
    # allauth sends this after commit, which may come after the response wrote the session.
    request.session.save()


def connect() -> None:
    from allauth.mfa.signals import authenticator_added

    authenticator_added.connect(record_added_factor, dispatch_uid="indigomed.second_factor_added")


def _fernet(key: str | bytes) -> Fernet:
    raw = key if isinstance(key, bytes) else key.encode()
    digest = hashlib.sha256(b"indigomed.accounts.second_factor:" + raw).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    """The current secret key seals; the previous ones (``SECRET_KEY_FALLBACKS``) still open."""
    return MultiFernet([_fernet(k) for k in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)])


class SecondFactorAdapter(DefaultMFAAdapter):
    """allauth's MFA, with the authenticator secrets sealed at rest and staff's last factor kept."""

    def encrypt(self, text: str) -> str:
        # A copied database alone gives nobody the codes: the secrets open only with the site's key.
        return _keys().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        # Every secret was sealed from the start; one that does not open means a lost SECRET_KEY.
        return _keys().decrypt(encrypted_text.encode()).decode()

    def _get_user_identifier(self, user: Any) -> str:
        """The account as its owner knows it, in their authenticator app: the row holds only a key."""
        key = user.email or ""
        address = own_sign_in_address(key=key) if is_sign_in_key(key) else key
        return address or user.display_name or "IndigoMed"

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep at least one app or passkey: without one they could not reach their work."""
        if authenticator.type not in STRONG_TYPES or not must_use_second_factor(load_actor(authenticator.user)):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=STRONG_TYPES)
        return others.exclude(pk=authenticator.pk).exists()


def min_length_without_second_factor() -> int:
    """The shortest password allowed as an account's only factor, as the validators in settings say."""
    from django.contrib.auth.password_validation import get_default_password_validators

    from indigomed.accounts.passwords import LengthForSecondFactorValidator

    for validator in get_default_password_validators():
        if isinstance(validator, LengthForSecondFactorValidator):
            return validator.without_second_factor
    return LengthForSecondFactorValidator().without_second_factor


def refuse_removal(authenticator: Authenticator, password: str) -> None:
    """``ValidationError`` when removing this factor is not allowed: staff's last app or passkey, or a
    member's last one without their password or with one too short to stand alone
    (docs/security.md, "When the length rule is checked")."""
    adapter = SecondFactorAdapter()
    if not adapter.can_delete_authenticator(authenticator):
        raise forms.ValidationError(
            gettext("Your work needs a second factor: add another app or passkey before removing this one.")
        )
    user = authenticator.user
    if authenticator.type not in STRONG_TYPES or (
        Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exclude(pk=authenticator.pk).exists()
    ):
        return
    if not user.check_password(password):
        raise forms.ValidationError(gettext("Type your password to turn off your last second factor."))
    minimum = min_length_without_second_factor()
    if len(password) < minimum:
        raise forms.ValidationError(
            gettext(
                "Your password is shorter than %(minimum)d characters, which is allowed only with a second "
                "factor. Change your password first, then turn this off."
            )
            % {"minimum": minimum}
        )


def _password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed when this is your last second factor."),
    )


class TurnOffAppForm(DeactivateTOTPForm):
    """Turning off the authenticator app (allauth's form, with ``refuse_removal``)."""

    password = _password_field()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            refuse_removal(self.authenticator, self.cleaned_data.get("password") or "")
        return cleaned


class RemovePasskeyForm(forms.Form):
    """Removing a passkey or security key: the same rules as turning off the app."""

    password = _password_field()

    def __init__(self, *args: Any, authenticator: Authenticator, **kwargs: Any) -> None:
        self.authenticator = authenticator
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refuse_removal(self.authenticator, cleaned.get("password") or "")
        return cleaned
