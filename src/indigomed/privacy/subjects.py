"""Everything the decision needs to know about members, loaded in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from indigomed.messaging.queries import first_delivered
from indigomed.privacy.decisions import Block, Grant, Subject
from indigomed.privacy.models import Authorization, CareRelationship, Restriction
from indigomed.privacy.sealed import open_tags
from indigomed.records.queries import residences
from indigomed.records.vault import Vault

# The jurisdictions whose overlays the policy file holds, by (country, region).
_REGIONAL = {("US", "OH"): "us-oh", ("US", "FL"): "us-fl"}
_NATIONAL = {"US": "us", "FR": "fr"}


def jurisdiction_of(country: str, region: str) -> str:
    """The policy jurisdiction of an address; the federal US rules where no overlay applies."""
    return _REGIONAL.get((country, region.upper())) or _NATIONAL.get(country, "us")


def load_subjects(member_ids: Iterable[int]) -> dict[int, Subject]:
    return load_subjects_and_vaults(member_ids)[0]


def load_subjects_and_vaults(member_ids: Iterable[int]) -> tuple[dict[int, Subject], dict[int, Vault]]:
    """The members as the decision needs them, and their vaults, opened once for the whole load
    (the decision point seals what it writes to the ledger with them)."""
    ids = sorted(set(member_ids))
    vaults = Vault.open_many(ids)
    grants: dict[int, list[Grant]] = defaultdict(list)
    rows = list(
        Authorization.objects.filter(member_id__in=ids).values_list(
            "member_id",
            "id",
            "recipient_ref",
            "purposes",
            "categories",
            "tags",
            "signed_at",
            "expires_at",
            "revoked_at",
        )
    )
    for member_id, grant_id, ref, purposes, categories, tags, signed_at, expires_at, revoked_at in rows:
        grants[member_id].append(
            Grant(
                grant_id,
                ref,
                frozenset(purposes),
                frozenset(categories),
                open_tags(vaults, member_id, tags),
                signed_at,
                expires_at,
                revoked_at,
            )
        )
    blocks: dict[int, list[Block]] = defaultdict(list)
    for member_id, block_id, categories, purposes, ref in Restriction.objects.filter(
        member_id__in=ids, status=Restriction.Status.ACCEPTED
    ).values_list("member_id", "id", "categories", "purposes", "recipient_ref"):
        blocks[member_id].append(Block(block_id, frozenset(categories), frozenset(purposes), ref))
    care: dict[int, set[str]] = defaultdict(set)
    for member_id, ref in CareRelationship.objects.filter(member_id__in=ids).values_list("member_id", "recipient_ref"):
        care[member_id].add(ref)
    # USE-7: told means delivered, which messaging records; the row written at the announcement is not enough.
    told: dict[int, dt.datetime] = first_delivered(member_ids=ids, kind="transfer-notice")
    places = residences(ids, vaults)
    subjects = {
        member_id: Subject(
            member_id=member_id,
            jurisdiction=jurisdiction_of(*places.get(member_id, ("US", ""))),
            grants=tuple(grants[member_id]),
            blocks=tuple(blocks[member_id]),
            care_team=frozenset(care[member_id]),
            told_of_transfer_at=told.get(member_id),
        )
        for member_id in ids
    }
    return subjects, vaults
