"""Forms of the office's letter entry (``/office/requests/enter``), one per step: whose letter it is
and what it asks for; for an amendment, which of the member's records; then what the letter says,
in the same terms as the member's own online form, with its date and its scan.

Every step carries the member's address and the form's one-time key in hidden fields of the
posted body (never in the address bar), and the last step checks them again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indigomed.privacy.amendment_forms import proposed_field
from indigomed.privacy.amendment_values import WHY_MAX
from indigomed.privacy.forms import RestrictionForm
from indigomed.privacy.restrictions import UNKNOWN_RECIPIENT
from indigomed.records.amendments import Target
from indigomed.rights.forms import _day, _in_range, _Submitted
from indigomed.rights.models import Request
from indigomed.rights.services import MAX_SIGNED_NAME, MAX_TEXT
from indigomed.text import PlainTextField

# The kinds a letter can be entered as without more structure; amendments and restrictions have
# their own step, so that they are applied and enforced like the member's online ones.
PLAIN_KINDS = (Request.Kind.ACCESS, Request.Kind.ACCOUNTING, Request.Kind.QUESTION)


class FindForm(_Submitted):
    """The first step: whose letter or e-mail, and what it asks for."""

    member_email = forms.EmailField(label=_("The member's sign-in e-mail address"))
    kind = forms.ChoiceField(
        choices=Request.Kind.choices, widget=forms.RadioSelect, label=_("What the member asks for")
    )


class _Letter(_Submitted):
    """What every entered letter or e-mail carries: whose it is, how and when they wrote, the scan."""

    member_email = forms.EmailField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        choices=[(Request.Signature.LETTER, _("A signed letter")), (Request.Signature.EMAIL, _("An e-mail"))],
        widget=forms.RadioSelect,
        initial=Request.Signature.LETTER,
        label=_("How they wrote"),
    )
    signed_on = _day(_("Date on the letter or e-mail"))
    text = PlainTextField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Text (the e-mail, or a summary of the letter)"),
    )
    scan = forms.FileField(
        required=False,
        label=_("The scanned letter (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def clean_signed_on(self) -> dt.date:
        return _in_range(self.cleaned_data["signed_on"])


class PlainLetterForm(_Letter):
    """A request for a copy, an accounting or an answer to a question, from a letter."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in PLAIN_KINDS], widget=forms.HiddenInput)


class RecordForm(_Submitted):
    """An amendment letter, second step: the record the letter asks to correct, among the member's."""

    member_email = forms.EmailField(widget=forms.HiddenInput)
    record = forms.ChoiceField(
        widget=forms.RadioSelect,
        label=_("The record the letter asks to correct"),
        error_messages={"invalid_choice": _("Choose one of this member's records.")},
    )

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = records


class AmendmentLetterForm(_Letter):
    """An amendment letter, last step: the value the letter asks for, in the record's own terms, and
    why, as the member wrote it."""

    # What the letter asks first, then the letter itself.
    field_order = ("proposed", "why", "channel", "signed_on", "scan", "text")
    record = forms.CharField(widget=forms.HiddenInput, max_length=200)
    why = PlainTextField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=WHY_MAX,
        label=_("Why it should change, as the letter says"),
    )

    def __init__(self, *args: Any, target: Target, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposed = proposed_field(target)
        proposed.label = _("What it should say, as the letter asks")
        self.fields["proposed"] = proposed
        self.order_fields(self.field_order)

    def clean_proposed(self) -> str:
        value = self.cleaned_data.get("proposed")
        if isinstance(value, dt.date):
            return _in_range(value).isoformat()
        return str(value or "")


class RestrictionLetterForm(_Letter):
    """A restriction letter: what it covers, for which uses, what it limits and who must not
    receive it (among those the member has a relation with), and the name it is signed with."""

    field_order = (
        "categories", "purposes", "limits", "recipient", "signed_name", "channel", "signed_on", "scan", "text",
    )  # fmt: skip
    categories = RestrictionForm.base_fields["categories"]
    purposes = RestrictionForm.base_fields["purposes"]
    limits = RestrictionForm.base_fields["limits"]
    recipient = forms.ChoiceField(
        required=False, label=_("Who must not receive it"), error_messages={"invalid_choice": UNKNOWN_RECIPIENT}
    )
    signed_name = PlainTextField(
        max_length=MAX_SIGNED_NAME,
        label=_("The name the letter is signed with"),
        help_text=_("Given and family name, as written under the letter or the e-mail."),
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The same choices as the member's own form, so the office can enter nothing they could not ask.
        online = RestrictionForm(recipients=recipients)
        for name in ("categories", "purposes"):
            mine, theirs = self.fields[name], online.fields[name]
            assert isinstance(mine, forms.ChoiceField) and isinstance(theirs, forms.ChoiceField)
            mine.choices = theirs.choices
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = [("", _("Anyone")), *recipients]
