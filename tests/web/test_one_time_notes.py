"""The one-time notes a page shows after a form ("You are signed in."): made only when a page uses
them, they still wait through any number of API calls and show once, on the next page."""

from __future__ import annotations

from django.test import Client

from tests.conftest import PASSWORD, address_of, make_user

SIGNED_IN = "You are signed in."


def test_the_note_of_a_sign_in_waits_through_api_calls_and_shows_once_on_the_next_page(db: None) -> None:
    member = make_user("noted.member@example.test", member=True)
    browser = Client()
    signed_in = browser.post("/accounts/login/", {"login": address_of(member), "password": PASSWORD})
    assert signed_in.status_code == 302

    for _ in range(2):
        answer = browser.get("/api/appointments")
        assert answer.status_code == 200
        assert SIGNED_IN not in answer.content.decode()

    assert SIGNED_IN in browser.get(signed_in["Location"]).content.decode()
    assert SIGNED_IN not in browser.get(signed_in["Location"]).content.decode()


def test_an_api_answer_sets_no_cookie_for_notes_it_never_used(member_client: Client) -> None:
    answer = member_client.get("/api/appointments")
    assert answer.status_code == 200
    assert "messages" not in answer.cookies
