"""CHILD-3: "who saw my information" names a guardian's reads for whoever reads the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Guardianship
from indigomed.security.models import AccessLogEntry
from tests.french import french_client

pytestmark = pytest.mark.django_db


def test_the_guardian_reads_as_guardian_and_the_dependent_later_sees_their_guardians_first_name(
    world, member_client
) -> None:
    today = timezone.localdate()
    child = add_dependent(
        actor=world.member, name="Lou Member", date_of_birth=dt.date(today.year - 9, 3, 1), country="US"
    ).dependent
    assert member_client.post(f"/me/dependents/{child.public_id}/act").status_code == 302
    assert member_client.get("/me/").status_code == 200  # the guardian reads the child's profile
    entry = AccessLogEntry.objects.filter(member_id=child.pk, purpose="own access").latest("pk")
    assert (entry.actor_user_id, entry.recipient_ref) == (world.member.pk, f"guardian:{world.member.pk}")
    page = member_client.get("/me/privacy/").content.decode()
    assert "You (as guardian)" in page
    assert ">You<" not in page
    # The child takes over their account (the guardianship ends) and reads their own page.
    Guardianship.objects.filter(dependent=child).update(ended_at=timezone.now(), end_reason="took_over")
    own = Client()
    own.force_login(child)
    assert own.get("/me/").status_code == 200
    page = own.get("/me/privacy/").content.decode()
    assert "Pat (your guardian)" in page
    assert "You (as guardian)" not in page
    # Their own reads are still "You".
    assert ">You<" in page


def test_a_french_guardian_reads_their_label_in_french(world, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    member_client = french_client(world.member)
    today = timezone.localdate()
    child = add_dependent(
        actor=world.member, name="Zoé Martin", date_of_birth=dt.date(today.year - 9, 3, 1), country="FR"
    ).dependent
    member_client.post(f"/me/dependents/{child.public_id}/act")
    member_client.get("/me/")
    page = member_client.get("/me/privacy/").content.decode()
    assert "Vous (en tant que tuteur)" in page
