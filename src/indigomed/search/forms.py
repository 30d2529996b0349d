"""The search form of the web page; it reads the same fields as ``GET /api/search``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indigomed.search.queries import Criteria


class SearchForm(forms.Form):
    text = forms.CharField(required=False, max_length=100, label=_("Name, specialty or reason"))
    what = forms.SlugField(required=False, max_length=80, label=_("Specialty or reason"))
    postal_code = forms.CharField(required=False, max_length=12, label=_("ZIP or postal code"))
    country = forms.ChoiceField(
        choices=[("", _("Where the code is")), ("US", _("United States")), ("FR", _("France"))], required=False
    )
    radius_km = forms.IntegerField(required=False, min_value=1, max_value=500, label=_("Within (km)"))
    plan = forms.SlugField(required=False, max_length=80, label=_("Insurance plan"))
    language = forms.CharField(required=False, max_length=8)
    gender = forms.ChoiceField(
        required=False,
        choices=[("", _("Any")), ("female", _("Female")), ("male", _("Male")), ("nonbinary", _("Non-binary"))],
    )
    available_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Available from")
    )
    available_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("to"))
    sort = forms.ChoiceField(
        required=False, choices=[("soonest", _("Soonest available")), ("distance", _("Nearest"))], initial="soonest"
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def criteria(self, *, country_hint: str | None = None) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            what=data.get("what") or None,
            text=data.get("text") or None,
            plan=data.get("plan") or None,
            postal_code=data.get("postal_code") or None,
            country=data.get("country") or None,
            country_hint=country_hint,
            radius_km=data.get("radius_km"),
            language=data.get("language") or None,
            gender=data.get("gender") or None,
            available_from=data.get("available_from"),
            available_to=data.get("available_to"),
            sort=data.get("sort") or "soonest",
            page=data.get("page") or 1,
        )
