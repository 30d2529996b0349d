"""The privacy engine's figures (issue 3), printed; run on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_privacy_bench \\
        .venv/bin/python bench/privacy_bench.py [decisions] [append] [verify] [accounting] [refresh]

- decisions: cost per decision of the decision point (policy compiled and cached, the member's
  grants and restrictions loaded) against the same rules in pycasbin, in the same run, after
  checking that both give the same answer on every request of the sample. Target: faster.
- append: ledger appends with hash chaining, each in its own transaction, as a ratio to plain
  inserts of the same rows. Target: >= 80 %.
- verify: verification of 1,000,000 entries. Target: <= 3 s.
- accounting: one member's accounting in a 20,000,000-row ledger, p95 over many members.
  Target: p95 <= 50 ms. (Fills the ledger once; later runs reuse it.)
- refresh: a practice's calendar looked at again and again through the whole door; later looks
  are access-log rows only, so they cost no more than the first (not run by default).

The database's ledger tables are emptied first: point it at a database of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
# As in production: with DEBUG on, Django would log (and format) every statement it runs.
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from indigomed.privacy import ledger, ledger_checks  # noqa: E402
from indigomed.privacy.decisions import Binding, Block, Grant, Recipient, Subject, decide  # noqa: E402
from indigomed.privacy.policy import current_policy  # noqa: E402

CASBIN_MODEL = """
[request_definition]
r = sub, mem, act, obj

[policy_definition]
p = sub, mem, act, obj, eft

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.sub == r.sub || p.sub == "*") && p.mem == r.mem && (p.act == r.act || p.act == "*") && (p.obj == r.obj || p.obj == "*")
"""

# Each recipient as the policy file grants it: the care team for treatment, IndigoMed's own
# messages for marketing, a named researcher for research, the court of a recorded demand.
RECIPIENTS = ["practitioner:1", "indigomed", "researcher:lab", "legal:1"]
GRANTABLE = {"indigomed": "marketing", "researcher:lab": "research"}
PURPOSES = ["treatment", "marketing", "research", "required_by_law"]
CATEGORIES = ["contact", "insurance", "medical"]


def truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE privacy_disclosure, privacy_ledgercheckpoint RESTART IDENTITY")


def bench_decisions(members: int = 200, asks: int = 20_000) -> None:
    import casbin

    rng = random.Random(5)
    policy = current_policy()
    now = timezone.now()
    later = now + dt.timedelta(days=365)
    subjects: dict[int, Subject] = {}
    casbin_rules: list[list[str]] = []
    for m in range(members):
        grants, blocks, demands = [], [], []
        casbin_rules.append(["practitioner:1", str(m), "treatment", "*", "allow"])
        if rng.random() < 0.5:
            demands.append(Binding(1, "legal:1", frozenset({"medical"})))
            casbin_rules.append(["legal:1", str(m), "required_by_law", "medical", "allow"])
        for g in range(rng.randint(0, 3)):
            recipient = rng.choice(sorted(GRANTABLE))
            purpose, category = GRANTABLE[recipient], rng.choice(CATEGORIES)
            grants.append(
                Grant(g, recipient, frozenset({purpose}), frozenset({category}), frozenset(), now, later, None)
            )
            casbin_rules.append([recipient, str(m), purpose, category, "allow"])
        if rng.random() < 0.3:
            category = rng.choice(CATEGORIES)
            blocks.append(Block(m, frozenset({category}), frozenset(), ""))
            casbin_rules.append(["*", str(m), "*", category, "deny"])
        subjects[m] = Subject(
            m, "us", tuple(grants), tuple(blocks), frozenset({"practitioner:1"}), legal_demands=tuple(demands)
        )
    import logging

    logging.getLogger("casbin").setLevel(logging.WARNING)
    from casbin import model as casbin_model

    def enforcer_for(rules: list[list[str]]) -> casbin.Enforcer:
        model = casbin_model.Model()
        model.load_model_from_text(CASBIN_MODEL)
        enforcer = casbin.Enforcer(model)
        enforcer.add_policies(rules)
        return enforcer

    # One enforcer per member, holding that member's rules only: the same scope the decision
    # point has (one member's grants and restrictions), so casbin is not slowed by others' rules.
    enforcers = {m: enforcer_for([rule for rule in casbin_rules if rule[1] == str(m)]) for m in range(members)}
    sample = [
        (rng.randrange(members), rng.choice(RECIPIENTS), rng.choice(PURPOSES), rng.choice(CATEGORIES))
        for _ in range(asks)
    ]
    recipients = {ref: Recipient(ref.split(":")[0], ref, ref) for ref in RECIPIENTS}
    ours = [
        decide(policy, subjects[m], recipients[r], p, frozenset({c}), frozenset(), now).allowed for m, r, p, c in sample
    ]
    theirs = [enforcers[m].enforce(r, str(m), p, c) for m, r, p, c in sample]
    disagreements = sum(a != b for a, b in zip(ours, theirs, strict=True))
    assert disagreements == 0, f"the two engines disagree on {disagreements} requests"

    def timed(fn) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) / len(sample) * 1e6)
        return statistics.median(runs)

    ours_us = timed(
        lambda: [
            decide(policy, subjects[m], recipients[r], p, frozenset({c}), frozenset(), now) for m, r, p, c in sample
        ]
    )
    theirs_us = timed(lambda: [enforcers[m].enforce(r, str(m), p, c) for m, r, p, c in sample])
    print(
        f"decisions: {len(sample):,} requests over {members} members ({len(casbin_rules):,} casbin policy lines, one enforcer per member), same answers"
    )
    print(
        f"  decision point: {ours_us:.2f} µs per decision; pycasbin: {theirs_us:.2f} µs ({theirs_us / ours_us:.0f}x slower)  target: faster"
    )


def entry(member_id: int, n: int) -> ledger.Entry:
    return ledger.Entry(
        member_id=member_id,
        recipient_kind="practitioner",
        recipient_ref="practitioner:1",
        recipient_label="Dr. Bench",
        purpose="treatment",
        categories="contact,insurance",
        tags="",
        legal_basis="HIPAA 45 CFR 164.506(c)",
        rule="purpose:treatment",
        in_accounting=False,
        authorization_id=None,
        legal_demand_id=None,
        subject_refs=f"appointment:{n}",
        policy_version="bench",
    )


PLAIN_INSERT = """
INSERT INTO privacy_disclosure (member_id, seq, occurred_at, recipient_kind, recipient_ref, recipient_label, purpose,
    categories, tags, legal_basis, rule, in_accounting, authorization_id, legal_demand_id, subject_refs, policy_version,
    prev_hash, hash)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _plain_insert(cursor: Any, n: int) -> None:
    e = entry(2_000_000 + (n % 500), n)
    cursor.execute(
        PLAIN_INSERT,
        [
            e.member_id, n // 500 + 1, timezone.now(), e.recipient_kind, e.recipient_ref, e.recipient_label,
            e.purpose, e.categories, e.tags, e.legal_basis, e.rule, e.in_accounting, None, None, e.subject_refs,
            e.policy_version, ledger.GENESIS, "0" * 64,
        ],
    )  # fmt: skip


