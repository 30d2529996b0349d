"""CHILD-2: the office reading its pages in French is told in French why an account cannot be
closed (the refusal came in English)."""

from __future__ import annotations

import html

import pytest

from indigomed.accounts.models import User
from indigomed.rights.models import Shredding
from tests.privacy.amending import officer, signed_in

pytestmark = pytest.mark.django_db


def test_closing_an_account_that_is_no_members_says_why_in_french(world) -> None:
    office = signed_in(officer())
    response = office.post(
        "/office/closed-accounts/",
        {"member_email": "outsider@example.test", "basis": "parent_said", "write_to": "member", "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 404
    assert "Aucun membre n'a ce compte." in html.unescape(response.content.decode())
    assert not Shredding.objects.exists() and User.objects.get(pk=world.outsider.pk).is_active
