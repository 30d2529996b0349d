"""Members' copies and exports (RIGHT-ACCESS, issue 10), printed beside floors measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_copy_bench \\
        .venv/bin/python bench/copy_bench.py [copy] [export] [--members 1000,10000] [--rounds 5]

Without DATABASE_URL it runs on the SQLite database under INDIGOMED_VAR_DIR.

- copy: one member with 200 completed visits and 2,000 ledger entries; the whole copy (reads through
  the privacy door, FHIR R4 bundle built and checked as ``validation.check_copy`` does, PDF with WeasyPrint), median
  of the rounds, split into its parts, and the copy given (sealed, ledgered). Floor: the same reads and
  a bare ``json.dumps`` of the same bundle, without validation or PDF, and a one-line WeasyPrint page.
  Target: under 1 s.
- export: every member's bundle streamed as NDJSON to /dev/null, for 1,000 and for 10,000 members (three
  bookings, two visits and one plan each), through the door (decided, logged, ledgered: the
  once-per-version claims are cleared before each run, so each run is a first export). Resources per
  second with FHIR validation, without it, and a bare ``json.dumps`` of the same bundles; peak Python
  memory (tracemalloc, a separate run) at each size: flat means the 10,000 peak is that of 1,000.
  Target: >= 5,000 resources/s.

Members, practices and ledger entries it makes are tagged ``bench-copy`` and reused by later runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from indigomed.accounts.models import Member, PrivacyOfficer, User  # noqa: E402
from indigomed.directory.models import (  # noqa: E402
    Facility,
    InsuranceCarrier,
    InsurancePlan,
    Practitioner,
    PractitionerRole,
    Specialty,
)
from indigomed.interop import fhir, validation  # noqa: E402
from indigomed.interop.copies import build_copy, give_copy  # noqa: E402
from indigomed.interop.export import ExportCount, stream_bundles  # noqa: E402
from indigomed.interop.pdf import render_pdf  # noqa: E402
from indigomed.interop.sources import Directory, bookings_of  # noqa: E402
from indigomed.privacy import copies as door  # noqa: E402
from indigomed.privacy import ledger  # noqa: E402
from indigomed.privacy.decisions import Recipient  # noqa: E402
from indigomed.privacy.models import DisclosedItem  # noqa: E402
from indigomed.records import crypto  # noqa: E402
from indigomed.records.keys import key_ring  # noqa: E402
from indigomed.records.models import (  # noqa: E402
    BookingDetails,
    ContactData,
    DemographicData,
    InsuranceData,
    MedicalEntry,
    MemberKey,
)
from indigomed.records.vault import Vault  # noqa: E402
from indigomed.scheduling.models import Appointment, Slot, VisitType  # noqa: E402

TAG = "bench-copy"
REASONS = ["Chest pain", "Back pain", "Annual check-up", "Persistent cough", "Rash", "Knee pain"]
SUPPORT = Recipient.staff("support", "IndigoMed support")


# --- The world ---------------------------------------------------------------------------------------


def practices(count: int = 20) -> list[PractitionerRole]:
    """Practitioners at facilities, each role with one visit type (made once)."""
    roles = list(PractitionerRole.objects.filter(facility__slug__startswith=TAG).select_related("practitioner"))
    if roles:
        return roles
    specialty, _ = Specialty.objects.get_or_create(slug=f"{TAG}-medicine", defaults={"name": "General medicine"})
    carrier, _ = InsuranceCarrier.objects.get_or_create(
        slug=f"{TAG}-carrier", defaults={"name": "Bench Health", "country": "US"}
    )
    InsurancePlan.objects.get_or_create(slug=f"{TAG}-plan", defaults={"carrier": carrier, "name": "Bench PPO"})
    for n in range(count):
        facility = Facility.objects.create(
            slug=f"{TAG}-facility-{n}", name=f"Bench Clinic {n}", street=f"{n} Example Street", city="New York",
            region="NY", postal_code="10016", country="US", latitude=40.7, longitude=-73.9, timezone="America/New_York",
        )  # fmt: skip
        doctor = Practitioner.objects.create(
            slug=f"{TAG}-doctor-{n}", given_name="Sam", family_name=f"Bench{n}", gender="female"
        )
        doctor.specialties.add(specialty)
        role = PractitionerRole.objects.create(practitioner=doctor, facility=facility)
        VisitType.objects.create(role=role, name="Consultation", duration_minutes=30)
        roles.append(role)
    return roles


def make_members(prefix: str, count: int, visits: int, upcoming: int, roles: list[PractitionerRole]) -> list[int]:
    """``count`` members with sealed profiles, one plan, ``visits`` completed visits and ``upcoming``
    future bookings each; written in bulk, reused when already there."""
    existing = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("pk").values_list("pk", flat=True))
    if len(existing) >= count:
        return existing[:count]
    start_index = len(existing)
    ring = key_ring()
    visit_types = dict(VisitType.objects.filter(role__in=roles).values_list("role_id", "pk"))
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    made: list[int] = list(existing)
    # Every slot gets its own index across runs and calls, so that no two share a role and a start.
    counter = Slot.objects.filter(role__in=roles).count()
    step = 500
    for first in range(start_index, count, step):
        numbers = range(first, min(first + step, count))
        with transaction.atomic():
            users = User.objects.bulk_create([User(email=f"{prefix}-{n}@example.test", password="!") for n in numbers])
            Member.objects.bulk_create([Member(user=u) for u in users])
            keys, vaults = [], {}
            for user in users:
                data_key = crypto.new_data_key()
                kek_id, wrapped = crypto.wrap(ring, data_key)
                keys.append(MemberKey(member_id=user.pk, kek_id=kek_id, wrapped=wrapped))
                vaults[user.pk] = Vault(user.pk, data_key)
            MemberKey.objects.bulk_create(keys)
            contacts, demographics, plans, slots, details, entries = [], [], [], [], [], []
            per_member = visits + upcoming
            for user, n in zip(users, numbers, strict=True):
                v = vaults[user.pk]
                contacts.append(ContactData(
                    member_id=user.pk, name=v.seal(ContactData, "name", f"Patient {n}"),
                    email=v.seal(ContactData, "email", f"{prefix}-{n}@example.test"), email_lookup=f"{prefix}-{n}",
                ))  # fmt: skip
                demographics.append(DemographicData(
                    member_id=user.pk, date_of_birth=v.seal(DemographicData, "date_of_birth", "1980-05-17"),
                    country=v.seal(DemographicData, "country", "US"), region=v.seal(DemographicData, "region", "NY"),
                    postal_code=v.seal(DemographicData, "postal_code", "10016"),
                ))  # fmt: skip
                plans.append(InsuranceData(
                    member_id=user.pk, carrier=v.seal(InsuranceData, "carrier", "Bench Health"),
                    plan=v.seal(InsuranceData, "plan", "Bench PPO"), member_number=v.seal(InsuranceData, "member_number", f"B{n:08d}"),
                ))  # fmt: skip
                for j in range(per_member):
                    index = counter
                    counter += 1
                    role = roles[index % len(roles)]
                    # Each (role, start) unique: the index spreads starts 30 minutes apart per role.
                    offset = dt.timedelta(minutes=30 * (index // len(roles)))
                    starts = (
                        base - dt.timedelta(days=3650) + offset if j < visits else base + dt.timedelta(days=30) + offset
                    )
                    slots.append(Slot(role=role, visit_type_id=visit_types[role.pk], starts_at=starts,
                                      ends_at=starts + dt.timedelta(minutes=30), is_open=False))  # fmt: skip
            Slot.objects.bulk_create(slots)
            appointments = []
            for k, slot in enumerate(slots):
                user = users[k // per_member]
                completed = k % per_member < visits
                appointments.append(Appointment(
                    member=user, slot=slot, role_id=slot.role_id, visit_type_id=slot.visit_type_id,
                    starts_at=slot.starts_at, ends_at=slot.ends_at, status="completed" if completed else "booked",
                    booked_at=slot.starts_at - dt.timedelta(days=7),
                ))  # fmt: skip
            Appointment.objects.bulk_create(appointments)
            names = {r.pk: (r.practitioner.display_name, r.facility.name) for r in roles}
            for k, appointment in enumerate(appointments):
                v = vaults[appointment.member_id]
                reason = REASONS[k % len(REASONS)]
                details.append(BookingDetails(
                    member_id=appointment.member_id, appointment_public_id=appointment.public_id,
                    reason=v.seal(BookingDetails, "reason", json.dumps({"slug": reason.lower(), "name": reason, "tags": []})),
                    insurance=v.seal(BookingDetails, "insurance", json.dumps({"slug": f"{TAG}-plan", "name": "Bench PPO"})),
                ))  # fmt: skip
                if appointment.status == "completed":
                    who, where = names[appointment.role_id]
                    entries.append(MedicalEntry(
                        member_id=appointment.member_id, kind="visit", source_ref=f"appointment:{appointment.public_id}",
                        body=v.seal(MedicalEntry, "body", json.dumps({"practitioner": who, "facility": where, "reason": reason})),
                        tags=v.seal(MedicalEntry, "tags", "[]"),
                        occurred_on=v.seal(MedicalEntry, "occurred_on", appointment.starts_at.date().isoformat()),
                    ))  # fmt: skip
            ContactData.objects.bulk_create(contacts)
            DemographicData.objects.bulk_create(demographics)
            InsuranceData.objects.bulk_create(plans)
            BookingDetails.objects.bulk_create(details)
            MedicalEntry.objects.bulk_create(entries)
            made += [u.pk for u in users]
    return made


def fill_ledger(member_id: int, entries: int) -> None:
    """Bring the member's chain to ``entries`` disclosures (care-team reads of past visits)."""
    have = ledger_count(member_id)
    with transaction.atomic():
        for n in range(have, entries):
            ledger.append(
                ledger.Entry(
                    member_id=member_id, recipient_kind="practitioner", recipient_ref="practitioner:1",
                    recipient_label="Dr. Bench", purpose="treatment", categories="medical", tags="",
                    legal_basis="HIPAA 45 CFR 164.506(c)", rule="purpose:treatment", in_accounting=False,
                    authorization_id=None, legal_demand_id=None, subject_refs=f"visit:{n}", policy_version="bench",
                )
            )  # fmt: skip


