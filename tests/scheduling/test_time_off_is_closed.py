"""BOOK-1 and BOOK-2: a time the practice took off cannot be booked, however the booking is tried."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from indigomed.scheduling import booking_store
from indigomed.scheduling.models import Appointment, Slot
from tests.scheduling.helpers import calendar_snapshot, open_slot

API = "/api/appointments"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book(client: Client, slot: Slot):
    body = {"slot_id": slot.pk, "visit_reason": "chest-pain", "insurance_plan": "aetna-hmo"}
    return client.post(API, json.dumps(body), content_type="application/json")


def take_time_off(world, slot: Slot) -> None:
    response = client_for(world.staff_user).post(
        f"/api/connect/roles/{slot.role_id}/time-off",
        json.dumps({"starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def appointment_fields(slot: Slot, **extra) -> dict:
    return dict(
        slot=slot,
        role=slot.role,
        visit_type=slot.visit_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        **extra,
    )


def test_a_slot_closed_for_time_off_cannot_be_booked_over_the_api(world, member_client) -> None:
    """BOOK-1, BOOK-2: guessing the id of a slot inside time off books nothing."""
    slot = open_slot(world.heart_role, index=1)
    take_time_off(world, slot)
    before = calendar_snapshot()
    response = book(member_client, slot)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_closed"
    assert "closed at that time" in body["detail"]
    assert all(s["id"] != slot.pk for s in body["next_slots"])
    assert calendar_snapshot() == before


def test_a_slot_closed_for_time_off_cannot_be_booked_on_the_page(world, member_client) -> None:
    """BOOK-1, BOOK-2"""
    slot = open_slot(world.heart_role, index=1)
    take_time_off(world, slot)
    before = calendar_snapshot()
    response = member_client.post(f"/book/{slot.pk}/", {"visit_reason": "chest-pain", "insurance_plan": ""})
    assert response.status_code == 409
    assert "the practice is closed at that time" in response.content.decode()
    assert calendar_snapshot() == before


def test_a_slot_closed_for_time_off_cannot_be_booked_even_bypassing_the_check(
    world, member_client, monkeypatch
) -> None:
    """BOOK-2: the database refuses it, as it refuses a double booking, when the Python check is skipped."""
    slot = open_slot(world.heart_role, index=1)
    take_time_off(world, slot)
    load = booking_store.load_context

    def unchecked(**kwargs):
        context = load(**kwargs)
        return context and dataclasses.replace(context, slot_closed_for_time_off=False)

    monkeypatch.setattr(booking_store, "load_context", unchecked)
    before = calendar_snapshot()
    response = book(member_client, slot)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert "no longer available" in response.json()["detail"]
    assert calendar_snapshot() == before

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(member=world.member, **appointment_fields(slot))
    assert calendar_snapshot() == before


def test_a_cancelled_appointment_inside_later_time_off_cannot_be_reactivated(world) -> None:
    """BOOK-2: the database refuses to put an appointment back on a slot that time off closed."""
    slot = open_slot(world.heart_role, index=1)
    appointment = Appointment.objects.create(
        member=world.member, **appointment_fields(slot, status=Appointment.Status.CANCELLED)
    )
    take_time_off(world, slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.BOOKED)
    other = open_slot(world.heart_role, index=0)
    booked = Appointment.objects.create(member=world.member, **appointment_fields(other))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=booked.pk).update(slot=slot)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELLED
    assert Appointment.objects.get(pk=booked.pk).slot_id == other.pk


def test_a_visit_booked_before_time_off_still_moves_through_its_lifecycle(world, member_client) -> None:
    """BOOK-4: time off added after a booking leaves the booking and its check-in alone."""
    slot = open_slot(world.heart_role, index=1)
    public_id = book(member_client, slot).json()["id"]
    take_time_off(world, slot)
    response = client_for(world.doctor_user).post(
        f"/api/connect/appointments/{public_id}/status",
        json.dumps({"status": "checked_in"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Appointment.objects.get(public_id=public_id).status == Appointment.Status.CHECKED_IN


def test_cancelling_a_booking_inside_later_time_off_keeps_the_slot_closed(world, member_client) -> None:
    """BOOK-1, BOOK-3: the freed time is still time off, so nobody else can take it."""
    slot = open_slot(world.heart_role, index=1)
    public_id = book(member_client, slot).json()["id"]
    take_time_off(world, slot)
    response = member_client.post(f"{API}/{public_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    slot.refresh_from_db()
    assert slot.is_open is False
    window = {"start": slot.starts_at.isoformat(), "end": (slot.ends_at + dt.timedelta(hours=1)).isoformat()}
    listed = Client().get(f"/api/roles/{slot.role_id}/slots", window).json()
    assert slot.pk not in [s["id"] for s in listed]
    before = calendar_snapshot()
    again = book(client_for(world.other_member), slot)
    assert again.status_code == 409
    assert again.json()["code"] == "slot_closed"
    assert calendar_snapshot() == before


def test_cancelling_outside_time_off_reopens_the_slot(world, member_client) -> None:
    """BOOK-3: the time is free for someone else again."""
    slot = open_slot(world.heart_role, index=1)
    public_id = book(member_client, slot).json()["id"]
    assert member_client.post(f"{API}/{public_id}/cancel").status_code == 200
    slot.refresh_from_db()
    assert slot.is_open is True
    assert book(client_for(world.other_member), slot).status_code == 201


def test_moving_an_appointment_into_time_off_is_refused_and_the_booking_stands(world, member_client) -> None:
    """BOOK-3: the move is refused as a booking would be, and the original time is kept."""
    first = open_slot(world.heart_role, index=1)
    public_id = book(member_client, first).json()["id"]
    closed = open_slot(world.heart_role, index=4)
    take_time_off(world, closed)
    before = calendar_snapshot()
    response = member_client.post(
        f"{API}/{public_id}/reschedule", json.dumps({"slot_id": closed.pk}), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_closed"
    assert calendar_snapshot() == before
    assert Appointment.objects.get(public_id=public_id).status == Appointment.Status.BOOKED
