"""PI-3, CHILD-2: shredding a member leaves nothing readable about them, and nothing that ties them
to a visit, in any table of the database — read by introspection, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.accounts.services import create_member_profile
from indigomed.privacy import ledger_checks
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import disclose_visit_history
from indigomed.privacy.signing import sign_authorization
from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import MemberKey
from indigomed.records.services import add_insurance, set_contact_preferences, update_contact, update_demographics
from indigomed.records.vault import Vault
from indigomed.rights.amendment import ask_for_amendment
from indigomed.rights.services import file_request
from indigomed.rights.shredding import shred_member
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import book_appointment, set_visit_status
from indigomed.security.models import AuditEvent
from tests.privacy.amending import officer
from tests.scheduling.helpers import open_slot

# Values no other row of the test world could hold by chance.
EMAIL = "quillonia.vexbridge.7731@example.test"
NAME = "Quillonia Vexbridge"
SIGNED = "Quillonia Marrowby Vexbridge"
PHONE = "+1 212 555 0173"
PHONE_DIGITS = "2125550173"
DOB = dt.date(1999, 11, 23)
POSTAL = "Q7X 9ZV"
ADDRESS = "77 Sorrelwick Lane, Vexbridge"
INSURANCE_NUMBER = "QZV88417XK"
CARRIER = "Marrowby Mutual"
WORDS = "Sorrelwick nettle rash since Tuesday"
PERSONAL = [
    EMAIL,
    NAME,
    SIGNED,
    PHONE,
    PHONE_DIGITS,
    DOB.isoformat(),
    POSTAL,
    ADDRESS,
    INSURANCE_NUMBER,
    CARRIER,
    WORDS,
]


@dataclass
class Seeded:
    member: User
    public_id: uuid.UUID
    data_key: bytes
    appointment_pks: list[int]


def seed_a_rich_member(world) -> Seeded:
    """A member with something in every room: profile, insurance, contact choices, a completed and
    a coming visit, a disclosure, an authorization, an amendment, a request, sessions, messages."""
    member = User.objects.create_user(EMAIL, "a-long-enough-pass-phrase")
    create_member_profile(user=member, name=NAME, date_of_birth=DOB, country="US")
    update_demographics(member_id=member.pk, postal_code=POSTAL, region="NY")
    update_contact(member_id=member.pk, phone=PHONE)
    add_insurance(member_id=member.pk, carrier=CARRIER, plan="Gold", member_number=INSURANCE_NUMBER)
    set_contact_preferences(
        member_id=member.pk,
        choice={"channels": ["email", "letter"], "email": EMAIL, "phone": PHONE, "postal_address": ADDRESS},
    )
    past = book_appointment(
        actor=member, slot_id=open_slot(world.heart_role).pk, visit_reason="chest-pain", insurance_plan="aetna-hmo"
    )
    set_visit_status(actor=world.doctor_user, public_id=str(past.public_id), status="completed")
    coming = book_appointment(
        actor=member, slot_id=open_slot(world.heart_role, index=3).pk, visit_reason="chest-pain", insurance_plan=None
    )
    disclose_visit_history(
        actor_user_id=None,
        recipient=Recipient.practitioner(world.heart_doctor.pk, "Dr. Ada Hart"),
        purpose="treatment",
        member_id=member.pk,
    )
    sign_authorization(
        actor=member,
        recipient_ref=f"practitioner:{world.heart_doctor.pk}",
        recipient_label="Dr. Ada Hart",
        purposes=["treatment"],
        categories=["medical"],
        tags=[],
        information=WORDS,
        signed_name=SIGNED,
        explicit_consent=True,
        expires_at=timezone.now() + dt.timedelta(days=90),
    )
    ask_for_amendment(
        actor=member,
        record=f"booking:{past.public_id}:reason",
        proposed="acne",
        why=WORDS,
        signed_name=SIGNED,
        consent=True,
    )
    file_request(actor=member, kind="access", text=WORDS, signed_name=SIGNED, consent=True)
    for _ in range(2):
        Client().force_login(member)
    key = Vault.open_for(member.pk)._key
    return Seeded(member, member.public_id, key, [past.pk, coming.pk])


def tables() -> list[str]:
    with connection.cursor() as cursor:
        return [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]


def rows_of(table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return [c[0] for c in cursor.description], cursor.fetchall()


def as_text(value: object) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).decode("latin-1")
    return "" if value is None else str(value)


def user_columns(table: str) -> set[str]:
    """Columns that hold an account's id: foreign keys to users, and the rooms' plain id columns."""
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
    named = {column for column, (_, to_table) in relations.items() if to_table == User._meta.db_table}
    columns, _ = rows_of(table)
    return named | {c for c in columns if c.endswith(("member_id", "user_id", "_by_id")) or c == "user_id"}


def visit_keys(pks: list[int]) -> tuple[set[str], dict[str, set[object]]]:
    """What ties a row to one of the visits now: their public ids as text, and the ids that
    foreign keys to appointments and slots hold."""
    visits = Appointment.objects.filter(pk__in=pks)
    texts = {str(a.public_id) for a in visits} | {a.public_id.hex for a in visits}
    # An event's details name a booked slot as {"slot": 12}; a hold as slot:12.
    texts |= {f'"slot": {a.slot_id}' for a in visits} | {f"slot:{a.slot_id}" for a in visits}
    fks = {
        Appointment._meta.db_table: {a.pk for a in visits},
        "scheduling_slot": {a.slot_id for a in visits},
    }
    return texts, fks


def links_to_a_visit(table: str, columns: list[str], row: tuple[object, ...], texts: set[str], fks) -> bool:
    if table == Appointment._meta.db_table and row[columns.index("id")] in fks[table]:
        return True
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
    for column, (_, to_table) in relations.items():
        if to_table in fks and row[columns.index(column)] in fks[to_table]:
            return True
    joined = " ".join(as_text(v) for v in row)
    return any(re.search(re.escape(text) + r"(?!\d)", joined) for text in texts)


@pytest.mark.django_db
def test_a_shredded_member_leaves_nothing_that_names_or_links_them(world) -> None:
    """PI-3, CHILD-2: after shredding, every text and binary column of every table is free of the
    member's values and ids, no row ties their account to a visit, and their key opens nothing."""
    seeded = seed_a_rich_member(world)
    member_id = seeded.member.pk
    # The seed reached every room the scan reads; otherwise the scan below would prove nothing.
    assert AuditEvent.objects.filter(member_id=member_id).count() >= 4
    assert ledger_checks.verify().ok
    before = "\n".join(as_text(v) for t in tables() for _, rows in [rows_of(t)] for r in rows for v in r)
    assert str(seeded.public_id) in before or seeded.public_id.hex in before

    shred_member(member=seeded.member, actor=officer(), reason="child_under_13")

    texts, fks = visit_keys(seeded.appointment_pks)
    assert Appointment.objects.filter(pk__in=seeded.appointment_pks).count() == 2, "the practice keeps its visits"
    found: list[str] = []
    for table in tables():
        columns, rows = rows_of(table)
        ids = user_columns(table)
        for row in rows:
            cells = {c: as_text(v) for c, v in zip(columns, row, strict=True)}
            for value in PERSONAL:
                for column, text in cells.items():
                    if value.lower() in text.lower():
                        found.append(f"{table}.{column} holds {value!r}")
            for column, text in cells.items():
                if str(seeded.public_id) in text or seeded.public_id.hex in text:
                    found.append(f"{table}.{column} holds the account's public id")
            if any(row[columns.index(c)] == member_id for c in ids) and links_to_a_visit(
                table, columns, row, texts, fks
            ):
                found.append(f"{table} row {row[0]!r} ties the account to a visit")
    assert found == []
    # Nothing sealed of theirs can be opened: no key in the database is theirs any more.
    ring = key_ring()
    assert not MemberKey.objects.filter(member_id=member_id).exists()
    for kek_id, wrapped in MemberKey.objects.values_list("kek_id", "wrapped"):
        assert crypto.unwrap(ring, kek_id, wrapped) != seeded.data_key
    with pytest.raises(crypto.Unreadable):
        Vault.open_for(member_id)
    # Every session is over, and the hash chain of what was disclosed still verifies.
    assert all(str(s.get_decoded().get("_auth_user_id")) != str(member_id) for s in Session.objects.all())
    assert ledger_checks.verify().ok
    account = User.objects.get(pk=member_id)
    assert (account.is_active, account.has_usable_password(), account.display_name) == (False, False, "")


