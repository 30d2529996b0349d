"""PI-3, MSG-1: the outbox holds references and sealed text; nobody reading its tables learns an
address, a name, a reason or what a message says."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.utils import timezone

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.scheduling.services import book_appointment
from tests.accounts.test_signup import sign_up, years_ago
from tests.conftest import address_of
from tests.messaging.codes import choose_checked
from tests.scheduling.helpers import open_slot


def outbox_tables_text() -> str:
    """Every column of every row of messaging's tables, as someone reading them would see it."""
    text = []
    with connection.cursor() as cursor:
        for table in ("messaging_message", "messaging_deliveryattempt", "messaging_marketingoptout"):
            cursor.execute(f"SELECT * FROM {table}")
            text.append(repr(cursor.fetchall()))
    return "\n".join(text).lower()


def test_the_outbox_keeps_no_address_name_reason_or_text_in_clear(world, smtp) -> None:
    """PI-3: what a message says, and where it goes, is sealed under the member's key."""
    choose_checked(actor=world.member, channels=["sms", "email"], phone="+1 212 555 0100")
    book_appointment(
        actor=world.member,
        slot_id=open_slot(world.heart_role, after_hours=120).pk,
        visit_reason="chest-pain",
        insurance_plan="aetna-hmo",
    )
    sign_up(
        Client(),
        "ado@example.test",
        years_ago(14).isoformat(),
        country="FR",
        full_name="Léa Martin",
        parent_email="parent.of.lea@example.test",
        own_consent="on",
    )
    deliver_until_idle(now=timezone.now())
    assert len(smtp.received) >= 1
    seen = outbox_tables_text()
    # The rows are there, by reference: what kind, about which appointment.
    assert "booking-confirmation" in seen and "parental-consent" in seen and "appointment:" in seen
    for secret in (
        address_of(world.member),
        "+12125550100",
        "pat member",
        "chest pain",
        "ada hart",
        "hudson clinic",
        "parent.of.lea",
        "léa martin",
        "is booked",
    ):
        assert secret not in seen, secret
