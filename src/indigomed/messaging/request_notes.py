"""What the answer to a request gave the member, said in their language when the message is read.

A concluded request's message keeps a code and its numbers (``note_code``, ``note_params``), never
the sentence: the sentence is written here, when the message is rendered, in the reader's active
language. Messages kept before codes existed hold their English sentence as ``note`` and still show
it. The office's own free text (its reasons) is not here: it stays as the officer typed it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext

ACCESS_NONE = "access-none"
ACCESS_READY = "access-ready"
ACCOUNTING_READY = "accounting-ready"
ACCOUNTING_POSTED = "accounting-posted"
AMENDMENT_CORRECTED = "amendment-corrected"
AMENDMENT_DENIED = "amendment-denied"
RESTRICTION_ACCEPTED = "restriction-accepted"
RESTRICTION_REFUSED = "restriction-refused"


def _count(params: Mapping[str, Any], name: str) -> int:
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _access_ready(params: Mapping[str, Any]) -> str:
    text = gettext("Your copy is ready: download it as a FHIR file (JSON) or as a PDF from your request.")
    if params.get("withheld"):
        text += " " + gettext("Some items are withheld; the copy says which, why, and how to ask for a review.")
    return text


def _listed(params: Mapping[str, Any]) -> str:
    count = _count(params, "count")
    return ngettext("It lists %(count)s disclosure.", "It lists %(count)s disclosures.", count) % {"count": count}


def _amendment_corrected(params: Mapping[str, Any]) -> str:
    text = gettext("Your record is corrected; its earlier version is kept with it.")
    told = _count(params, "told")
    if told:
        text += " " + ngettext(
            "The %(count)s recipient who had received the earlier version is being told.",
            "The %(count)s recipients who had received the earlier version are being told.",
            told,
        ) % {"count": told}
    return text + " " + gettext("See it here: %(page)s") % {"page": params.get("page", "")}


NOTES: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    ACCESS_NONE: lambda params: gettext("No copy was given."),
    ACCESS_READY: _access_ready,
    ACCOUNTING_READY: lambda params: (
        _listed(params) + " " + gettext("Download it (PDF, CSV or JSON) from your request's page.")
    ),
    ACCOUNTING_POSTED: lambda params: (
        _listed(params) + " " + gettext("It is posted to you; you can also download it (PDF, CSV or JSON).")
    ),
    AMENDMENT_CORRECTED: _amendment_corrected,
    AMENDMENT_DENIED: lambda params: (
        gettext(
            "You may write a statement of disagreement: it will go with the record every time it is shared, "
            "with any reply the office writes. Write it here: %(page)s"
        )
        % {"page": params.get("page", "")}
    ),
    RESTRICTION_ACCEPTED: lambda params: (
        gettext("Your restriction binds from now on. You can end it at any time: %(page)s")
        % {"page": params.get("page", "")}
    ),
    RESTRICTION_REFUSED: lambda params: (
        gettext("Your restrictions are listed here: %(page)s") % {"page": params.get("page", "")}
    ),
}


def note_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for ``code`` in the active language; empty for a code this version does not know."""
    write = NOTES.get(code)
    return write(params or {}) if write else ""
