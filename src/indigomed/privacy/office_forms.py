"""Forms of the privacy office's back office."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.privacy import wording
from indigomed.privacy.office import DEMAND_ISSUER_MAX, DEMAND_REFERENCE_MAX
from indigomed.privacy.policy import current_policy
from indigomed.security.models import LegalDemand
from indigomed.text import PlainTextField

# HIPAA's business associate agreements date from its Privacy Rule (2000); nothing older binds a partner.
EARLIEST_AGREEMENT = dt.date(2000, 1, 1)


def _categories() -> list[tuple[str, str]]:
    return wording.choices(current_policy().categories, wording.category)


class LegalDemandForm(forms.Form):
    member_email = forms.EmailField(label=_("The member's e-mail address"))
    kind = forms.ChoiceField(choices=LegalDemand.Kind.choices, label=_("Kind"))
    reference = PlainTextField(max_length=DEMAND_REFERENCE_MAX, label=_("Docket or case number"))
    issued_by = PlainTextField(max_length=DEMAND_ISSUER_MAX, label=_("Court or authority"))
    categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=_("Information the demand asks for"),
        error_messages={"required": _("Choose the information the demand asks for.")},
    )
    document = forms.FileField(label=_("The demand (PDF or image)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _categories()


class ReleaseForm(forms.Form):
    categories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=_("Information released"),
        error_messages={"required": _("Choose what information is released.")},
    )
    refs = PlainTextField(
        required=False,
        max_length=500,
        label=_("References of what is released (comma-separated)"),
        help_text=_("For example visit or appointment references; never the content itself."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _categories()


class PartnerForm(forms.Form):
    slug = forms.SlugField(max_length=50)
    name = PlainTextField(max_length=160)
    agreement_reference = PlainTextField(max_length=120)
    agreement_signed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    purposes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        purposes, categories = self.fields["purposes"], self.fields["categories"]
        assert isinstance(purposes, forms.ChoiceField) and isinstance(categories, forms.ChoiceField)
        purposes.choices = [(p.name, wording.purpose(p.name)) for p in current_policy().purposes.values()]
        categories.choices = _categories()

    def clean_slug(self) -> str:
        # One partner, one name: "HostCo" and "hostco" would be two partners with one agreement.
        return str(self.cleaned_data["slug"]).lower()

    def clean_agreement_signed_on(self) -> dt.date:
        signed_on: dt.date = self.cleaned_data["agreement_signed_on"]
        if signed_on < EARLIEST_AGREEMENT:
            raise forms.ValidationError(
                gettext(
                    "No agreement under which IndigoMed shares information was signed before "
                    "%(year)s: give the date it was signed."
                )
                % {"year": format(EARLIEST_AGREEMENT, "%Y")}
            )
        return signed_on
