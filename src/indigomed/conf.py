"""Typed access to the operator's product settings (``INDIGOMED`` in settings.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def product_setting(name: str) -> Any:
    """One operator setting by name; a missing name is a programming error (KeyError)."""
    return settings.INDIGOMED[name]
