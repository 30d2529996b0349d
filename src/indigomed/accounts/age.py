"""The sign-up age gate (CHILD-1): ages come from the policy file, for the country one lives in.

The numbers are read through ``indigomed.policy_file`` because ``accounts`` sits below ``privacy``
in the import-linter layers; ``privacy`` checks the same sections at start-up.
"""

from __future__ import annotations

import datetime as dt

from indigomed.policy_file import member_rules


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years completed on ``day``; someone born on 29 February turns a year older on 1 March."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def too_young(date_of_birth: dt.date, country: str, day: dt.date) -> bool:
    """Whether someone born then is below the minimum age to hold an account where they live."""
    return age_on(date_of_birth, day) < member_rules().ages_where(country).minimum


def needs_parental_consent(date_of_birth: dt.date, country: str, day: dt.date) -> bool:
    """Whether a member of this age and country of residence needs a parent's consent too."""
    limit = member_rules().ages_where(country).parental_consent
    return limit is not None and age_on(date_of_birth, day) < limit
