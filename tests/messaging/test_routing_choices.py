"""RIGHT-CONFCOMM: a member's stored choice of ways to be written to, read back exactly, and the
way each message then takes — the first allowed one with somewhere to go, or none at all."""

from __future__ import annotations

from indigomed.messaging.routing import Choice, Route, route

HOME = "12 Elm Street, Brooklyn NY 11201"


def test_with_no_choice_made_messages_go_by_email_to_the_sign_in_address() -> None:
    for stored in (None, {}):
        choice = Choice.from_stored(stored)
        assert choice == Choice(channels=("email",), reminders=True, minimal=False)
        assert route(choice, sign_in_address="pat@example.test") == Route("email", "pat@example.test")


def test_a_stored_choice_is_read_back_as_it_was_made_and_unknown_ways_are_dropped() -> None:
    stored = {"channels": ["letter", "pigeon", "sms"], "phone": "+12125550100", "postal_address": HOME}
    choice = Choice.from_stored(stored)
    assert choice.channels == ("letter", "sms")
    assert (choice.email, choice.phone, choice.postal_address) == (None, "+12125550100", HOME)
    assert (choice.reminders, choice.minimal) == (True, False)  # not said: reminders on, full messages
    assert Choice.from_stored(choice.stored()) == choice
    quiet = Choice.from_stored({"channels": ["email"], "reminders": False, "minimal": True, "email": ""})
    assert (quiet.reminders, quiet.minimal, quiet.email) == (False, True, None)


def test_the_first_allowed_way_with_an_address_is_taken() -> None:
    """A text is sent only to the number chosen for texts; a letter only to the address chosen for post."""
    no_phone = Choice(channels=("sms", "letter"), postal_address=HOME)
    assert route(no_phone, sign_in_address="pat@example.test") == Route("letter", HOME)
    texts = Choice(channels=("sms", "letter"), phone="+12125550100", postal_address=HOME)
    assert route(texts, sign_in_address=None) == Route("sms", "+12125550100")
    chosen_email = Choice(channels=("email",), email="private@example.test")
    assert route(chosen_email, sign_in_address="pat@example.test") == Route("email", "private@example.test")


def test_with_no_allowed_way_to_reach_the_member_the_message_is_held_not_sent_another_way() -> None:
    assert route(Choice(channels=("sms", "letter")), sign_in_address="pat@example.test") is None
    assert route(Choice(channels=("email",)), sign_in_address=None) is None
    assert route(Choice(channels=()), sign_in_address="pat@example.test") is None
