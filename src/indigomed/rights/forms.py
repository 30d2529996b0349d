"""Forms of the requests desk: what members sign and send, and what the privacy office enters."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.rights.models import Accounting, Request
from indigomed.rights.services import MAX_SIGNED_NAME, MAX_TEXT
from indigomed.text import PlainTextField

# A date field takes four-digit years only: year 1 and 9999 are typing mistakes, refused beside the field.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


class _Submitted(forms.Form):
    """A form filed once: its one-time key makes a second submit return the first request."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())


class _Signed(_Submitted):
    signed_name = PlainTextField(
        max_length=MAX_SIGNED_NAME, label=_("Your full name, as your signature"), help_text=_("Given and family name.")
    )
    consent = forms.BooleanField(
        label=_("I sign this request, dated today."),
        error_messages={"required": _("Tick the box that says you sign this request.")},
    )


class RequestForm(_Signed):
    """A written request of any kind, signed online."""

    text = PlainTextField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("What you are asking for"),
        help_text=_("Say what you want and, for an amendment, which record and why."),
    )


class QuestionForm(_Signed):
    """A question to the privacy office (CONTACT-1), tracked like a request."""

    text = PlainTextField(max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}), label=_("Your question"))


def _day(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _in_range(value: dt.date) -> dt.date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise forms.ValidationError(gettext("Give a date with a four-digit year, such as 2024-01-31."))
    return value


class AccountingForm(_Signed):
    asked_from = _day("From")
    asked_until = _day("Until (inclusive)")
    delivery = forms.ChoiceField(choices=Accounting.Delivery.choices, widget=forms.RadioSelect, label=_("How"))
    accept_fee = forms.BooleanField(required=False, label=_("I accept the fee shown above."))

    def clean_asked_from(self) -> dt.date:
        return _in_range(self.cleaned_data["asked_from"])

    def clean_asked_until(self) -> dt.date:
        return _in_range(self.cleaned_data["asked_until"])


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(coerce=int, label=_("Officer"))

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = officers


class ExtendForm(forms.Form):
    reason = PlainTextField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why more time is needed (told to the member)"),
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (s.value, s.label) for s in (Request.State.FULFILLED, Request.State.PARTLY_FULFILLED, Request.State.DENIED)
        ],
        widget=forms.RadioSelect,
        label=_("Answer"),
    )
    reasons = PlainTextField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Reasons (told to the member; required unless fulfilled)"),
    )
