"""Many clients at once, over real HTTP: the race for one slot, and SQLite under mixed load."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from indigomed.scheduling.models import Appointment, Slot
from tests.conftest import make_user
from tests.http_clients import signed_in_session
from tests.scheduling.helpers import open_slot


def test_thirty_two_clients_race_for_one_slot_and_exactly_one_wins(transactional_db, world, live_server) -> None:
    """BOOK-2: one 201, thirty-one clear refusals, no 5xx, on PostgreSQL (CI's second run) and SQLite alike."""
    slot = open_slot(world.heart_role)
    sessions = [signed_in_session(make_user(f"racer{i}@example.test", member=True)) for i in range(32)]
    start = threading.Barrier(len(sessions))

    def attempt(session) -> tuple[int, dict]:
        start.wait()
        response = session.post(
            f"{live_server.url}/api/appointments",
            json={"slot_id": slot.pk, "visit_reason": "chest-pain", "insurance_plan": "aetna-hmo"},
            timeout=60,
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        outcomes = list(pool.map(attempt, sessions))

    statuses = Counter(status for status, _ in outcomes)
    assert statuses == {201: 1, 409: 31}, statuses
    refusals = [body for status, body in outcomes if status == 409]
    assert all(body["code"] == "slot_taken" and "no longer available" in body["detail"] for body in refusals)
    assert all(body["next_slots"] for body in refusals)
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_sixteen_clients_booking_and_browsing_at_once_never_see_a_lock_or_a_5xx(
    transactional_db, world, live_server
) -> None:
    """The embedded default holds up under concurrent writes (WAL, busy timeout, immediate writes)."""
    members = [make_user(f"busy{i}@example.test", member=True) for i in range(16)]
    sessions = [signed_in_session(m) for m in members]
    slot_ids = list(Slot.objects.filter(role=world.heart_role, is_open=True).values_list("pk", flat=True)[:40])
    start = threading.Barrier(len(sessions))
    base = live_server.url

    def work(index: int) -> list[tuple[int, str]]:
        session = sessions[index]
        rng = random.Random(index)
        seen: list[tuple[int, str]] = []
        start.wait()
        for _ in range(12):
            choice = rng.random()
            if choice < 0.45:
                r = session.post(
                    f"{base}/api/appointments",
                    json={"slot_id": rng.choice(slot_ids), "visit_reason": "chest-pain", "insurance_plan": None},
                    timeout=60,
                )
            elif choice < 0.6:
                mine = session.get(f"{base}/api/appointments", timeout=60).json()
                booked = [a for a in mine if a["status"] == "booked"]
                if booked:
                    r = session.post(f"{base}/api/appointments/{booked[0]['id']}/cancel", timeout=60)
                else:
                    r = session.get(f"{base}/appointments/", timeout=60)
            elif choice < 0.8:
                r = session.get(f"{base}/api/search", params={"postal_code": "10016"}, timeout=60)
            else:
                r = session.get(f"{base}/practitioners/ada-hart/", timeout=60)
            seen.append((r.status_code, r.text[:2000]))
        return seen

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        results = [item for batch in pool.map(work, range(len(sessions))) for item in batch]

    assert len(results) == 16 * 12
    assert not [s for s, _ in results if s >= 500]
    assert not [t for _, t in results if "locked" in t.lower()]
    assert {s for s, _ in results} <= {200, 201, 409}
    # Every booked slot is held by exactly one active appointment.
    held = Counter(Appointment.objects.exclude(status="cancelled").values_list("slot_id", flat=True))
    assert all(count == 1 for count in held.values())
    assert set(held) == set(Slot.objects.filter(pk__in=slot_ids, is_open=False).values_list("pk", flat=True))