def bench_append(count: int = 5000, rounds: int = 5, block: int = 250) -> None:
    """Chained appends and plain inserts take turns in blocks, so that the machine's drift (other
    work, checkpoints, the disk) falls on both alike; the ratio is taken per round."""
    ratios, chained_rates, plain_rates = [], [], []
    for _ in range(rounds):
        truncate()
        chained_s = plain_s = 0.0
        with connection.cursor() as cursor:
            for first in range(0, count, block):
                start = time.perf_counter()
                for n in range(first, first + block):
                    with transaction.atomic():
                        ledger.append(entry(1_000_000 + (n % 500), n))
                chained_s += time.perf_counter() - start
                start = time.perf_counter()
                for n in range(first, first + block):
                    with transaction.atomic():
                        _plain_insert(cursor, n)
                plain_s += time.perf_counter() - start
        ratios.append(plain_s / chained_s)
        chained_rates.append(count / chained_s)
        plain_rates.append(count / plain_s)
    print(f"append: {count:,} entries over 500 chains, one transaction each, in alternating blocks, median of {rounds}")
    print(
        f"  hash-chained appends {statistics.median(chained_rates):,.0f}/s; plain inserts "
        f"{statistics.median(plain_rates):,.0f}/s; ratio {100 * statistics.median(ratios):.0f} % "
        f"(rounds {min(ratios) * 100:.0f}-{max(ratios) * 100:.0f} %)  target >= 80 %"
    )
    truncate()


