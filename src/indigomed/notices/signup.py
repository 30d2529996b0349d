"""Sign-up with the notice and the Terms of Use (NOTICE-1, [A]): the form shows the current
versions with links to read them, asks the new member to accept them, and records the
acceptance with the version numbers in the sign-up's own transaction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.forms import MemberSignupForm
from indigomed.notices.models import NoticeVersion
from indigomed.notices.queries import current_version
from indigomed.notices.services import record_sign_up_acceptance

Kind = NoticeVersion.Kind
CHANGED_MEANWHILE = _(
    "The privacy notice or the Terms of Use changed while you were signing up: please read the new version."
)


class NoticeSignupForm(MemberSignupForm):
    """The member sign-up form, plus accepting the notice and the Terms in force.

    Before the operator has published either, there is nothing to accept and nothing is asked.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown = {kind: current_version(kind) for kind in Kind}
        notice, terms = self.shown[Kind.PRIVACY], self.shown[Kind.TERMS]
        if "own_consent" in self.fields and notice is not None:
            self.fields["own_consent"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("notices:privacy"),
                gettext("Read the privacy notice"),
            )
        if notice is None and terms is None:
            return
        links = []
        if notice is not None:
            links.append(
                format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a>',
                    reverse("notices:privacy_version", args=[notice.number]),
                    gettext("Privacy notice, version %(number)s") % {"number": notice.number},
                )
            )
        if terms is not None:
            links.append(
                format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a>',
                    reverse("notices:terms_version", args=[terms.number]),
                    gettext("Terms of Use, version %(number)s") % {"number": terms.number},
                )
            )
        self.fields["accept_notices"] = forms.BooleanField(
            label=_("I have read and accept the Terms of Use and the privacy notice"),
            help_text=format_html(" · ".join(["{}"] * len(links)), *links),
            error_messages={"required": _("Please read and accept the Terms of Use and the privacy notice.")},
        )
        # The versions this page showed: what the new member accepts, whatever is published later.
        self.fields["privacy_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=notice.number if notice else None
        )
        self.fields["terms_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=terms.number if terms else None
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "accept_notices" in self.fields:
            for kind, name in ((Kind.PRIVACY, "privacy_version"), (Kind.TERMS, "terms_version")):
                current = self.shown[kind]
                if current is not None and cleaned.get(name) != current.number:
                    self.add_error(
                        "accept_notices",
                        str(CHANGED_MEANWHILE),
                    )
                    # The page shown again carries the current numbers.
                    data = self.data.copy()
                    data[self.add_prefix(name)] = current.number
                    self.data = data
                    break
        return cleaned

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            user = super().save(request)
            if "accept_notices" in self.fields:
                record_sign_up_acceptance(
                    actor=user,
                    privacy_number=self.cleaned_data.get("privacy_version"),
                    terms_number=self.cleaned_data.get("terms_version"),
                )
        return user
