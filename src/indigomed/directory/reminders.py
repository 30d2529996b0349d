"""When a practice's patients are reminded of a visit: offsets before its start, such as "48h,2h"."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

_OFFSET = re.compile(r"^(\d{1,4})([mhd])$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}
# Beyond this a reminder stops reminding; a misplaced digit should not send one a year early.
LONGEST = dt.timedelta(days=30)


def parse_offsets(text: str) -> list[dt.timedelta]:
    """ "48h,2h" as offsets, longest first; ``ValueError`` with a readable message when malformed."""
    offsets: set[dt.timedelta] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        match = _OFFSET.match(part)
        if match is None:
            raise ValueError(f"“{part}” is not an offset: write a number and m, h or d, such as 48h or 30m.")
        offset = dt.timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})
        if not dt.timedelta(0) < offset <= LONGEST:
            raise ValueError(f"“{part}”: a reminder goes out between a minute and 30 days before the visit.")
        offsets.add(offset)
    return sorted(offsets, reverse=True)


def validate_offsets(text: str) -> None:
    try:
        parse_offsets(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
