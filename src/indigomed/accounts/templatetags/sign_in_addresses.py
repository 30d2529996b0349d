"""Showing account holders their own address where allauth's pages would show its sign-in key."""

from __future__ import annotations

from django import template

from indigomed.records.sign_in import address_for, is_sign_in_key

register = template.Library()


@register.filter
def address(value: str) -> str:
    """The address behind a sign-in key; only for pages its own account holder sees."""
    if not is_sign_in_key(value):
        return value
    return address_for(value) or ""
