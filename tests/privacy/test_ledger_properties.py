"""Property: whatever the sequence of grants, revocations, restrictions and reads, by whichever
recipient, the ledger holds exactly the permitted disclosures, an independent reading of the rules
agrees with every decision, and every chain verifies."""

from __future__ import annotations

import os
from collections import Counter

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indigomed.privacy.decisions import Recipient
from indigomed.privacy.ledger_checks import verify
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import decide_restriction
from indigomed.privacy.signing import request_restriction, revoke_authorization, sign_authorization
from tests.privacy.conftest import ADVERTISER, DOCTOR, INDIGOMED, RESEARCHERS, ask, court
from tests.privacy.test_decision_point import LATER

RECIPIENTS = [
    DOCTOR,
    INDIGOMED,
    RESEARCHERS,
    ADVERTISER,
    Recipient.person("x", "A friend"),
    Recipient.partner("unregistered", "A partner without an agreement"),
]
COURT = len(RECIPIENTS)  # the court of a demand about the first member, made in each example
PURPOSES = ["treatment", "marketing", "research", "required_by_law"]
CATEGORIES = ["contact", "insurance", "medical"]

categories = st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2)
operation = st.one_of(
    st.tuples(
        st.just("grant"),
        st.integers(0, 1),
        st.integers(0, len(RECIPIENTS) - 1),
        st.sets(st.sampled_from(["marketing", "research"]), min_size=1),
        categories,
    ),
    st.tuples(st.just("revoke"), st.integers(0, 5)),
    st.tuples(
        st.just("restrict"), st.integers(0, 1), categories, st.sets(st.sampled_from(PURPOSES)), st.integers(-1, 2)
    ),
    # Reads are what is checked, so there are as many of them as of everything else together.
    *[st.tuples(st.just("read"), st.integers(0, 1), st.integers(0, COURT), st.sampled_from(PURPOSES), categories)] * 3,
)


def expected(state, member_index, recipient, purpose, asked) -> bool:
    """The rules, read independently of the decision point, for members under federal law only."""
    for m, cats, purposes, who in state["restrictions"]:
        if (
            m == member_index
            and (cats & asked)
            and (not purposes or purpose in purposes)
            and who in ("", recipient.ref)
        ):
            return False
    if purpose == "treatment":
        return recipient is DOCTOR
    if purpose == "required_by_law":
        # Only the court of the demand, about the member it names, for what it names.
        return recipient is state["court"] and member_index == 0 and asked <= {"medical"}
    # IndigoMed's own messages for marketing; a named practitioner or body for research; never others.
    if not (
        (purpose == "marketing" and recipient is INDIGOMED)
        or (purpose == "research" and recipient in (DOCTOR, RESEARCHERS))
    ):
        return False
    return any(
        g["member"] == member_index
        and not g["revoked"]
        and g["recipient"] == recipient.ref
        and purpose in g["purposes"]
        and asked <= g["categories"]
        for g in state["grants"]
    )


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, max_size=14))
def test_the_ledger_holds_exactly_the_permitted_disclosures(people, operations) -> None:
    members = [people.new_york, people.ohio]
    with transaction.atomic():
        recipients = [*RECIPIENTS, court(members[0])]
        state = {"grants": [], "restrictions": [], "court": recipients[COURT]}
        permitted = Counter()
        for n, op in enumerate(operations):
            kind = op[0]
            if kind == "grant":
                _, m, r, purposes, cats = op
                grant = sign_authorization(
                    actor=members[m],
                    recipient_ref=RECIPIENTS[r].ref,
                    recipient_label=RECIPIENTS[r].label,
                    purposes=sorted(purposes),
                    categories=sorted(cats),
                    tags=[],
                    information="test",
                    signed_name="Pat Example",
                    explicit_consent=True,
                    expires_at=LATER,
                )
                state["grants"].append(
                    {
                        "id": grant,
                        "member": m,
                        "recipient": RECIPIENTS[r].ref,
                        "purposes": purposes,
                        "categories": cats,
                        "revoked": False,
                    }
                )
            elif kind == "revoke" and state["grants"]:
                grant = state["grants"][op[1] % len(state["grants"])]
                revoke_authorization(actor=members[grant["member"]], public_id=str(grant["id"].public_id))
                grant["revoked"] = True
            elif kind == "restrict":
                _, m, cats, purposes, r = op
                who = "" if r < 0 else RECIPIENTS[r].ref
                restriction = request_restriction(
                    signed_name="Pat Example Member",
                    explicit_consent=True,
                    actor=members[m],
                    categories=sorted(cats),
                    purposes=sorted(purposes),
                    recipient_ref=who,
                )
                decide_restriction(officer=people.officer, public_id=str(restriction.public_id), accept=True)
                state["restrictions"].append((m, cats, purposes, who))
            elif kind == "read":
                _, m, r, purpose, cats = op
                decision = ask(members[m], recipients[r], purpose, set(cats), ref=f"read:{n}")
                assert decision.allowed == expected(state, m, recipients[r], purpose, cats), (op, decision)
                if decision.allowed:
                    permitted[(members[m].pk, recipients[r].ref, purpose, f"read:{n}")] += 1
        recorded = Counter(Disclosure.objects.values_list("member_id", "recipient_ref", "purpose", "subject_refs"))
        assert recorded == permitted
        assert verify().ok
        transaction.set_rollback(True)
