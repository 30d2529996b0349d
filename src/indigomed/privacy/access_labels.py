"""How a member's "who saw my information" names a guardian's reads (CHILD-3).

The log keeps ``guardian:<id>`` and an English label; the page names them for whoever reads it:
the guardian looking at their dependent's page sees "You (as guardian)", the dependent (after
taking over their account) sees "<first name> (your guardian)"."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from indigomed.records.queries import names_of
from indigomed.security.queries import Seen


def _ways() -> dict[str, str]:
    return {
        "": "",
        ", by e-mail": gettext(", by e-mail"),
        ", by text message": gettext(", by text message"),
        ", by post": gettext(", by post"),
    }


def guardian_labels(rows: Iterable[Seen], *, acting_user_id: int | None) -> dict[str, str]:
    """The label of each guardian's row, by its reference (``guardian:<id>``); the way a message
    went (", by e-mail") is kept from the stored label."""
    rows = [row for row in rows if row.ref.startswith("guardian:")]
    ids = {int(row.ref.partition(":")[2]) for row in rows if row.ref.partition(":")[2].isdigit()}
    names = names_of(sorted(ids - {acting_user_id} if acting_user_id else ids))
    ways = _ways()
    labels: dict[str, str] = {}
    for row in rows:
        raw = row.ref.partition(":")[2]
        guardian_id = int(raw) if raw.isdigit() else None
        way = ways.get(row.who.removeprefix("Your guardian"), "")
        if guardian_id is not None and guardian_id == acting_user_id:
            labels[row.ref + row.who] = gettext("You (as guardian)") + way
        else:
            first = (names.get(guardian_id or 0) or "").split()
            labels[row.ref + row.who] = (
                gettext("%(name)s (your guardian)") % {"name": first[0]} if first else gettext("Your guardian")
            ) + way
    return labels
