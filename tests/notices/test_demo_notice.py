"""The shipped demo notice and Terms: written for IndigoMed in both languages, two versions each,
every number taken from the policy file."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from indigomed.demo.notices import seed_notices
from indigomed.notices.models import NoticeVersion
from indigomed.notices.queries import to_acknowledge
from indigomed.notices.text import PLACEHOLDER
from tests.conftest import PASSWORD, address_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": address_of(user), "password": PASSWORD})
    return client


def test_the_demo_publishes_two_versions_whose_numbers_all_come_from_the_policy(world, officer, capsys) -> None:
    seed_notices(officer=officer, member_email=address_of(world.member))
    assert sorted(NoticeVersion.objects.values_list("kind", "number")) == [
        ("privacy", 1),
        ("privacy", 2),
        ("terms", 1),
        ("terms", 2),
    ]
    call_command("check_notice")  # raises if a typed number differs from the policy
    assert "states no number the policy file does not hold" in capsys.readouterr().out
    current = NoticeVersion.objects.get(kind="privacy", number=2)
    assert "## 14." in current.body_en and "## 14." not in NoticeVersion.objects.get(kind="privacy", number=1).body_en
    for text in (current.body_en, current.body_fr):
        assert "{{ policy.accounting_answer_days }}" in text and "{{ operator.registration }}" in text
    page = Client().get("/privacy/").content.decode()
    assert not PLACEHOLDER.search(page) and "Links to other sites" in page
    assert "Liens vers d" in Client().get("/terms/?lang=fr").content.decode()
    assert to_acknowledge(world.member) == current  # accepted version 1, not yet version 2
    assert 'href="/privacy/changes/">Read what changed' in signed_in(world.member).get("/privacy/").content.decode()
    assert signed_in(world.other_member).get("/appointments/").status_code == 302  # asked at sign-in
