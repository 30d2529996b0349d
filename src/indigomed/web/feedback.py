"""Telling a person what went wrong with what they sent."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest


def flash_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """Every error of a form, as messages shown on the page the person is sent back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
