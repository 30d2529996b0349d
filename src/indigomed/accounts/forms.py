"""The member sign-up form: allauth's, plus a required date of birth behind the age gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from indigomed.accounts.age import age_on
from indigomed.accounts.services import create_member_profile

# Said to anyone the age gate turns away. It must not reveal the age that would pass (CHILD-1).
REFUSAL = (
    "Sorry, we can't create an IndigoMed account for you. A parent or guardian can book care "
    "for you from their own account."
)


class MemberSignupForm(SignupForm):
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"required": "Please enter your date of birth.", "invalid": "Enter a date like 1990-04-27."},
    )

    field_order = ["email", "date_of_birth", "password1", "password2"]

    def clean_date_of_birth(self) -> dt.date:
        dob: dt.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("A date of birth cannot be in the future.")
        if age_on(dob, today) > 130:
            raise forms.ValidationError("Please check the year of your date of birth.")
        if age_on(dob, today) < int(settings.INDIGOMED["MINIMUM_MEMBER_AGE"]):
            raise forms.ValidationError(REFUSAL, code="under_age")
        return dob

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.has_error("date_of_birth", code="under_age"):
            # Nothing about a refused child is kept or echoed back: not the address, not the date.
            self.errors.pop("email", None)
            blank = self.data.copy()  # type: ignore[has-type]
            for name in ("email", "date_of_birth", "password1", "password2"):
                blank[name] = ""
            self.data = blank
        return cleaned

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            user = super().save(request)
            create_member_profile(user=user, date_of_birth=self.cleaned_data["date_of_birth"])
        return user
