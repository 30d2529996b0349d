"""What people may type into the site's text fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Characters that reorder or hide what is shown around them: "\u202e" makes "fdp.exe" read as
# "exe.pdf". Names, references and signatures shown to other people must read as they were typed.
HIDDEN_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff")


def refuse_hidden_controls(value: str) -> None:
    if any(c in HIDDEN_CONTROLS for c in value):
        raise ValidationError("Remove the invisible characters that change how this text is shown.")


class PlainTextField(forms.CharField):
    """A text field that refuses invisible direction and zero-width characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(refuse_hidden_controls)
