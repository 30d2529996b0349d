"""Whether a dependent has reached the age to hold their own account (CHILD-3), for accounts.

Reading a date of birth is privacy's (the one door); accounts, below, asks through the setting
``ACCOUNTS_AGE_REACHED``. The age is the age of digital consent where the dependent lives, from the
policy file, counted on the dependent's own day in their own time zone."""

from __future__ import annotations

import datetime as dt

from indigomed.accounts.age import age_on
from indigomed.accounts.guardians import consent_age
from indigomed.privacy.queries import member_zone
from indigomed.records.queries import profile_of


def age_reached(dependent_id: int, now: dt.datetime) -> bool:
    profile = profile_of(dependent_id)
    day = now.astimezone(member_zone(dependent_id)).date()
    return age_on(profile.date_of_birth, day) >= consent_age(profile.country)
