"""Everything the decision needs to know about members, loaded in a fixed number of queries.

What binds recipients other than the care team (legal demands, office decisions, insurance
carriers, announced transfers) is loaded only when the purpose asked about grants a kind of
recipient bound by it, so the practice's calendar pays for none of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable

from indigomed.directory.models import InsurancePlan
from indigomed.messaging.queries import first_delivered_about
from indigomed.policy_file import member_rules
from indigomed.privacy.decisions import Binding, Block, Grant, Subject
from indigomed.privacy.models import (
    Authorization,
    CareRelationship,
    OfficeDecision,
    Restriction,
    TransferNotification,
)
from indigomed.privacy.sealed import open_tags
from indigomed.records.models import BookingDetails
from indigomed.records.queries import residences
from indigomed.records.vault import Vault
from indigomed.security.models import LegalDemand


def jurisdiction_of(country: str, region: str) -> str:
    """The policy jurisdiction of an address, as the policy file's ``[places]`` maps it."""
    return member_rules().places.jurisdiction_of(country, region)


def load_subjects(member_ids: Iterable[int]) -> dict[int, Subject]:
    return load_subjects_and_vaults(member_ids)[0]


def load_subjects_and_vaults(
    member_ids: Iterable[int], bindings: Iterable[str] = ()
) -> tuple[dict[int, Subject], dict[int, Vault]]:
    """The members as the decision needs them, and their vaults, opened once for the whole load
    (the decision point seals what it writes to the ledger with them). ``bindings`` names what
    binds the recipients the purpose asked about grants (the policy's ``receive``); only those
    are loaded beyond the members' own grants, restrictions, care team and residence."""
    ids = sorted(set(member_ids))
    needs = frozenset(bindings)
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
    for member_id, block_id, categories, purposes, ref, limits in Restriction.objects.filter(
        member_id__in=ids, status=Restriction.Status.ACCEPTED
    ).values_list("member_id", "id", "categories", "purposes", "recipient_ref", "limits"):
        blocks[member_id].append(Block(block_id, frozenset(categories), frozenset(purposes), ref, limits))
    care: dict[int, set[str]] = defaultdict(set)
    for member_id, ref in CareRelationship.objects.filter(member_id__in=ids).values_list("member_id", "recipient_ref"):
        care[member_id].add(ref)
    transfers: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    if "announced_transfer" in needs:
        # USE-7: told means delivered, which messaging records; the row written at the announcement
        # is not enough. A member is told of each transfer by its own notice.
        delivered = first_delivered_about(member_ids=ids, kind="transfer-notice")
        for member_id, notice_id, public_id in TransferNotification.objects.filter(member_id__in=ids).values_list(
            "member_id", "notice_id", "notice__public_id"
        ):
            told = delivered.get((member_id, f"transfer:{public_id}"))
            if told is not None:
                transfers[member_id].append((f"acquirer:{notice_id}", told))
    demands: dict[int, list[Binding]] = defaultdict(list)
    if "legal_demand" in needs:
        for member_id, demand_id, categories in LegalDemand.objects.filter(member_id__in=ids).values_list(
            "member_id", "id", "categories"
        ):
            covered = None if categories is None else frozenset(categories)
            demands[member_id].append(Binding(demand_id, f"legal:{demand_id}", covered))
    decided: dict[int, list[Binding]] = defaultdict(list)
    if "office_decision" in needs:
        for member_id, decision_id, ref, purpose, categories, at in OfficeDecision.objects.filter(
            member_id__in=ids
        ).values_list("member_id", "id", "recipient_ref", "purpose", "categories", "decided_at"):
            decided[member_id].append(Binding(decision_id, ref, frozenset(categories), frozenset({purpose}), at))
    carriers = _carriers(ids, vaults) if "plan_carrier" in needs else {}
    places = residences(ids, vaults)
    subjects = {
        member_id: Subject(
            member_id=member_id,
            jurisdiction=jurisdiction_of(*places.get(member_id, ("US", ""))),
            grants=tuple(grants[member_id]),
            blocks=tuple(blocks[member_id]),
            care_team=frozenset(care[member_id]),
            carriers=frozenset(carriers.get(member_id, ())),
            legal_demands=tuple(demands[member_id]),
            office_decisions=tuple(decided[member_id]),
            transfers=tuple(transfers[member_id]),
        )
        for member_id in ids
    }
    return subjects, vaults


def _carriers(ids: list[int], vaults: dict[int, Vault]) -> dict[int, set[str]]:
    """Refs of the carriers of the plans each member gave when booking (opened from the sealed
    booking details: which plan a member uses is their insurance data)."""
    plans: dict[int, set[str]] = defaultdict(set)
    for member_id, insurance in BookingDetails.objects.filter(member_id__in=ids, insurance__isnull=False).values_list(
        "member_id", "insurance"
    ):
        vault = vaults.get(member_id)
        opened = vault.open(BookingDetails, "insurance", insurance) if vault else None
        if opened:
            plans[member_id].add(json.loads(opened)["slug"])
    slugs = {slug for given in plans.values() for slug in given}
    carrier_of = dict(InsurancePlan.objects.filter(slug__in=slugs).values_list("slug", "carrier__slug"))
    return {
        member_id: {f"carrier:{carrier_of[slug]}" for slug in given if slug in carrier_of}
        for member_id, given in plans.items()
    }
