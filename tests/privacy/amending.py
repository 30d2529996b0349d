"""What the amendment and restriction tests share: the privacy office, a booking with the world's
cardiologist, the practice's calendar as each of its people reads it, a frozen clock, the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

from django.test import Client

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.messaging.models import Message
from indigomed.privacy.models import Restriction
from indigomed.records.models import Amendment
from indigomed.rights.amendment import answer_amendment, ask_for_amendment
from indigomed.rights.models import Request
from indigomed.rights.restriction import ask_for_restriction
from indigomed.scheduling.models import Appointment
from indigomed.scheduling.services import book_appointment
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot

SIGNED = {"signed_name": "Pat Example Member", "explicit_consent": "on"}


@contextmanager
def frozen(at: dt.datetime) -> Iterator[dt.datetime]:
    """Every ``timezone.now()`` (and so every local date) reads ``at`` inside the block."""
    with patch("django.utils.timezone.now", return_value=at):
        yield at


def officer() -> User:
    user = make_user("privacy.olga@example.test")
    PrivacyOfficer.objects.create(user=user)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book(world, member: User | None = None, *, index: int = 0, plan: str | None = "aetna-hmo") -> Appointment:
    """A booking with the cardiologist for chest pain, paid by the member's Aetna HMO."""
    return book_appointment(
        actor=member or world.member,
        slot_id=open_slot(world.heart_role, index=index).pk,
        visit_reason="chest-pain",
        insurance_plan=plan,
    )


def calendar_page(user: User, appointment: Appointment) -> str:
    """Connect's day page holding the appointment, as ``user`` sees it."""
    day = appointment.starts_at.date().isoformat()
    response = signed_in(user).get("/connect/", {"day": day})
    assert response.status_code == 200
    return response.content.decode()


def row_cell(page: str, appointment: Appointment, label: str) -> str:
    """The text of one cell (by its ``data-label``) of the appointment's row on a calendar page."""
    row = page.split(f'data-appointment="{appointment.public_id}"', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-label="{label}"', 1)[1].split("</td>", 1)[0]


def ask_to_amend(member: User, record: str, proposed: str, why: str = "The record is wrong about this.") -> Amendment:
    """The member's signed request on the desk, and the amendment it asks for."""
    request = ask_for_amendment(
        actor=member, record=record, proposed=proposed, why=why, signed_name="Pat Example Member", consent=True
    )
    return Amendment.objects.get(request_public_id=request.public_id)


def accept(office: User, amendment: Amendment) -> Request:
    return answer_amendment(officer=office, public_id=str(amendment.public_id), accept=True)


def deny(office: User, amendment: Amendment, explanation: str = "The record is as it was made.") -> Request:
    return answer_amendment(
        officer=office, public_id=str(amendment.public_id), accept=False, basis="accurate", explanation=explanation
    )


def ask_to_restrict(member: User, **fields) -> Restriction:
    """The member's signed restriction: a request on the desk unless the law accepts it at once."""
    given = {
        "categories": ["insurance"],
        "purposes": ["treatment"],
        "limits": "both",
        "recipient_ref": "",
        "paid_in_full": False,
        "signed_name": "Pat Example Member",
        "consent": True,
        **fields,
    }
    return ask_for_restriction(actor=member, **given)


def messages_to(user_id: int, kind: str) -> list[Message]:
    return list(Message.objects.filter(member_id=user_id, kind=kind))
