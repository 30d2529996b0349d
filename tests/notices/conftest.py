from __future__ import annotations

import datetime as dt

import pytest

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.notices.services import publish_notice_version
from tests.conftest import make_user

NOTICE_EN = "## Your rights\n\nWe answer within {{ policy.accounting_answer_days }} days.\n\n[A map](https://maps.example.test/)"
NOTICE_FR = "## Vos droits\n\nNous répondons sous {{ policy.accounting_answer_days }} jours."


@pytest.fixture
def officer(world) -> User:
    user = make_user("notice.officer@example.test")
    PrivacyOfficer.objects.create(user=user)
    return user


def publish(officer: User, *, kind: str = "privacy", on: dt.date = dt.date(2026, 1, 1), **texts: str):
    values = {
        "body_en": NOTICE_EN,
        "body_fr": NOTICE_FR,
        "changes_en": "Section 3 is new.",
        "changes_fr": "La section 3 est nouvelle.",
    }
    values.update(texts)
    return publish_notice_version(actor=officer, kind=kind, effective_on=on, **values)
