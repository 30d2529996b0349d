"""Booking forms for the patient site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

PATIENT_CHOICES = [("new", _("No, I am a new patient")), ("returning", _("Yes, I am a returning patient"))]


class FitForm(forms.Form):
    """What the visitor comes for, asked before any time is offered: new or returning, and why."""

    patient = forms.ChoiceField(choices=PATIENT_CHOICES, widget=forms.RadioSelect)
    visit_reason = forms.ChoiceField(label=_("Reason for your visit"))

    def __init__(
        self, *args: Any, reasons: list[tuple[str, str]], practitioner: str = "", required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        patient, reason = self.fields["patient"], self.fields["visit_reason"]
        assert isinstance(reason, forms.ChoiceField)
        patient.label = (
            _("Have you seen %(name)s before?") % {"name": practitioner}
            if practitioner
            else _("Have you seen this practitioner before?")
        )
        reason.choices = [("", _("Choose a reason")), *reasons]
        for field in (patient, reason):
            field.required = required
            # Browsers ask for both even where the server would take a default (see BookForm).
            field.widget.attrs["required"] = True


class BookForm(FitForm):
    """The booking: the fit asked first (a booking that leaves out ``patient`` is taken as the
    member's history makes them, as the API does), then insurance and any consent."""

    insurance_plan = forms.ChoiceField(label=_("Insurance"), required=False)
    consent = forms.BooleanField(
        required=False,
        label=_(
            "I consent to this practitioner seeing the reason for my visit and the sensitive health "
            "information it involves, for my care, for one year. I can revoke this at any time."
        ),
    )
    signed_name = forms.CharField(required=False, max_length=200, label=_("Type your full name to sign the consent"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("consent") and len(cleaned.get("signed_name", "").split()) < 2:
            self.add_error("signed_name", _("Type your full name to sign the consent."))
        return cleaned

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, reasons=reasons, **kwargs)
        self.fields["patient"].required = False
        plan_field = self.fields["insurance_plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = [("", _("I will pay myself")), *plans]


class RescheduleForm(forms.Form):
    slot_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)


class VisitStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("checked_in", _("Checked in")), ("completed", _("Completed")), ("no_show", _("No-show"))]
    )


class AvailabilityChangeForm(forms.Form):
    """Time off or extra hours, in the facility's local time."""

    kind = forms.ChoiceField(choices=[("time_off", _("Time off")), ("extra_hours", _("Extra hours"))], label=_("Kind"))
    calendar = forms.ChoiceField(label=_("Calendar"))
    visit_type = forms.ChoiceField(label=_("Visit type (extra hours)"), required=False)
    starts = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(
        self, *args: Any, calendars: list[tuple[str, str]], visit_types: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        calendar, visit_type = self.fields["calendar"], self.fields["visit_type"]
        assert isinstance(calendar, forms.ChoiceField) and isinstance(visit_type, forms.ChoiceField)
        calendar.choices = calendars
        visit_type.choices = [("", "—"), *visit_types]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == "extra_hours" and not cleaned.get("visit_type"):
            self.add_error("visit_type", _("Choose the visit type the extra hours are for."))
        return cleaned
