"""Forms of the member's privacy pages: their profile, authorizations and restrictions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.errors import Invalid
from indigomed.messaging.phones import normalize_phone
from indigomed.privacy import wording
from indigomed.privacy.models import Restriction
from indigomed.privacy.policy import current_policy
from indigomed.privacy.restrictions import (
    PAID_IN_FULL_ONLY_FOR_HEALTH_PLAN,
    UNKNOWN_RECIPIENT,
    is_health_plan_paid_in_full,
)
from indigomed.text import PlainTextField

US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
]  # fmt: skip


class ProfileForm(forms.Form):
    name = PlainTextField(max_length=200, label=_("Full name"))
    phone = forms.CharField(
        required=False,
        max_length=32,
        help_text=_("With its country code if it is not a US number: +33 6 12 34 56 78."),
    )
    gender = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Prefer not to say")),
            ("female", _("Female")),
            ("male", _("Male")),
            ("nonbinary", _("Non-binary")),
        ],
    )
    postal_code = forms.RegexField(
        regex=r"^[0-9]{5}$",
        required=False,
        label=_("ZIP or postal code"),
        error_messages={"invalid": _("Use five digits.")},
    )
    region = forms.ChoiceField(
        required=False,
        label=_("US state"),
        choices=[("", _("Not in the US"))] + [(s, s) for s in US_STATES],
        help_text=_("State law adds protections for some health information."),
    )

    def clean_phone(self) -> str:
        # Kept as E.164, as the contact page keeps it, so one number reads one way everywhere.
        text = str(self.cleaned_data.get("phone") or "").strip()
        if not text:
            return ""
        try:
            return normalize_phone(text, "US")
        except Invalid as exc:
            raise forms.ValidationError(exc.message) from exc


class InsuranceForm(forms.Form):
    carrier = PlainTextField(max_length=120)
    plan = PlainTextField(max_length=120)
    member_number = PlainTextField(max_length=40, required=False, label=_("Member ID"))


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return wording.choices(mapping, wording.category)


AUTHORIZATION_MAX_DAYS = 10 * 365


class AuthorizationForm(forms.Form):
    """USE-4: what, to whom, for what purpose, until when; signed with a typed full name."""

    recipient = forms.ChoiceField(label=_("Who may receive it"))
    recipient_name = PlainTextField(
        max_length=200, required=False, label=_("Their name"), help_text=_("Needed when you name someone yourself.")
    )
    purposes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label=_("For what"))
    categories = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label=_("Which information"))
    tags = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label=_("Including these sensitive kinds of information")
    )
    information = PlainTextField(widget=forms.Textarea(attrs={"rows": 3}), label=_("What information, in your words"))
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Until"))
    signed_name = PlainTextField(max_length=200, label=_("Type your full name to sign"))
    explicit_consent = forms.BooleanField(
        label=_(
            "I agree. I know I can revoke this at any time, that my care does not depend on it, and that "
            "what was shared before I revoke it stays shared."
        )
    )

    def __init__(self, *args: Any, care_team: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = current_policy()
        _set_choices(self, "recipient", [*care_team, ("*", "Someone I name below")])
        _set_choices(
            self, "purposes", [(p.name, wording.purpose(p.name)) for p in policy.purposes.values() if not p.forbidden]
        )
        _set_choices(self, "categories", _choices(policy.categories))
        _set_choices(self, "tags", _choices(policy.tags))

    def clean_expires_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(gettext("Choose a date in the future."))
        # An authorization that outlives any reason to give it is one the member forgets they gave.
        if value > today + dt.timedelta(days=AUTHORIZATION_MAX_DAYS):
            raise forms.ValidationError(
                gettext("Choose a date within %(authorization_max_days)s years; you can sign a new one then.")
                % {"authorization_max_days": AUTHORIZATION_MAX_DAYS // 365}
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("recipient") == "*" and not cleaned.get("recipient_name", "").strip():
            self.add_error("recipient_name", gettext("Name who may receive the information."))
        return cleaned


class RestrictionForm(forms.Form):
    """RIGHT-RESTRICT: what, for which uses, whether it limits use, disclosure or both, who must not
    receive it; signed with a typed full name and dated when filed."""

    categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=_("Which information"),
        error_messages={"required": _("Choose at least one kind of information to restrict.")},
    )
    purposes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False, label=_("For which uses (none ticked: all of them)")
    )
    limits = forms.ChoiceField(
        choices=Restriction.Limits.choices,
        initial=Restriction.Limits.BOTH,
        widget=forms.RadioSelect,
        label=_("What it limits"),
        help_text=_("Use: what IndigoMed and its staff do with it. Disclosure: what reaches anyone else."),
    )
    recipient = forms.ChoiceField(
        required=False, label=_("Who must not receive it"), error_messages={"invalid_choice": UNKNOWN_RECIPIENT}
    )
    paid_in_full = forms.BooleanField(
        required=False,
        label=_("This is about care I paid for in full, and my health plan must not be told"),
        help_text=_("With your health plan as who must not receive it, for payment or health care operations."),
    )
    signed_name = PlainTextField(max_length=200, label=_("Type your full name to sign"))
    explicit_consent = forms.BooleanField(
        label=_(
            "I ask IndigoMed to restrict my information as above. I know the privacy office may refuse "
            "(except for care I paid for in full, kept from my health plan) and that I can end it at any time."
        ),
        error_messages={"required": _("Tick the box that says you ask for this restriction, or do not sign.")},
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = current_policy()
        _set_choices(self, "categories", _choices(policy.categories))
        uses = [(p.name, wording.purpose(p.name)) for p in policy.purposes.values() if p.tpo or p.name == "family"]
        _set_choices(self, "purposes", uses)
        _set_choices(self, "recipient", [("", gettext("Anyone")), *recipients])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Refused rather than ignored: the member would otherwise believe the office is bound.
        if cleaned.get("paid_in_full") and not is_health_plan_paid_in_full(
            recipient_ref=cleaned.get("recipient", ""), purposes=cleaned.get("purposes", [])
        ):
            self.add_error("paid_in_full", PAID_IN_FULL_ONLY_FOR_HEALTH_PLAN)
        return cleaned
