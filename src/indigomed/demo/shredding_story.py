"""The demo's closed child account (CHILD-2, PI-3): the office's pages show one shredding and its
events in the log, none of them naming anyone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.accounts.services import create_member_profile
from indigomed.rights.shredding import WAIT_FOR_MESSAGE, close_child_account, shred_when_told


def seed_shredded_child(*, officer: User, password: str) -> None:
    """A member who turned out to be a child, closed by the office and shredded once told."""
    child = User.objects.create_user("young.reader@demo.indigomed.test", password)
    create_member_profile(user=child, name="Young Reader", date_of_birth=dt.date(2000, 1, 1), country="US")
    close_child_account(officer=officer, member_id=child.pk, basis="parent_said")
    # The demo does not wait for the outbox: it shreds as the worker would once the wait is over.
    shred_when_told(now=timezone.now() + WAIT_FOR_MESSAGE + dt.timedelta(minutes=1))
