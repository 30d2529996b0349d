"""Members in New York and Paris, two privacy officers, an outsider, and a clock the test sets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.rights import services
from indigomed.rights.models import Request
from tests.conftest import make_user

# A Monday morning, far from any change of clocks in New York or Paris.
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class Clock:
    """``timezone.now()`` for the whole test, moved by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(START)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@dataclass
class Desk:
    new_york: User
    paris: User
    officer: User
    second_officer: User
    outsider: User


@pytest.fixture
def desk(db: None) -> Desk:
    officer = make_user("olive.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    second = make_user("sam.second@example.test")
    PrivacyOfficer.objects.create(user=second)
    return Desk(
        new_york=make_user("ny.member@example.test", member=True, country="US", region="NY"),
        paris=make_user("paris.member@example.test", member=True, country="FR"),
        officer=officer,
        second_officer=second,
        outsider=make_user("outsider.person@example.test"),
    )


def signed(member: User, kind: str, text: str = "Please send me what the law lets me have.") -> Request:
    """A request the member signs online."""
    return services.file_request(actor=member, kind=kind, text=text, signed_name="Pat Example Member", consent=True)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