@pytest.mark.django_db
def test_the_practice_keeps_the_visit_but_not_who_came(world) -> None:
    """CHILD-2: the completed visit stays on the calendar, the coming one is cancelled and its time
    reopened, and both belong to a pseudonymous account that cannot sign in."""
    seeded = seed_a_rich_member(world)
    past, coming = (Appointment.objects.get(pk=pk) for pk in seeded.appointment_pks)
    old_ids = {past.public_id, coming.public_id}
    shred_member(member=seeded.member, actor=officer(), reason="child_under_13")
    past.refresh_from_db()
    coming.refresh_from_db()
    assert (past.status, coming.status) == ("completed", "cancelled")
    assert past.member_id == coming.member_id != seeded.member.pk
    assert {past.public_id, coming.public_id}.isdisjoint(old_ids)
    assert coming.slot.is_open
    pseudonym = User.objects.get(pk=past.member_id)
    assert not pseudonym.is_active and not pseudonym.has_usable_password()
    assert not hasattr(pseudonym, "member") or pseudonym.member is None


@pytest.mark.django_db
def test_the_office_log_shows_the_shredding_without_the_member(world) -> None:
    """CHILD-2: one event says an account was shredded and why; it names no member, and the
    member's earlier events keep only their kind and time."""
    seeded = seed_a_rich_member(world)
    kinds_before = sorted(AuditEvent.objects.filter(member_id=seeded.member.pk).values_list("action", flat=True))
    case = shred_member(member=seeded.member, actor=officer(), reason="child_under_13")
    event = AuditEvent.objects.get(action="account.shredded")
    assert (event.member_id, event.subject_ref) == (None, f"shredding:{case.public_id}")
    assert event.details["reason"] == "child_under_13"
    assert not AuditEvent.objects.filter(member_id=seeded.member.pk).exists()
    shredded = AuditEvent.objects.filter(subject_ref="shredded")
    assert sorted(shredded.filter(action__in=kinds_before).values_list("action", flat=True)) == kinds_before
    assert all(e.details == {} for e in shredded)


@pytest.mark.django_db
def test_shredding_twice_changes_nothing_the_second_time(world) -> None:
    """PI-3: a second shredding of the same account finds no member and leaves everything as it was."""
    from indigomed.errors import NotFound
    from indigomed.rights.models import Shredding

    seeded = seed_a_rich_member(world)
    shred_member(member=seeded.member, actor=officer(), reason="erasure")
    events = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        shred_member(member=User.objects.get(pk=seeded.member.pk), actor=None, reason="erasure")
    assert (AuditEvent.objects.count(), Shredding.objects.count()) == (events, 1)


@pytest.mark.django_db
def test_an_audit_event_can_only_be_made_anonymous_never_rewritten(world) -> None:
    """PI-3: the database lets shredding drop an event's references, and refuses any other change."""
    from django.db import DatabaseError, transaction

    seeded = seed_a_rich_member(world)
    event = AuditEvent.objects.filter(member_id=seeded.member.pk).first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="booking.cancelled")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(member_id=None, subject_ref="shredded", details={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).update(member_id=None, subject_ref="shredded", details={}) == 1
