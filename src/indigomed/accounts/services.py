"""Account changes."""

from __future__ import annotations

import datetime as dt

from indigomed.accounts.models import Member, User


def create_member_profile(*, user: User, date_of_birth: dt.date) -> Member:
    """Make a freshly signed-up user a member. The age gate has already run in the form."""
    return Member.objects.create(user=user, date_of_birth=date_of_birth)
