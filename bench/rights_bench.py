"""The requests desk's figures (issue 10), printed; run on PostgreSQL, on a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_rights_bench .venv/bin/python bench/rights_bench.py

Each figure is a median over several rounds, beside a floor measured in the same run:
- fulfil: answering an accounting whose period holds 1,000 accountable entries among a member's
  2,000 (step, state, audit event, message), beside the bare query of those entries' ids;
- downloads: that accounting as JSON, CSV and PDF, beside the bare rows as JSON and the same rows,
  a bare paragraph each, rendered by WeasyPrint;
- desk: the office's desk over 1,000 open requests, beside the bare query of them;
- sweep: reminding the office of 1,000 overdue requests (each a reminder row, messages and an
  audit event), then the same sweep again (nothing to send), beside queuing 1,000 messages at once.

The tables it fills (requests, ledger, outbox, audit events) are emptied first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("MESSAGES_DELIVER_ON_COMMIT", "0")

import logging

import django

django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from indigomed.accounts.models import PrivacyOfficer, User  # noqa: E402
from indigomed.accounts.services import create_member_profile  # noqa: E402
from indigomed.messaging.services import send_to_members  # noqa: E402
from indigomed.privacy import accounting, ledger  # noqa: E402
from indigomed.privacy.models import Disclosure  # noqa: E402
from indigomed.rights import accounting_fulfilment, accountings, office, queries, services  # noqa: E402
from indigomed.rights.models import Request  # noqa: E402
from indigomed.rights.sweeps import remind_officers  # noqa: E402

ROUNDS = 5


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median milliseconds of ``fn`` over ``rounds`` runs."""
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def empty() -> None:
    import importlib

    guards = [
        importlib.import_module("indigomed.privacy.migrations.0002_ledger_is_append_only"),
        importlib.import_module("indigomed.security.migrations.0005_audit_events"),
    ]
    editor = connection.schema_editor()
    for guard in guards:
        guard.drop_triggers(None, editor)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE rights_request, rights_officerreminder, rights_accounting, privacy_disclosure, "
            "privacy_ledgercheckpoint, messaging_message, messaging_deliveryattempt, security_auditevent, "
            "records_correspondenceentry CASCADE"
        )
    for guard in guards:
        guard.create_triggers(None, editor)


def person(email: str, *, member: bool) -> User:
    try:
        return User.objects.get_by_natural_key(email)
    except User.DoesNotExist:
        pass
    user = User.objects.create_user(email, "bench-password-long-enough", display_name="" if member else "Officer")
    if member:
        create_member_profile(user=user, name="Bench Member", date_of_birth=dt.date(1980, 1, 1), country="US")
    return user


def fill_ledger(member: User, entries: int) -> None:
    """Half the entries accounted (a court's demand), half not (treatment), over five years."""
    now = timezone.now()
    with transaction.atomic():
        for n in range(entries):
            accounted = n % 2 == 0
            ledger.append(
                ledger.Entry(
                    member_id=member.pk,
                    recipient_kind="legal" if accounted else "practitioner",
                    recipient_ref="legal:1" if accounted else "practitioner:1",
                    recipient_label="Superior Court, Bench County" if accounted else "Dr. Bench",
                    purpose="required_by_law" if accounted else "treatment",
                    categories="medical",
                    tags="",
                    legal_basis="HIPAA 45 CFR 164.512(a), (e)" if accounted else "HIPAA 45 CFR 164.506(c)",
                    rule="legal-demand:1" if accounted else "care-team",
                    in_accounting=accounted,
                    authorization_id=None,
                    legal_demand_id=None,
                    subject_refs=f"visit:{n}",
                    policy_version="bench",
                ),
                occurred_at=now - dt.timedelta(days=5 * 365) + dt.timedelta(minutes=n * 60),
            )


def main() -> None:
    call_command("migrate", verbosity=0)
    empty()
    member = person("bench.member@bench.test", member=True)
    officer = person("bench.officer@bench.test", member=False)
    PrivacyOfficer.objects.get_or_create(user=officer)
    fill_ledger(member, 2000)
    today = timezone.localdate()

    def fulfil() -> Request:
        Request.objects.filter(member=member).delete()
        request, _ = accountings.ask_for_accounting(
            actor=member,
            asked_from=today - dt.timedelta(days=6 * 365),
            asked_until=today,
            delivery="electronic",
            signed_name="Bench Member",
            consent=True,
        )
        office.start_review(officer=officer, public_id=request.public_id)
        return office.conclude(officer=officer, public_id=request.public_id, outcome="fulfilled")

    answered: list[Request] = []
    fulfil_ms = timed(lambda: answered.append(fulfil()))
    request = answered[-1]
    record = request.accounting
    period = accounting.Period(
        record.period_start, record.period_end, record.period_start, record.period_end, 2190, record.period_start
    )
    listed = len(record.entry_ids or [])
    floor_ids = timed(lambda: accounting.accountable_in(member_id=member.pk, period=period))
    print(f"fulfil: an accounting listing {listed} of 2,000 entries answered in {fulfil_ms:.1f} ms; "
          f"the bare query of its entries {floor_ids:.1f} ms")  # fmt: skip

    rows = lambda: list(  # noqa: E731
        Disclosure.objects.filter(pk__in=record.entry_ids).values_list(
            "occurred_at", "recipient_label", "categories", "purpose", "legal_basis"
        )
    )
    floor_json = timed(lambda: json.dumps([[str(v) for v in row] for row in rows()]))
    for fmt in ("json", "csv", "pdf"):
        ms = timed(
            lambda fmt=fmt: accounting_fulfilment.download(actor=member, public_id=request.public_id, fmt=fmt),
            3 if fmt == "pdf" else ROUNDS,
        )
        print(f"download {fmt}: {ms:.1f} ms ({listed} entries)")
    print(f"  floor: the bare rows as JSON {floor_json:.1f} ms")
    from weasyprint import HTML

    def bare_pdf() -> bytes:
        return HTML(string="".join(f"<p>{' '.join(str(v) for v in row)}</p>" for row in rows())).write_pdf()

    print(f"  floor: the bare rows, a paragraph each, through WeasyPrint {timed(bare_pdf, 3):.1f} ms")

    Request.objects.all().delete()
    with transaction.atomic():
        for _ in range(1000):
            services.file_request(
                actor=member, kind="question", text="A bench question.", signed_name="Bench Member", consent=True
            )
    desk_ms = timed(lambda: queries.desk(officer=officer))
    floor_desk = timed(lambda: list(Request.objects.filter(state__in=Request.OPEN).values_list("pk", "due_at")))
    print(f"desk: 1,000 open requests sorted in {desk_ms:.1f} ms; the bare query of them {floor_desk:.1f} ms")

    later = timezone.now() + dt.timedelta(days=40)
    first = timed(lambda: remind_officers(now=later), 1)
    again = timed(lambda: remind_officers(now=later), 3)
    with transaction.atomic():
        start = time.perf_counter()
        for _ in range(1000):
            send_to_members(member_ids=[officer.pk], subject="Bench", body="Bench", reason="bench")
        floor_1000 = (time.perf_counter() - start) * 1000
    print(f"sweep: 1,000 overdue requests reminded in {first:.0f} ms, the same sweep again {again:.0f} ms; "
          f"floor: 1,000 messages queued in one transaction {floor_1000:.0f} ms")  # fmt: skip
    empty()


if __name__ == "__main__":
    main()
