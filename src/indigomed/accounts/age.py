"""Age arithmetic for the age gate (CHILD-1)."""

from __future__ import annotations

import datetime as dt


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years completed on ``day``; someone born on 29 February turns a year older on 1 March."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def needs_parental_consent(date_of_birth: dt.date, country: str, day: dt.date, ages: dict[str, int]) -> bool:
    """Whether a member of this age and country of residence needs a parent's consent too."""
    limit = ages.get(country)
    return limit is not None and age_on(date_of_birth, day) < limit
