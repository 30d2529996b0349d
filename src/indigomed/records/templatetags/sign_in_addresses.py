"""Showing account holders their own address where allauth's pages would show its sign-in key."""

from __future__ import annotations

from typing import Any

from django import template

from indigomed.records.sign_in import holder_of
from indigomed.records.sign_in_keys import is_sign_in_key

register = template.Library()


@register.simple_tag(takes_context=True)
def own_address(context: dict[str, Any], key: str) -> str:
    """The address behind one of the signed-in account holder's own sign-in keys.

    Another account's key gives nothing: showing someone an address is only ever showing them
    their own, whatever a page passes in.
    """
    if not is_sign_in_key(key):
        return key
    holder = holder_of(key)
    user = context.get("user")
    if holder is None or user is None or holder.user_id != getattr(user, "pk", None):
        return ""
    return holder.address
