"""Writing to members goes through one room, which opens the sealed address, logs the use of the
member's contact data, and puts no one else's personal information in the message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client

from indigomed.accounts.models import Member
from indigomed.messaging.services import MEMBER_NAME, send_to_address, send_to_member, send_to_members
from indigomed.records.services import shred_member_data
from indigomed.records.sign_in_keys import sign_in_key
from indigomed.security.models import AccessLogEntry
from tests.accounts.test_signup import sign_up
from tests.conftest import address_of

CHILD_ADDRESS = "Lea.Martin-2012@example.test"
CHILD_BIRTH = dt.date(dt.date.today().year - 14, 3, 9)


def access_log_text() -> str:
    """Every column of every access-log row, as someone reading the table would see it."""
    return repr(list(AccessLogEntry.objects.values_list())).lower()


@pytest.mark.django_db
def test_the_parents_consent_request_names_the_child_and_carries_nothing_else_of_theirs(
    django_capture_on_commit_callbacks,
) -> None:
    """PI-3, USE-3: the parent learns who named them by the name given at sign-up; the child's
    address, date of birth and anything else of theirs stay sealed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(
            Client(),
            CHILD_ADDRESS,
            CHILD_BIRTH.isoformat(),
            full_name="Léa Martin",
            country="FR",
            parent_email="parent.of.lea@example.test",
            own_consent="on",
        )
    assert response.status_code == 302
    [to_parent] = [m for m in mail.outbox if m.to == ["parent.of.lea@example.test"]]
    text = f"{to_parent.subject}\n{to_parent.body}\n" + "\n".join(str(c) for c, _ in to_parent.alternatives)
    assert "Léa Martin" in text
    for what_stays_sealed in (
        CHILD_ADDRESS.lower(),
        "lea.martin-2012",
        CHILD_BIRTH.isoformat(),
        CHILD_BIRTH.strftime("%d/%m/%Y"),
        CHILD_BIRTH.strftime("%m/%d/%Y"),
        f"{CHILD_BIRTH.day} {CHILD_BIRTH:%B}",
        f"{CHILD_BIRTH:%B} {CHILD_BIRTH.day}",
        str(CHILD_BIRTH.year),
    ):
        assert what_stays_sealed not in text.lower(), what_stays_sealed
    # The child can see that their name went to the address they gave; the log holds no address.
    child = Member.objects.get(user__email=sign_in_key(CHILD_ADDRESS))
    named = AccessLogEntry.objects.get(member_id=child.user_id, rule="message:parental-consent")
    assert (named.categories, named.allowed) == ("contact", True)
    assert "parent.of.lea" not in access_log_text() and "lea.martin-2012" not in access_log_text()


def test_a_message_to_a_member_goes_to_their_sealed_address_after_commit_and_is_logged(
    world, django_capture_on_commit_callbacks
) -> None:
    """USE-3: opening a member's address to write to them is in their access log, as references."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_to_member(
            member_id=world.member.pk,
            subject="IndigoMed: hello",
            body="A message.",
            reason="referral",
            actor_user_id=world.doctor_user.pk,
        )
        assert mail.outbox == [], "nothing goes out before the transaction commits"
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == [address_of(world.member)]
    entry = AccessLogEntry.objects.get(member_id=world.member.pk)
    assert (entry.actor_user_id, entry.recipient_ref, entry.purpose, entry.rule) == (
        world.doctor_user.pk,
        f"member:{world.member.pk}",
        "writing to you",
        "message:referral",
    )
    assert address_of(world.member) not in access_log_text()


def test_a_shredded_member_is_written_to_by_nobody(world, django_capture_on_commit_callbacks) -> None:
    """PI-3: after crypto-shredding there is no address to open, so nothing is sent or logged."""
    shred_member_data(member_id=world.member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        send_to_member(member_id=world.member.pk, subject="s", body="b", reason="referral")
        send_to_address(
            address="guardian@example.test",
            subject="s",
            body=f"{MEMBER_NAME} named you.",
            reason="parental-consent",
            naming_member_id=world.member.pk,
        )
    assert mail.outbox == []
    assert not AccessLogEntry.objects.filter(member_id=world.member.pk).exists()


def test_one_message_to_many_members_names_one_recipient_each(world, django_capture_on_commit_callbacks) -> None:
    """Messages to a member carry no one else's personal information, their address included."""
    members = [world.member.pk, world.other_member.pk]
    with django_capture_on_commit_callbacks(execute=True):
        send_to_members(member_ids=members, subject="Notice", body="Same text.", reason="transfer-notice")
    assert sorted(m.to for m in mail.outbox) == sorted([[address_of(world.member)], [address_of(world.other_member)]])
    assert all(not m.cc and not m.bcc for m in mail.outbox)
    assert set(AccessLogEntry.objects.values_list("member_id", flat=True)) == set(members)


@pytest.mark.django_db
def test_account_mail_opens_the_address_through_messaging_and_is_logged() -> None:
    """USE-3: allauth's mail to an account (here the sign-up confirmation, addressed to the sign-in
    key) reaches the sealed address, and opening it is in the account's access log."""
    response = sign_up(Client(), "Confirm.Me@example.test", dt.date(1990, 1, 2).isoformat())
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["confirm.me@example.test"] and "sealed.invalid" not in message.body
    member = Member.objects.get(user__email=sign_in_key("confirm.me@example.test"))
    entry = AccessLogEntry.objects.get(member_id=member.user_id, rule__startswith="message:account:")
    assert (entry.purpose, entry.actor_user_id) == ("writing to you", None)
    assert "confirm.me" not in access_log_text()


def test_the_account_page_shows_an_address_only_to_its_own_holder(world) -> None:
    """PI-3: the address tag opens one's own sign-in key, and nobody else's."""
    page = Template("{% load sign_in_addresses %}{% own_address key %}")
    key = world.member.email
    assert page.render(Context({"user": world.member, "key": key})) == address_of(world.member)
    assert page.render(Context({"user": world.other_member, "key": key})) == ""
    assert page.render(Context({"key": key})) == ""
