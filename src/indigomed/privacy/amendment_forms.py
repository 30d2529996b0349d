"""Forms of the amendment pages: the member's request and statement, the office's answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indigomed.directory.models import InsurancePlan, VisitReason
from indigomed.privacy.amendment_values import COUNTRIES, GENDERS, SELF_PAY, STATEMENT_MAX, WHY_MAX
from indigomed.records.amendments import Target
from indigomed.records.models import Amendment
from indigomed.text import PlainTextField

TEXT_ROWS = {"rows": 4}


def proposed_field(target: Target) -> forms.Field:
    """The input for what the record should say, as its field is kept."""
    label = "What it should say"
    if target.field == "date_of_birth":
        return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))
    if target.field == "gender":
        return forms.ChoiceField(label=label, choices=list(GENDERS.items()), required=False)
    if target.field == "country":
        return forms.ChoiceField(label=label, choices=list(COUNTRIES.items()))
    if target.field == "postal_code":
        return forms.CharField(label=label, max_length=5, required=False)
    if target.field == "reason":
        return forms.ChoiceField(label=label, choices=list(VisitReason.objects.values_list("slug", "name")))
    if target.field == "insurance":
        plans = [(p.slug, str(p)) for p in InsurancePlan.objects.select_related("carrier")]
        return forms.ChoiceField(label=label, choices=[("", SELF_PAY), *plans], required=False)
    return PlainTextField(label=label, max_length=200)


class AmendmentForm(forms.Form):
    """RIGHT-AMEND: what one record should say and why; signed with a typed full name."""

    why = PlainTextField(
        widget=forms.Textarea(attrs=TEXT_ROWS),
        max_length=WHY_MAX,
        label=_("Why it should change"),
        help_text=_("What is wrong or missing, and how you know."),
    )
    signed_name = PlainTextField(max_length=200, label=_("Type your full name to sign"))
    explicit_consent = forms.BooleanField(
        label=_(
            "I ask IndigoMed to correct this record as above. I know the privacy office may deny it, "
            "and that I may then file a statement of disagreement that goes with the record."
        ),
        error_messages={"required": _("Tick the box that says you ask for this correction, or do not sign.")},
    )

    def __init__(self, *args: Any, target: Target, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The value first: it is what the form is about.
        self.fields = {"proposed": proposed_field(target), **self.fields}

    def clean_proposed(self) -> str:
        value = self.cleaned_data.get("proposed")
        return value.isoformat() if isinstance(value, dt.date) else str(value or "")


class DisagreementForm(forms.Form):
    statement = PlainTextField(
        widget=forms.Textarea(attrs=TEXT_ROWS),
        max_length=STATEMENT_MAX,
        label=_("Your statement of disagreement"),
        help_text=_("It goes with the record every time the record is shared from now on."),
    )


class DenialForm(forms.Form):
    basis = forms.ChoiceField(choices=Amendment.Basis.choices, label=_("Basis of the denial"))
    explanation = PlainTextField(
        widget=forms.Textarea(attrs=TEXT_ROWS), max_length=STATEMENT_MAX, label=_("Explanation for the member")
    )


class RebuttalForm(forms.Form):
    text = PlainTextField(
        widget=forms.Textarea(attrs=TEXT_ROWS),
        max_length=STATEMENT_MAX,
        label=_("The office's rebuttal"),
        help_text=_("It goes with the member's statement wherever the record is shared; the member is told."),
    )
