"""The Partners portal's forms: they read what was typed into types and say, beside the field,
what cannot be read; what the facility's rules refuse is said by the services (``on_form``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from indigomed.conf import product_setting
from indigomed.directory.models import Facility, FacilityStaff, Practitioner
from indigomed.directory.reminders import parse_offsets
from indigomed.errors import Invalid
from indigomed.messaging.phones import normalize_phone
from indigomed.scheduling.models import VisitType
from indigomed.scheduling.practice_rules import DAYS, LONGEST_VISIT, SHORTEST_VISIT
from indigomed.text import PlainTextField

Choices = list[tuple[str, str]]


def _choices(field: forms.Field, choices: Choices) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class FacilityProfileForm(forms.Form):
    name = PlainTextField(max_length=160, label=_("Name"))
    kind = forms.ChoiceField(choices=Facility.Kind.choices, label=_("Kind of facility"))
    street = PlainTextField(max_length=200, label=_("Street address"))
    city = PlainTextField(max_length=100, label=_("City"))
    region = PlainTextField(max_length=40, required=False, label=_("State or region"))
    postal_code = PlainTextField(max_length=12, label=_("Postal code"))
    phone = PlainTextField(max_length=32, required=False, label=_("Phone"))

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility = facility

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "")
        # The number on file stays as it is; a new one is kept in E.164, as members' phones are.
        if not phone or phone == self.facility.phone:
            return phone
        try:
            return normalize_phone(phone, self.facility.country)
        except Invalid as exc:
            raise forms.ValidationError(exc.message) from exc


class PlansForm(forms.Form):
    plans = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Plans accepted"),
        error_messages={"invalid_choice": _("Choose plans from the list: that one is not known here.")},
    )

    def __init__(self, *args: Any, plans: Choices, label: StrOrPromise | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["plans"], plans)
        self.fields["plans"].label = label or _("Plans accepted")


class BookingRulesForm(forms.Form):
    cancel_cutoff_hours = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Cancellation cut-off (hours before the visit)"),
        help_text=_(
            "Members cannot cancel or move online closer than this to the start. Empty: the platform's default."
        ),
        error_messages={"min_value": _("The cut-off cannot be negative.")},
    )
    reminder_offsets = forms.CharField(
        required=False,
        max_length=60,
        label=_("Reminders before the visit"),
        help_text=_("Such as 48h,2h (m for minutes, h for hours, d for days). Empty: the platform's default."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cancel_cutoff_hours"]
        longest = int(product_setting("MAX_CANCEL_CUTOFF_HOURS"))
        field.validators.append(
            MaxValueValidator(
                longest, message=gettext("The cut-off is at most %(longest)s hours.") % {"longest": longest}
            )
        )
        field.widget.attrs["max"] = longest

    def clean_reminder_offsets(self) -> str:
        text: str = self.cleaned_data.get("reminder_offsets", "")
        try:
            parse_offsets(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(coerce=int, choices=[(str(i), d) for i, d in enumerate(DAYS)], label=_("Day"))
    start_time = forms.TimeField(
        label=_("From"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time from 00:00 to 23:59, such as 09:00.")},
    )
    end_time = forms.TimeField(
        label=_("Until"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "invalid": (
                _("Enter a time from 00:00 to 23:59, such as 17:30. Hours past midnight are a rule on the next day.")
            )
        },
    )
    visit_type = forms.TypedChoiceField(coerce=int, label=_("Visit type"))

    def __init__(self, *args: Any, visit_types: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["visit_type"], visit_types)


class VisitTypeForm(forms.Form):
    name = PlainTextField(
        max_length=80, label=_("Name"), help_text=_("As patients read it, such as “New patient visit”.")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=SHORTEST_VISIT,
        max_value=LONGEST_VISIT,
        error_messages={
            "min_value": _("A visit lasts at least %(limit_value)s minutes."),
            "max_value": _("A visit lasts at most %(limit_value)s minutes (8 hours)."),
            "invalid": _("Give the length in whole minutes."),
        },
    )
    patients = forms.ChoiceField(choices=VisitType.Patients.choices, label=_("For"))
    where = forms.ChoiceField(
        choices=[("in_person", _("In person")), ("remote", _("Remote (video)"))], label=_("Where"), initial="in_person"
    )
    reasons = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Visit reasons"),
        help_text=_("None ticked: any reason the practitioner sees."),
        error_messages={"invalid_choice": _("Choose reasons from the list.")},
    )

    def __init__(self, *args: Any, reasons: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["reasons"], reasons)


def visit_type_initial(visit_type: VisitType) -> dict[str, Any]:
    return {
        "name": visit_type.name,
        "duration_minutes": visit_type.duration_minutes,
        "patients": visit_type.patients,
        "where": "remote" if visit_type.is_remote else "in_person",
        "reasons": [r.slug for r in visit_type.reasons.all()],
    }


class AddressField(forms.EmailField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, label=_("E-mail address"), **kwargs)


class InvitePractitionerForm(forms.Form):
    email = AddressField(help_text=_("The link to their own sign-in goes there."))
    title = PlainTextField(max_length=20, required=False, initial="Dr.", label=_("Title"))
    given_name = PlainTextField(max_length=80, label=_("Given name"))
    family_name = PlainTextField(max_length=80, label=_("Family name"))
    gender = forms.ChoiceField(choices=Practitioner.Gender.choices, label=_("Gender"))
    specialties = forms.MultipleChoiceField(
        label=_("Specialties"), error_messages={"invalid_choice": _("Choose specialties from the list.")}
    )
    languages = forms.MultipleChoiceField(
        required=False, label=_("Languages"), error_messages={"invalid_choice": _("Choose languages from the list.")}
    )

    def __init__(self, *args: Any, specialties: Choices, languages: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["specialties"], specialties)
        _choices(self.fields["languages"], languages)
        for name in ("specialties", "languages"):
            self.fields[name].widget.attrs["size"] = 6


class InviteStaffForm(forms.Form):
    email = AddressField()
    name = PlainTextField(max_length=120, label=_("Name"), help_text=_("As colleagues will see it."))
    role = forms.ChoiceField(choices=FacilityStaff.Role.choices, label=_("Role"))


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(choices=FacilityStaff.Role.choices, label=_("Role"))


class AttachForm(forms.Form):
    practitioner = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class ChoosePasswordForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
        label=_("Choose a password"),
        help_text=_("At least 15 characters; a few words you remember make a good one."),
    )
    confirm = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=200, label=_("Type it again")
    )
