"""Booking forms for the patient site."""

from __future__ import annotations

from typing import Any

from django import forms


class BookForm(forms.Form):
    visit_reason = forms.ChoiceField(label="Reason for your visit")
    insurance_plan = forms.ChoiceField(label="Insurance", required=False)

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason_field, plan_field = self.fields["visit_reason"], self.fields["insurance_plan"]
        assert isinstance(reason_field, forms.ChoiceField) and isinstance(plan_field, forms.ChoiceField)
        reason_field.choices = [("", "Choose a reason"), *reasons]
        plan_field.choices = [("", "I will pay myself"), *plans]


class RescheduleForm(forms.Form):
    slot_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)


class VisitStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("checked_in", "Checked in"), ("completed", "Completed"), ("no_show", "No-show")]
    )
