"""Forms of the privacy office's breach pages (SEC-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.privacy import wording
from indigomed.privacy.breaches import REFERENCE_MAX, SUMMARY_MAX, SYSTEMS_MAX
from indigomed.privacy.policy import current_policy
from indigomed.security.models import Incident
from indigomed.text import PlainTextField

# Nothing IndigoMed holds predates it: an earlier year is a typing slip, not an incident.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class When(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=_LOCAL, **kwargs)

    def clean(self, value: Any) -> dt.datetime:
        when: dt.datetime = super().clean(value)
        if when < EARLIEST:
            raise forms.ValidationError(gettext("Give a time after %(year)s.") % {"year": format(EARLIEST, "%Y")})
        return when


def _say_utc(form: forms.Form) -> None:
    """The clocks run from the times typed, read as UTC (the server's zone): an officer typing
    their local time would shift every deadline, so each time field says so, with UTC's now."""
    now = format(timezone.now(), "%Y-%m-%d %H:%M")
    for field in form.fields.values():
        if isinstance(field, When):
            field.help_text = gettext("In UTC: it is now %(now)s UTC.") % {"now": now}


class IncidentForm(forms.Form):
    summary_en = PlainTextField(
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("What happened (English)"),
        help_text=_("What the affected members read: the nature and extent of it. Name no person."),
    )
    summary_fr = PlainTextField(
        max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 4}), label=_("What happened (French)")
    )
    systems = PlainTextField(max_length=SYSTEMS_MAX, label=_("Systems involved"))
    categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=_("Information involved"),
        error_messages={"required": _("Name the information the incident involved.")},
    )
    occurred_from = When(label=_("It began"))
    occurred_until = When(label=_("It ended (now, if still going on)"))
    discovered_at = When(label=_("It was discovered"))
    scope = forms.ChoiceField(choices=Incident.Scope.choices, widget=forms.RadioSelect, label=_("What it touched"))
    recipient_ref = PlainTextField(
        required=False, max_length=80, label=_("The recipient (its reference, as in the ledger)")
    )
    account_email = forms.EmailField(required=False, label=_("The account (its sign-in address)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _say_utc(self)
        field = self.fields["categories"]
        assert isinstance(field, forms.ChoiceField)
        choices: list[tuple[str, str]] = wording.choices(current_policy().categories, wording.category)
        field.choices = choices


class ReportForm(forms.Form):
    audience = forms.ChoiceField(label=_("Reported to"))
    reported_at = When(label=_("When"))
    reference = PlainTextField(max_length=REFERENCE_MAX, label=_("Their reference"))

    def __init__(self, *args: Any, audiences: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _say_utc(self)
        field = self.fields["audience"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a, wording.breach_audience(a)) for a in audiences]
