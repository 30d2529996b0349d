"""SEC-4, RIGHT-CONFCOMM: a number or address typed on the contact page is sent a code, and nothing
else goes to it until the member types the code back; meanwhile messages go the ways already
checked, or wait for the office."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.messaging import contact_checks
from indigomed.messaging.confidential import choose_contact, contact_choice_of
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.messaging.services import send_to_member
from tests.conftest import make_user
from tests.messaging.codes import choose_checked, code_sent

PAGE = "/me/contact/"
CHECK = "/me/contact/check"
OLD = "+12125550142"
NEW = "+1 646 555 0188"
NEW_E164 = "+16465550188"
ADDRESS = "checked.member@example.test"
WORK = "pat.at.work@example.test"


@pytest.fixture
def member(db, settings, tmp_path) -> User:
    settings.MESSAGES_DIR = tmp_path
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    return make_user(ADDRESS, member=True)


@pytest.fixture
def client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def texts(folder: Path) -> list[str]:
    return sorted(p.read_text() for p in (folder / "sms").glob("*.txt")) if (folder / "sms").exists() else []


def texted_code(folder: Path, to: str) -> str:
    deliver_until_idle()
    found = [re.search(r"\b(\d{6})\b", t) for t in texts(folder) if t.startswith(f"To: {to}\n") and "code" in t]
    assert found and found[-1] is not None
    return found[-1].group(1)


def write_to(member: User) -> None:
    with transaction.atomic():
        send_to_member(member_id=member.pk, subject="IndigoMed: a note", body="A note.", reason="notice")
    deliver_until_idle()


def notes_texted(folder: Path, to: str) -> int:
    return sum(1 for t in texts(folder) if t.startswith(f"To: {to}\n") and "code" not in t)


def choose(client: Client, **fields: object):
    return client.post(PAGE, {"country": "US", "reminders": "on", **fields})


def test_a_phone_number_typed_on_the_contact_page_gets_no_message_until_its_code_is_entered(
    member, client, tmp_path
) -> None:
    response = choose(client, channels=["sms", "email"], phone=NEW)
    assert response.status_code == 302 and response["Location"] == CHECK
    assert NEW_E164 in client.get(CHECK).content.decode()
    code = texted_code(tmp_path, NEW_E164)
    write_to(member)
    assert notes_texted(tmp_path, NEW_E164) == 0, "not checked yet: no text"
    assert [m.to for m in mail.outbox] == [[ADDRESS]], "the next way the member allows, already checked"
    assert client.post(CHECK, {"kind": "phone", "code": code}).status_code == 302
    write_to(member)
    assert notes_texted(tmp_path, NEW_E164) == 1 and len(mail.outbox) == 1


def test_the_number_checked_before_keeps_its_texts_until_the_new_one_is_checked(member, client, tmp_path) -> None:
    choose_checked(actor=member, channels=["sms"], phone=OLD)
    choose(client, channels=["sms"], phone=NEW)
    assert contact_choice_of(actor=member).phone == OLD
    write_to(member)
    assert notes_texted(tmp_path, OLD) == 1 and notes_texted(tmp_path, NEW_E164) == 0


def test_texts_only_to_a_number_not_yet_checked_are_held_for_the_office(member, client, tmp_path) -> None:
    choose(client, channels=["sms"], phone=NEW)
    write_to(member)
    assert Message.objects.get(kind="notice").status == Message.Status.HELD
    assert notes_texted(tmp_path, NEW_E164) == 0 and mail.outbox == []


def test_another_address_gets_nothing_but_its_code_and_the_sign_in_address_nothing_instead(member, client) -> None:
    """ "Instead of the one I sign in with" holds while the new address waits for its code."""
    assert choose(client, channels=["email"], email=WORK).status_code == 302
    deliver_until_idle()
    [code_mail] = mail.outbox
    assert code_mail.to == [WORK] and "code" in code_mail.subject
    write_to(member)
    assert len(mail.outbox) == 1 and Message.objects.get(kind="notice").status == Message.Status.HELD
    code = re.search(r"\b(\d{6})\b", code_mail.body)
    assert code is not None
    assert client.post(CHECK, {"kind": "email", "code": code.group(1)}).status_code == 302
    write_to(member)
    assert [m.to for m in mail.outbox[1:]] == [[WORK]]


def test_a_second_submit_of_the_same_number_sends_no_second_code(member, client) -> None:
    choose(client, channels=["sms"], phone=NEW)
    assert f'value="{NEW_E164}"' in client.get(PAGE).content.decode(), "the page shows the number waiting"
    assert choose(client, channels=["sms"], phone=NEW_E164).status_code == 302
    assert Message.objects.filter(kind="phone-check").count() == 1
    assert contact_checks.waiting(member_id=member.pk, kind="phone") == NEW_E164


def test_asking_for_codes_too_often_is_refused_and_changes_nothing(member, client) -> None:
    choose(client, channels=["sms"], phone=NEW)
    refused = client.post(CHECK, {"resend": "phone"})
    assert refused.status_code == 400 and "wait a minute" in refused.content.decode()
    again = choose(client, channels=["sms"], phone="+1 646 555 0199")
    assert again.status_code == 400 and "wait a minute" in again.content.decode()
    assert contact_checks.waiting(member_id=member.pk, kind="phone") == NEW_E164
    assert Message.objects.filter(kind="phone-check").count() == 1


@pytest.mark.parametrize(
    ("phone", "said"),
    [("12", "not a valid phone number"), ("call me maybe", "cannot be read"), ("9" * 200, "at most 32")],
)
def test_a_phone_in_a_bad_format_or_absurdly_long_is_refused_and_nothing_is_sent(member, client, phone, said) -> None:
    response = choose(client, channels=["sms"], phone=phone)
    assert response.status_code == 400 and said in response.content.decode()
    assert not Message.objects.exists() and contact_choice_of(actor=member).channels == ("email",)


def test_wrong_expired_replayed_or_overused_codes_are_refused(member, client) -> None:
    choose(client, channels=["sms"], phone=NEW)
    code = code_sent(member.pk)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(CHECK, {"kind": "phone", "code": wrong})
    assert refused.status_code == 400 and "not the one we sent" in refused.content.decode()
    assert client.post(CHECK, {"kind": "phone", "code": "12ab"}).status_code == 400
    for _ in range(contact_checks.CODE_ATTEMPTS - 1):
        client.post(CHECK, {"kind": "phone", "code": wrong})
    overused = client.post(CHECK, {"kind": "phone", "code": code})
    assert overused.status_code == 400 and "Too many wrong codes" in overused.content.decode()
    assert contact_choice_of(actor=member).phone is None

    choice = contact_checks.stored_choice(member.pk)
    choice["phone_codes_sent"] = []  # as if an hour had passed since the first code
    from indigomed.records.services import set_contact_preferences

    set_contact_preferences(member_id=member.pk, choice=choice)
    assert client.post(CHECK, {"resend": "phone"}).status_code == 302
    code = code_sent(member.pk)
    choice = contact_checks.stored_choice(member.pk)
    choice["pending_phone_until"] = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    set_contact_preferences(member_id=member.pk, choice=choice)
    expired = client.post(CHECK, {"kind": "phone", "code": code})
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert contact_choice_of(actor=member).phone is None


def test_a_code_works_once_and_only_for_its_own_member_and_number(member, client) -> None:
    other = make_user("other.member@example.test", member=True)
    choose(client, channels=["sms"], phone=NEW)
    choose_contact(actor=other, channels=["sms"], phone=NEW)  # the same number, for another member
    others_code = code_sent(other.pk)
    mine = code_sent(member.pk)
    if others_code != mine:
        assert client.post(CHECK, {"kind": "phone", "code": others_code}).status_code == 400
    assert client.post(CHECK, {"kind": "phone", "code": mine}).status_code == 302
    replayed = client.post(CHECK, {"kind": "phone", "code": mine})
    assert replayed.status_code == 400 and "expired or was never sent" in replayed.content.decode()
    assert contact_choice_of(actor=other).phone is None, "still waiting for the other member's own code"


def test_a_code_sent_to_one_number_does_not_check_another(member, client) -> None:
    from indigomed.records.services import set_contact_preferences

    choose(client, channels=["sms"], phone=NEW)
    first = code_sent(member.pk)
    choice = contact_checks.stored_choice(member.pk)
    choice["phone_codes_sent"] = []  # as if an hour had passed
    set_contact_preferences(member_id=member.pk, choice=choice)
    choose(client, channels=["sms"], phone="+1 646 555 0199")
    second = code_sent(member.pk)
    if first != second:
        assert client.post(CHECK, {"kind": "phone", "code": first}).status_code == 400
    assert client.post(CHECK, {"kind": "phone", "code": second}).status_code == 302
    assert contact_choice_of(actor=member).phone == "+16465550199"
