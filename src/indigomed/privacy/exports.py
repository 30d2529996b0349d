"""Members' records read in bulk for an export, the door's other use beside a member's own copy
(``privacy.copies``).

An export for anyone else goes through ``disclose`` like every other read: each item decided, the
refused left out, the first receipt of each version ledgered.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Sequence

from indigomed.accounts.models import User
from indigomed.privacy.copies import MemberRecord, open_records
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.policy import current_policy
from indigomed.privacy.services import Item, disclose
from indigomed.records.queries import Booked


def _version(*values: object) -> str:
    """A version naming what an item reads, for the once-per-version ledger (kept only in a keyed
    fingerprint, so it may be derived from the content)."""
    return hashlib.sha256(json.dumps(values, default=str, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def records_for_export(
    *,
    member_ids: Sequence[int],
    appointments: dict[int, Sequence[uuid.UUID]],
    recipient: Recipient,
    purpose: str,
    actor_user_id: int | None,
) -> list[MemberRecord]:
    """Members' records as one recipient may receive them for one purpose, decided item by item in one
    batch (``disclose``: logged, the first receipt of each version ledgered). A member's profile,
    plans, bookings and visits each stand or fall on their own decision; a visit needing a consent the
    member did not give is left out. Members whose key is gone are left out.

    Raises ``PolicyError`` for an unknown purpose or kind of recipient, before anything is read.
    """
    policy = current_policy()
    policy.purpose(purpose)
    policy.check_recipient_kind(recipient.kind)
    public_ids = dict(User.objects.filter(pk__in=list(member_ids)).values_list("pk", "public_id"))
    opened = open_records([m for m in member_ids if m in public_ids], public_ids, appointments)
    items: list[Item] = []
    # What each item covers, in step with ``items``: the member, and (kind, key) of each record in it.
    covers: list[tuple[int, list[tuple[str, object]]]] = []
    for member_id, record in opened.items():
        assert record.profile is not None
        profile = record.profile
        version = _version(profile.name, profile.email, profile.phone, profile.date_of_birth, profile.gender,
                           profile.postal_code, profile.country, profile.region)  # fmt: skip
        items.append(
            Item(member_id, frozenset({"contact", "demographic"}), ref=f"profile:{record.public_id}", version=version)
        )
        covers.append((member_id, [("profile", None)]))
        if record.coverages:
            items.append(
                Item(
                    member_id,
                    frozenset({"insurance"}),
                    ref=f"coverages:{record.public_id}",
                    version=_version(record.coverages),
                )
            )
            covers.append((member_id, [("coverage", c.ref) for c in record.coverages]))
        # The care history in one item per kind of sensitivity: a visit that needs a consent stands
        # or falls with the others of its kind, and the rest do not wait on it.
        groups: dict[frozenset[str], list[tuple[str, object, object]]] = defaultdict(list)
        for appointment_id, booked in record.bookings.items():
            groups[frozenset(booked.tags)].append(("booking", appointment_id, booked))
        for index, visit in enumerate(record.visits):
            groups[frozenset(visit.tags)].append(("visit", index, visit))
        for tags, group in groups.items():
            paid = any(isinstance(value, Booked) and value.plan_slug for _, _, value in group)
            items.append(
                Item(
                    member_id,
                    frozenset({"medical", "insurance"} if paid else {"medical"}),
                    tags,
                    ref=f"care:{record.public_id}:{','.join(sorted(tags))}",
                    version=_version([value for _, _, value in group]),
                )
            )
            covers.append((member_id, [(kind, key) for kind, key, _ in group]))
    decisions = (
        disclose(actor_user_id=actor_user_id, recipient=recipient, purpose=purpose, items=items) if items else []
    )
    refused: dict[int, set[tuple[str, object]]] = defaultdict(set)
    for (member_id, covered), decision in zip(covers, decisions, strict=True):
        if not decision.allowed:
            refused[member_id].update(covered)
    kept: list[MemberRecord] = []
    for member_id, record in opened.items():
        out = refused.get(member_id, set())
        kept.append(
            MemberRecord(
                member_id=member_id,
                public_id=record.public_id,
                jurisdiction=record.jurisdiction,
                profile=None if ("profile", None) in out else record.profile,
                coverages=tuple(c for c in record.coverages if ("coverage", c.ref) not in out),
                bookings={a: b for a, b in record.bookings.items() if ("booking", a) not in out},
                visits=tuple(v for i, v in enumerate(record.visits) if ("visit", i) not in out),
                # Authorizations are the member's words to IndigoMed: never part of an export.
                authorizations=(),
                refused=frozenset(what for what, _ in out),
            )
        )
    return kept
