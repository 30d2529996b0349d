"""Template filters naming the policy's codes in the reader's language: ``{{ a.purposes|purpose_names }}``
reads "Traitement, Paiement" on a French page (see ``privacy.wording``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import template

from indigomed.privacy import wording

register = template.Library()


def _names(codes: Iterable[str] | str | None, say: Callable[[str], str]) -> str:
    if not codes:
        return ""
    items = codes.split(",") if isinstance(codes, str) else codes
    return ", ".join(say(str(code).strip()) for code in items if str(code).strip())


@register.filter
def purpose_names(codes: Iterable[str] | str | None) -> str:
    return _names(codes, wording.purpose)


@register.filter
def category_names(codes: Iterable[str] | str | None) -> str:
    return _names(codes, wording.category_name)


@register.filter
def kind_names(codes: Iterable[str] | str | None) -> str:
    return _names(codes, wording.tag)


@register.filter
def jurisdiction_name(code: str) -> str:
    return wording.jurisdiction(code)


@register.filter
def audience_name(audience: str) -> str:
    return wording.breach_audience(audience)
