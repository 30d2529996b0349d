"""SEC-1, no account enumeration: signing up with an address that already has an account answers
like a new one and does the same work (password hashes, seals, opens, e-mails), keeping nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from indigomed.accounts.models import Member, User
from indigomed.records import crypto
from tests.accounts.test_signup import sign_up, years_ago
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(monkeypatch) -> Counter[str]:
    """Counts the expensive steps of a sign-up: password hashes, seals (encryptions) and opens."""
    counts: Counter[str] = Counter()

    def counted(name: str, real):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted("hash", MD5PasswordHasher.encode))
    monkeypatch.setattr(crypto, "_seal", counted("seal", crypto._seal))
    monkeypatch.setattr(crypto, "_open", counted("open", crypto._open))
    return counts


def rows() -> tuple[int, int, int]:
    return User.objects.count(), Member.objects.count(), EmailAddress.objects.count()


def test_sign_up_for_a_known_and_a_new_address_does_the_same_work(work) -> None:
    """SEC-1"""
    make_user("taken@example.test", member=True)
    before = rows()
    work.clear()

    known = sign_up(Client(), "taken@example.test", years_ago(30).isoformat())
    known_work, known_mail = dict(work), len(mail.outbox)
    assert rows() == before, "nothing is kept for an address that has an account"
    work.clear()

    new = sign_up(Client(), "fresh@example.test", years_ago(30).isoformat())
    new_work, new_mail = dict(work), len(mail.outbox) - known_mail

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert known_work["hash"] >= 1 and known_work["seal"] >= 3
    assert known_work == new_work
    assert known_mail == new_mail == 1
    assert rows() == (before[0] + 1, before[1] + 1, before[2] + 1)
