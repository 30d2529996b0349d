"""A refusal a service raises reaches the person the same way on every page: flashed where they are
sent back, on the form they sent, or as the site's own error page for its kind (SEC-1: an outsider
learns nothing more than "not found")."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from indigomed.errors import Conflict, Forbidden, Invalid, NotFound
from indigomed.scheduling.services import book_appointment
from indigomed.web.feedback import flashed, on_form
from tests.conftest import PASSWORD, address_of
from tests.web.test_error_pages import assert_site_page

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=address_of(user), password=PASSWORD)
    return client


def test_another_members_appointment_is_the_sites_not_found_page(world) -> None:
    slot = world.heart_role.slots.filter(is_open=True).order_by("starts_at").first()
    booked = book_appointment(actor=world.member, slot_id=slot.pk, visit_reason="chest-pain", insurance_plan=None)
    other = signed_in(world.other_member)
    for path in (
        reverse("appointment", args=[booked.public_id]),
        reverse("appointment_ics", args=[booked.public_id]),
    ):
        assert_site_page(other.get(path), 404, "Page not found")
    refused = other.post(reverse("cancel_appointment", args=[booked.public_id]))
    assert_site_page(refused, 404, "Page not found")
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_a_refused_action_is_flashed_on_the_page_the_person_lands_on(world) -> None:
    member = signed_in(world.member)
    answer = member.post(reverse("my_revoke", args=["00000000-0000-0000-0000-000000000000"]))
    assert (answer.status_code, answer["Location"]) == (302, reverse("my_privacy"))
    assert [str(m) for m in get_messages(answer.wsgi_request)] == ["We could not find that authorization."]


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_only_refusals_are_answered_and_everything_else_still_fails_loudly() -> None:
    request = _request()
    with flashed(request) as attempt:
        raise Conflict("That time was just taken.")
    assert [str(m) for m in get_messages(request)] == ["That time was just taken."]
    assert attempt.status == 409
    with pytest.raises(ZeroDivisionError), flashed(request):
        _ = 1 / 0
    with flashed(request) as quiet:
        pass
    assert quiet.refusal is None and quiet.status == 200


class Postal(forms.Form):
    postal_code = forms.CharField()


def test_a_refusal_naming_a_field_is_shown_beside_it_and_any_other_above_the_form() -> None:
    form = Postal({"postal_code": "00000"})
    assert form.is_valid()
    with on_form(form) as attempt:
        raise Invalid("We do not know that postal code.", field="postal_code")
    assert form.errors["postal_code"] == ["We do not know that postal code."]
    assert attempt.status == 400
    other = Postal({"postal_code": "10016"})
    other.is_valid()
    with on_form(other):
        raise Forbidden("Searching is paused.", field="nonexistent")
    assert other.non_field_errors() == ["Searching is paused."]


@pytest.mark.parametrize(
    ("refusal", "status", "heading"),
    [
        (NotFound("We could not find that appointment."), 404, "Page not found"),
        (Forbidden("Only members can do that."), 403, "Not allowed"),
        (Invalid("That date is not a date."), 400, "Bad request"),
    ],
)
def test_a_refusal_escaping_a_page_is_the_sites_page_for_its_kind(world, monkeypatch, refusal, status, heading) -> None:
    def refuse(slug: str) -> HttpResponse:
        raise refusal

    monkeypatch.setattr("indigomed.directory.views.practitioner_profile", refuse)
    response = Client(raise_request_exception=False).get(f"/practitioners/{world.heart_doctor.slug}/")
    assert_site_page(response, status, heading)
    assert refusal.message not in response.content.decode()