def ledger_count(member_id: int) -> int:
    from indigomed.privacy.models import Disclosure

    return Disclosure.objects.filter(member_id=member_id).count()


# --- Copy ----------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def bench_copy(rounds: int) -> None:
    roles = practices()
    [member_id] = make_members(f"{TAG}-copy", 1, visits=200, upcoming=0, roles=roles)
    fill_ledger(member_id, 2000)
    officer = User.objects.filter(email=f"{TAG}-officer").first()
    if officer is None:
        officer = User.objects.create(email=f"{TAG}-officer", password="!")
        PrivacyOfficer.objects.create(user=officer)
    build_copy(member_id)  # warm: templates, fonts, models
    from weasyprint import HTML

    totals, cpus, reads, fhirs, pdfs, floors, one_lines = [], [], [], [], [], [], []
    resources = 0
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        copy = build_copy(member_id)
        totals.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        resources = copy.resources
        # The same work in its parts, and the floor: the reads and a bare json.dumps of the bundle.
        t0 = time.perf_counter()
        bookings = bookings_of([member_id])[member_id]
        record = door.own_record_for_copy(
            member_id=member_id, actor_user_id=None, appointment_ids=[b.public_id for b in bookings]
        )
        assert record is not None
        directory = Directory()
        directory.load(practitioner_ids={b.practitioner_id for b in bookings}, facility_ids={b.facility_id for b in bookings},
                       plan_slugs={f"{TAG}-plan"})  # fmt: skip
        t1 = time.perf_counter()
        bundle = fhir.build_bundle(record=record, bookings=bookings, directory=directory, withheld=frozenset(),
                                   left_out=[], copy_id=uuid.uuid4(), at=timezone.now())  # fmt: skip
        validation.check_copy(bundle)
        json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
        t2 = time.perf_counter()
        render_pdf(record=record, bookings=bookings, directory=directory, withheld=frozenset(), left_out=[],
                   copy_id="bench", at=timezone.now(), fee="free")  # fmt: skip
        t3 = time.perf_counter()
        json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
        t4 = time.perf_counter()
        t5 = time.perf_counter()
        HTML(string="<p>One line.</p>").write_pdf()
        one_lines.append(time.perf_counter() - t5)
        reads.append(t1 - t0)
        fhirs.append(t2 - t1)
        pdfs.append(t3 - t2)
        floors.append((t1 - t0) + (t4 - t3))
    gives = []
    for _ in range(max(1, rounds // 2)):
        start = time.perf_counter()
        give_copy(actor=officer, member_id=member_id, accepted_fee_cents=650)
        gives.append(time.perf_counter() - start)
    med = statistics.median
    print(
        f"copy: one member, 200 visits, {ledger_count(member_id):,} ledger entries, {resources} FHIR resources, {connection.vendor}"
    )
    print(
        f"  build_copy (FHIR + PDF): median {ms(med(totals))} over {rounds}, of which this process's CPU "
        f"{ms(med(cpus))} (reads {ms(med(reads))}, "
        f"FHIR map+validate+JSON {ms(med(fhirs))}, PDF {ms(med(pdfs))}); copy given (sealed, ledgered) {ms(med(gives))}"
    )
    print(
        f"  floor (same reads + bare json.dumps): {ms(med(floors))}; a one-line WeasyPrint page: "
        f"{ms(med(one_lines))}; target: under 1 s"
    )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


# --- Export --------------------------------------------------------------------------------------------


def run_export(member_ids: list[int], *, validate: bool) -> ExportCount:
    DisclosedItem.objects.filter(member_id__in=member_ids).delete()  # each run is a first export
    count = ExportCount()
    with open(os.devnull, "wb") as sink:
        for line in stream_bundles(member_ids=member_ids, recipient=SUPPORT, purpose="operations",
                                   actor_user_id=None, validate=validate, count=count):  # fmt: skip
            sink.write(line)
    return count


def bench_export(sizes: list[int]) -> None:
    roles = practices()
    largest = make_members(f"{TAG}-export", max(sizes), visits=2, upcoming=1, roles=roles)
    print(f"export: NDJSON to /dev/null through the privacy door (staff:support, operations), {connection.vendor}")
    for size in sizes:
        ids = largest[:size]
        rates = {}
        for validate in (True, False):
            start, cpu = time.perf_counter(), time.process_time()
            count = run_export(ids, validate=validate)
            elapsed = time.perf_counter() - start
            rates[validate] = (count.resources / elapsed, elapsed, count, count.resources / (time.process_time() - cpu))
        # Floor: a bare json.dumps of the same bundles (built once, held in memory for this pass only).
        sample = ids[: min(size, 1000)]
        bundles = []
        for line in stream_bundles(
            member_ids=sample, recipient=SUPPORT, purpose="operations", actor_user_id=None, validate=False
        ):
            bundles.append(json.loads(line))
        start = time.perf_counter()
        for bundle in bundles:
            json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
        dumps_rate = sum(len(b["entry"]) for b in bundles) / (time.perf_counter() - start)
        del bundles
        tracemalloc.start()
        run_export(ids, validate=True)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rate, elapsed, count, per_cpu = rates[True]
        print(
            f"  {size:,} members, {count.resources:,} resources, {count.bytes / 1e6:.1f} MB: "
            f"{rate:,.0f} resources/s with FHIR validation ({elapsed:.1f} s; {per_cpu:,.0f} per CPU-second of this "
            f"process); {rates[False][0]:,.0f}/s without validation ({rates[False][3]:,.0f} per CPU-second); "
            f"floor bare json.dumps {dumps_rate:,.0f}/s; peak Python memory {peak / 1e6:.1f} MB; target >= 5,000/s"
        )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", help="copy, export, or both (the default)")
    parser.add_argument("--members", default="1000,10000", help="export sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    parts = args.parts or ["copy", "export"]
    if set(parts) - {"copy", "export"}:
        parser.error("choose copy, export or both")
    if "copy" in parts:
        bench_copy(args.rounds)
    if "export" in parts:
        bench_export([int(n) for n in args.members.split(",")])


if __name__ == "__main__":
    main()
