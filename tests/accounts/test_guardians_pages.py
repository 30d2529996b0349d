"""CHILD-3: the guardian's page adds a dependent, and refuses bad input with a message, storing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indigomed.accounts.forms import REFUSAL
from indigomed.accounts.models import Guardianship

pytestmark = pytest.mark.django_db


def _years_ago(years: int) -> str:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def test_a_member_adds_their_child_from_their_page(member_client, world) -> None:
    """CHILD-3: the page adds the child and lists them, without filing anything under the parent."""
    answer = member_client.post(
        "/me/dependents/", {"name": "Lou Member", "date_of_birth": _years_ago(6), "country": "US"}, follow=True
    )
    assert answer.status_code == 200
    assert "Your child" in answer.content.decode()
    guardianship = Guardianship.objects.get()
    assert guardianship.guardian == world.member and guardianship.dependent != world.member


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Sam Ward", "date_of_birth": _years_ago(40), "country": "US"},
        {"name": "Lou", "date_of_birth": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "country": "US"},
        {"name": "Lou", "date_of_birth": "0001-01-01", "country": "US"},
    ],
    ids=["adult without document", "future", "year one"],
)
def test_bad_input_is_refused_with_a_message(member_client, data) -> None:
    """CHILD-3: an adult without the document, a future or year-1 birth date: 400, nothing stored."""
    answer = member_client.post("/me/dependents/", data)
    assert answer.status_code == 400
    assert not Guardianship.objects.exists()


def test_an_adult_ward_with_a_document_that_is_not_a_scan_is_refused(member_client) -> None:
    """CHILD-3: the document's type is read from its bytes; an executable named .pdf is refused."""
    upload = SimpleUploadedFile("order.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    data = {"name": "Sam Ward", "date_of_birth": _years_ago(40), "country": "US", "document": upload}
    answer = member_client.post("/me/dependents/", data)
    assert answer.status_code == 400
    assert "PDF, PNG or JPEG" in answer.content.decode()
    assert not Guardianship.objects.exists()


def test_outsiders_cannot_use_the_page(client) -> None:
    """CHILD-3: someone not signed in is sent to sign in."""
    assert client.get("/me/dependents/").status_code == 302


def test_the_sign_up_refusal_points_to_dependents_truthfully() -> None:
    """CHILD-1, CHILD-3: the refusal says a parent adds the child as a dependent; care stays the child's."""
    assert "dependent" in REFUSAL and "book care for you" not in REFUSAL
