"""Age arithmetic for the age gate (CHILD-1)."""

from __future__ import annotations

import datetime as dt


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years completed on ``day``; someone born on 29 February turns a year older on 1 March."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)