def fill_chains(entries: int, per_member: int, first_member: int = 1) -> None:
    """Valid chains, written with COPY (hashes computed here, exactly as the ledger computes them)."""
    now = timezone.now() - dt.timedelta(days=1)
    columns = ["member_id", "seq", "occurred_at", "recipient_kind", "recipient_ref", "recipient_label", "purpose",
               "categories", "tags", "legal_basis", "rule", "in_accounting", "authorization_id", "legal_demand_id",
               "subject_refs", "policy_version", "prev_hash", "hash"]  # fmt: skip
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY privacy_disclosure ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for member in range(first_member, first_member + entries // per_member):
            prev = ledger.GENESIS
            for seq in range(1, per_member + 1):
                e = entry(member, seq)
                at = now + dt.timedelta(microseconds=seq)
                digest = hashlib.sha256(ledger.canonical(e, seq, at, prev).encode()).hexdigest()
                copy.write_row([member, seq, at, e.recipient_kind, e.recipient_ref, e.recipient_label, e.purpose,
                                e.categories, e.tags, e.legal_basis, e.rule, e.in_accounting, None, None,
                                e.subject_refs, e.policy_version, prev, digest])  # fmt: skip
                prev = digest


def bench_verify(entries: int = 1_000_000, rounds: int = 3) -> None:
    truncate()
    fill_chains(entries, per_member=10)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE privacy_disclosure")
    times, verdict = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        verdict = ledger_checks.verify()
        times.append(time.perf_counter() - start)
    assert verdict is not None and verdict.ok and verdict.entries == entries, verdict
    print(f"verify: {verdict.entries:,} entries in {verdict.chains:,} chains, median of {rounds}")
    print(f"  {statistics.median(times):.2f} s  target <= 3 s")
    truncate()


def bench_accounting(rows: int = 20_000_000, samples: int = 500) -> None:
    from indigomed.privacy.queries import accounting_for

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM privacy_disclosure")
        present = cursor.fetchone()[0]
    if present < rows:
        truncate()
        started = time.perf_counter()
        # Two million members with ten entries each over six years; one in five is listed.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO privacy_disclosure (member_id, seq, occurred_at, recipient_kind, recipient_ref,
                    recipient_label, purpose, categories, tags, legal_basis, rule, in_accounting, subject_refs,
                    policy_version, prev_hash, hash)
                SELECT g / 10 + 1, g %% 10 + 1, now() - (g %% 2190) * interval '1 day', 'legal', 'legal:1', 'Court',
                       CASE WHEN g %% 5 = 0 THEN 'required_by_law' ELSE 'treatment' END, 'medical', '',
                       'bench', 'bench', g %% 5 = 0, '', 'bench', repeat('0', 64), md5(g::text) || md5(g::text)
                FROM generate_series(0, %s - 1) AS g
                """,
                [rows],
            )
            cursor.execute("VACUUM ANALYZE privacy_disclosure")
        print(f"  (filled {rows:,} rows in {time.perf_counter() - started:.0f} s)")
    rng = random.Random(3)
    members = [rng.randint(1, rows // 10) for _ in range(samples)]
    end = timezone.now()
    start = end - dt.timedelta(days=365 * 10)
    latencies = []
    for member in members:
        t = time.perf_counter()
        listed = list(
            accounting_for(member, start, end).values_list("occurred_at", "recipient_label", "purpose", "categories")
        )
        latencies.append((time.perf_counter() - t) * 1000)
        assert len(listed) <= 10
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"accounting: one member's accounting in a {rows:,}-row ledger, {samples} members")
    print(f"  p50 {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms  target p95 <= 50 ms")


def bench_refresh(patients: int = 20, looks: int = 30) -> None:
    """A practice's calendar of ``patients`` rows (name, reason, plan each) looked at ``looks`` times:
    the whole door (load, decide, access log, ledger), first look and later looks, in milliseconds."""
    from indigomed.accounts.models import User
    from indigomed.accounts.services import create_member_profile
    from indigomed.privacy.models import Disclosure
    from indigomed.privacy.services import Item, disclose, record_care_relationship
    from indigomed.records.sign_in import sign_in_key

    doctor = Recipient("practitioner", "practitioner:1", "Dr. Bench")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE privacy_disclosure, privacy_ledgercheckpoint, privacy_discloseditem, security_accesslogentry"
        )
        cursor.execute("DELETE FROM privacy_carerelationship")
    members = []
    for n in range(patients):
        user = User.objects.filter(email=sign_in_key(f"bench.refresh.{n}@example.test")).first()
        if user is None:
            user = User.objects.create_user(f"bench.refresh.{n}@example.test", "x" * 20)
            create_member_profile(user=user, name=f"Patient {n}", date_of_birth=dt.date(1980, 1, 1), country="US")
        record_care_relationship(member_id=user.pk, recipient_refs=[doctor.ref], source_ref="bench")
        members.append(user.pk)
    items = [
        Item(member_id, frozenset({category}), frozenset(), f"appointment:{member_id}")
        for member_id in members
        for category in ("contact", "medical", "insurance")
    ]
    times = []
    for _ in range(looks):
        start = time.perf_counter()
        with transaction.atomic():
            disclose(actor_user_id=None, recipient=doctor, purpose="treatment", items=items)
        times.append((time.perf_counter() - start) * 1000)
    entries = Disclosure.objects.count()
    print(f"refresh: a calendar of {patients} patients x 3 categories, looked at {looks} times")
    print(
        f"  first look {times[0]:.1f} ms; later looks median {statistics.median(times[1:]):.1f} ms; "
        f"{entries} ledger entries in all"
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    call_command("migrate", verbosity=0)
    chosen = sys.argv[1:] or ["decisions", "append", "verify", "accounting"]
    for name in chosen:
        {
            "decisions": bench_decisions,
            "append": bench_append,
            "verify": bench_verify,
            "accounting": bench_accounting,
            "refresh": bench_refresh,
        }[name]()


if __name__ == "__main__":
    main()
