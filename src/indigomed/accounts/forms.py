"""Sign-in and member sign-up: allauth's forms, comparing sign-in keys rather than addresses
(``records.sign_in_keys``), and sign-up asking a date of birth for the age gate."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from allauth.account.forms import AddEmailForm, LoginForm, SignupForm
from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.age import age_on, needs_parental_consent, too_young
from indigomed.accounts.models import Member
from indigomed.accounts.passwords import refuse_context_words
from indigomed.accounts.services import create_member_profile
from indigomed.records.sign_in_keys import (
    SEALED_DOMAIN,
    normalize_address,
    seal_address,
    seal_pending_address,
    sign_in_key,
)

# Said to anyone the age gate turns away. It must not reveal the age that would pass (CHILD-1).
REFUSAL = _(
    "Sorry, we can't create an IndigoMed account for you. A parent or guardian can add you as a "
    "dependent from their own account: you get an account of your own, and your care stays yours."
)


PARENT_NEEDED = _(
    "Because of your age, a parent or guardian must agree too. Enter their e-mail address: we will "
    "ask them. Please also confirm that you agree yourself."
)


class SignInForm(LoginForm):
    """allauth's sign-in form, looking the account up by the typed address's sign-in key."""

    def clean_login(self) -> str:
        return sign_in_key(super().clean_login())


def _deliverable(address: str) -> str:
    address = normalize_address(address)
    if address.endswith(f"@{SEALED_DOMAIN}"):
        raise forms.ValidationError(_("Enter an address you can receive e-mail at."))
    local, _at, _domain = address.rpartition("@")
    # RFC 5321: no mail server takes a longer name or address, so the confirmation could never arrive.
    if len(local) > 64 or len(address) > 254:
        raise forms.ValidationError(_("Enter an address you can receive e-mail at: this one is too long."))
    return address


def deliverable_address(address: str) -> str:
    """``address`` normalized, or ``ValidationError`` for one no confirmation could reach."""
    return _deliverable(address)


class ChangeAddressForm(AddEmailForm):
    """Changing the sign-in address: the new one is sealed as pending until its owner confirms it."""

    def clean_email(self) -> str:
        self.new_address = _deliverable(self.cleaned_data["email"])
        return str(super().clean_email())

    def save(self, request: HttpRequest) -> Any:
        # Sealed first: the confirmation that allauth sends next is addressed from it.
        seal_pending_address(user_id=self.user.pk, address=self.new_address)
        return super().save(request)


class MemberSignupForm(SignupForm):
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _("Enter a date like 1990-04-27."),
        },
    )
    full_name = forms.CharField(
        max_length=200, label=_("Full name"), widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    # The same countries as Member.Country, named in the reader's language.
    country = forms.ChoiceField(
        label=_("Country where you live"), choices=[("US", _("United States")), ("FR", _("France"))], initial="US"
    )
    # The language IndigoMed writes to the member in (MSG-1); they change it at /me/contact/.
    language = forms.ChoiceField(label=_("Write to me in"), choices=Member.LANGUAGES, initial="en", required=False)

    field_order = ["full_name", "email", "date_of_birth", "country", "language", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Written to in the language they are reading the sign-up page in, unless they choose another.
        page_language = (get_language() or "en")[:2]
        self.fields["language"].initial = page_language if page_language in dict(Member.LANGUAGES) else "en"
        if self._needs_parent():
            # Asked only of those who need it, so the form never hints at an age threshold.
            self.fields["parent_email"] = forms.EmailField(label=_("Parent or guardian's e-mail address"))
            self.fields["own_consent"] = forms.BooleanField(
                label=_("I agree to IndigoMed keeping my health information as its privacy notice explains")
            )

    def _needs_parent(self) -> bool:
        if not self.is_bound:
            return False
        try:
            dob = dt.date.fromisoformat(str(self.data.get("date_of_birth", "")))
        except ValueError:
            return False
        return needs_parental_consent(dob, str(self.data.get("country", "")), timezone.localdate())

    def clean_email(self) -> str:
        # Kept to be sealed at save; the cleaned value becomes the sign-in key (the adapter).
        self.sign_in_address = _deliverable(self.cleaned_data["email"])
        return str(super().clean_email())

    def clean_date_of_birth(self) -> dt.date:
        dob: dt.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(_("A date of birth cannot be in the future."))
        if age_on(dob, today) > 130:
            raise forms.ValidationError(_("Please check the year of your date of birth."))
        if too_young(dob, str(self.data.get("country", "")), today):
            raise forms.ValidationError(REFUSAL, code="under_age")
        return dob

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and not self.has_error("password1"):
            # The validators see an unsaved user holding only a sign-in key: the typed words are here.
            try:
                refuse_context_words(password, [getattr(self, "sign_in_address", ""), cleaned.get("full_name", "")])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        if "parent_email" in self.fields and not self.has_error("date_of_birth"):
            if not cleaned.get("parent_email") or not cleaned.get("own_consent"):
                self.add_error(None, PARENT_NEEDED)
            elif normalize_address(cleaned["parent_email"]) == getattr(self, "sign_in_address", None):
                self.add_error("parent_email", _("Enter your parent or guardian's address, not your own."))
        if self.has_error("date_of_birth", code="under_age"):
            # Nothing about a refused child is kept or echoed back: not the address, not the date.
            self.errors.pop("email", None)
            blank = self.data.copy()  # type: ignore[has-type]
            for name in ("full_name", "email", "date_of_birth", "password1", "password2"):
                blank[name] = ""
            self.data = blank
        return cleaned

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            self._rehearse_sign_up(request)
        return super().try_save(request)

    def _rehearse_sign_up(self, request: HttpRequest) -> None:
        """Do a new member's sign-up work for an address that already has an account, then undo it.

        Both answer alike ("check your e-mail"); doing the same hashing, sealing and writes keeps the
        time taken from telling them apart (SEC-1, no account enumeration). Nothing is kept: the
        transaction is rolled back, and what it queued for after commit is dropped with it.
        """
        decoy = f"{secrets.token_hex(12)}@{SEALED_DOMAIN}"
        kept = self.cleaned_data["email"], self.sign_in_address
        self.cleaned_data["email"], self.sign_in_address = sign_in_key(decoy), decoy
        self.account_already_exists = False
        try:
            with transaction.atomic():
                self.save(request)
                transaction.set_rollback(True)
        finally:
            self.cleaned_data["email"], self.sign_in_address = kept
            self.account_already_exists = True

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            user = super().save(request)
            seal_address(user_id=user.pk, address=self.sign_in_address)
            create_member_profile(
                user=user,
                name=self.cleaned_data["full_name"].strip(),
                date_of_birth=self.cleaned_data["date_of_birth"],
                country=self.cleaned_data["country"],
                parent_email=self.cleaned_data.get("parent_email", ""),
                language=self.cleaned_data.get("language") or "en",
            )
        return user
