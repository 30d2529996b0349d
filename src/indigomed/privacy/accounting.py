"""What the ledger says is accountable, for a member and a period (RIGHT-ACCOUNT, LAW.md).

An accounting lists the ledger entries marked for accounting when they were written: the policy's
purposes with ``accounting = true`` (required by law, safety, claims, enforcing the terms,
research without an authorization…), never treatment, payment, operations, disclosures the member
authorized or their own reads. The mark is the ledger's, from the policy in force at the time of
the disclosure: a later policy does not rewrite what an entry was.

The period is the member's, cut to the look-back (the longer of the notice's and their
jurisdiction's, ``Policy.accounting_lookback_days``), and never past now; ``Period`` says whether
it was cut and why, so the member can be told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from indigomed.errors import Invalid
from indigomed.privacy import wording
from indigomed.privacy.models import Disclosure
from indigomed.privacy.policy import current_policy
from indigomed.privacy.sealed import open_disclosed_tags
from indigomed.records.vault import Vault
from indigomed.security.services import Access, log_accesses


@dataclass(frozen=True)
class Period:
    """The period an accounting covers, and the one the member asked for."""

    start: dt.datetime
    end: dt.datetime
    asked_start: dt.datetime
    asked_end: dt.datetime
    lookback_days: int
    # The earliest instant the look-back lets an accounting reach, from ``now``.
    earliest: dt.datetime

    @property
    def cut(self) -> bool:
        return self.start > self.asked_start


def period_for(*, jurisdiction: str, asked_start: dt.datetime, asked_end: dt.datetime, now: dt.datetime) -> Period:
    """The member's period cut to the look-back and to now. ``Invalid`` (on ``period``) when
    nothing of it is left: it ends before it starts, or before the earliest day the look-back reaches."""
    lookback = current_policy().accounting_lookback_days(jurisdiction)
    earliest = now - dt.timedelta(days=lookback)
    start, end = max(asked_start, earliest), min(asked_end, now)
    if asked_end <= asked_start:
        raise Invalid(gettext("The period ends before it starts: pick its first day, then its last."), field="period")
    if end <= start:
        raise Invalid(
            gettext(
                "The period ends before the earliest day an accounting can reach (%(lookback)s days back): "
                "pick a later period."
            )
            % {"lookback": lookback},
            field="period",
        )
    return Period(start, end, asked_start, asked_end, lookback, earliest)


@dataclass(frozen=True)
class Entry:
    """One disclosure as an accounting lists it: date, recipient, what, why."""

    id: int
    occurred_at: dt.datetime
    recipient: str
    categories: tuple[str, ...]
    # The specially protected kinds disclosed (opened for the member only), as the policy names them.
    kinds: tuple[str, ...]
    purpose: str
    why: str
    basis: str

    @property
    def what(self) -> str:
        described = ", ".join(self.categories)
        if not self.kinds:
            return described
        return gettext("%(categories)s (including %(kinds)s)") % {
            "categories": described,
            "kinds": ", ".join(self.kinds),
        }


def _accountable(member_id: int) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(member_id=member_id, in_accounting=True)


def _entries(rows: Iterable[Disclosure], vault: Vault | None) -> list[Entry]:
    policy = current_policy()
    found = []
    for row in rows:
        purpose = policy.purposes.get(row.purpose)
        tags = open_disclosed_tags(vault, row.tags) if vault is not None else []
        found.append(
            Entry(
                id=row.pk,
                occurred_at=row.occurred_at,
                recipient=row.recipient_label,
                categories=tuple(wording.category_name(c) for c in row.categories.split(",") if c),
                kinds=tuple(wording.tag(t) for t in tags if t),
                purpose=row.purpose,
                why=wording.purpose(row.purpose) if purpose else row.purpose,
                basis=row.legal_basis,
            )
        )
    return found


def accountable_in(*, member_id: int, period: Period) -> list[int]:
    """The ids of the ledger entries an accounting of this period lists, oldest first."""
    return list(
        Disclosure.objects.filter(
            member_id=member_id, in_accounting=True, occurred_at__gte=period.start, occurred_at__lt=period.end
        )
        .order_by("occurred_at", "seq")
        .values_list("pk", flat=True)
    )


def listed_for_member(*, member_id: int, entry_ids: Iterable[int]) -> list[Entry]:
    """The entries of a fulfilled accounting, opened for the member it is about (their own read,
    logged): only that member's accountable entries, whatever ids are asked for."""
    rows = list(_accountable(member_id).filter(pk__in=list(entry_ids)).order_by("occurred_at", "seq"))
    log_accesses(
        [
            Access(
                member_id=member_id,
                actor_user_id=member_id,
                recipient_ref=f"member:{member_id}",
                recipient_label="You",
                purpose="own access",
                categories="accounting",
                allowed=True,
                rule="self",
            )
        ]
    )
    return _entries(rows, Vault.open_many([member_id]).get(member_id))


def listed_for_letter(*, member_id: int, entry_ids: Iterable[int]) -> list[Entry]:
    """The same entries, for the letter that posts them to the member (sealed in the outbox under
    their key; the delivery is logged when it goes)."""
    rows = list(_accountable(member_id).filter(pk__in=list(entry_ids)).order_by("occurred_at", "seq"))
    return _entries(rows, Vault.open_many([member_id]).get(member_id))
