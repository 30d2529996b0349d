"""Partners' personas: the New York clinic's HCF admin, the Paris clinic's, and helpers to act as them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.directory.models import FacilityStaff
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.scheduling.models import Appointment, AvailabilityRule, Slot, VisitType
from indigomed.security.models import AuditEvent
from tests.conftest import make_user

LINK = re.compile(r"https?://\S+/partners/invitations/[^/\s]+/")


@pytest.fixture
def ny_admin(world) -> User:
    user = make_user("nora.admin@example.test")
    FacilityStaff.objects.create(user=user, facility=world.ny_clinic, role=FacilityStaff.Role.ADMIN)
    return user


@pytest.fixture
def paris_admin(world) -> User:
    user = make_user("paul.admin@example.test")
    FacilityStaff.objects.create(user=user, facility=world.paris_clinic, role=FacilityStaff.Role.ADMIN)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(action: str | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.order_by("pk")
    return list(found.filter(action=action) if action else found)


def invitation_link(address: str) -> str:
    """The link the latest invitation e-mailed to ``address`` carries, once the outbox delivered it."""
    deliver_until_idle(now=timezone.now())
    message = [m for m in mail.outbox if address in m.to][-1]
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0)


def calendar_state() -> tuple:
    """What a refused change must leave as it was: rules, visit types, slots and bookings."""
    return (
        list(AvailabilityRule.objects.order_by("pk").values_list("pk", "weekday", "start_time", "end_time")),
        list(VisitType.objects.order_by("pk").values_list("pk", "name", "duration_minutes", "is_active")),
        list(Slot.objects.order_by("pk").values_list("pk", "starts_at", "ends_at", "visit_type_id", "is_open")),
        list(Appointment.objects.order_by("pk").values_list("pk", "status", "slot_id")),
    )


ACCEPT = "/partners/invitations/open/"


def follow_link(client: Client, link: str) -> str:
    """Open an invitation's link as its reader would; the page it lands on carries no secret."""
    opened = client.get("/" + link.split("://", 1)[1].partition("/")[2])
    assert opened.status_code == 302 and opened["Location"] == ACCEPT
    return ACCEPT
