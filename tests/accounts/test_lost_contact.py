"""SEC-4: a lost phone or a compromised e-mail address, reported by the member (after signing in
again) or by the privacy office for them (after identity checks it records)."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from indigomed.accounts.models import LostContactReport, User
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.records.queries import contact_preferences_of, profile_of
from indigomed.records.services import set_contact_preferences, update_contact
from indigomed.records.vault import Vault
from indigomed.security.models import AuditEvent
from tests.conftest import PASSWORD, address_of, make_user
from tests.privacy.amending import officer, signed_in

PAGE = "/me/lost-contact/"
OFFICE = "/office/lost-contact/"
OLD_PHONE = "+12125550142"
NEW_PHONE = "+1 646 555 0188"
NEW_PHONE_E164 = "+16465550188"
ADDRESS = "lost.phone.owner@example.test"


def choice_of(user: User) -> dict[str, object]:
    return contact_preferences_of([user.pk], {user.pk: Vault.open_for(user.pk)}).get(user.pk) or {}


def signed_in_with_password(address: str) -> Client:
    """Signed in, and the password typed again just now (allauth's re-authentication)."""
    client = Client()
    client.post("/accounts/login/", {"login": address, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


@pytest.fixture
def owner(db) -> User:
    user = make_user(ADDRESS, member=True)
    update_contact(member_id=user.pk, phone=OLD_PHONE)
    set_contact_preferences(member_id=user.pk, choice={"channels": ["sms", "email"], "phone": OLD_PHONE, "email": None})
    return user


def sessions_of(user: User) -> int:
    return sum(1 for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user.pk))


def texted_code(settings) -> str:
    deliver_until_idle()
    [text] = [p.read_text() for p in (settings.MESSAGES_DIR / "sms").glob("*.txt")]
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_a_lost_phone_is_removed_sessions_end_and_a_new_number_is_checked_before_use(owner, settings, tmp_path) -> None:
    """SEC-4: the phone goes from the profile and the choice, other sessions end, second factors go,
    and the new number is used only once the code texted to it is typed back."""
    settings.MESSAGES_DIR = tmp_path
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    thief = Client()
    thief.force_login(owner)
    client = signed_in_with_password(ADDRESS)
    response = client.post(PAGE, {"kind": "phone", "new_phone": NEW_PHONE})
    assert response.status_code == 302 and response["Location"] == "/me/lost-contact/code"
    assert profile_of(owner.pk).phone is None
    assert choice_of(owner)["phone"] is None and "sms" not in choice_of(owner)["channels"]
    assert thief.get("/me/").status_code == 302, "the other session is over"
    assert client.get("/me/").status_code == 200, "the reporting session stays"
    assert sessions_of(owner) == 1
    code = texted_code(settings)
    assert client.post("/me/lost-contact/code", {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    assert profile_of(owner.pk).phone is None, "a wrong code checks nothing"
    assert client.post("/me/lost-contact/code", {"code": code}).status_code == 302
    assert profile_of(owner.pk).phone == NEW_PHONE_E164
    assert choice_of(owner)["phone"] == NEW_PHONE_E164 and "sms" in choice_of(owner)["channels"]
    report = LostContactReport.objects.get()
    assert report.resolved_at is not None and report.sessions_ended == 1
    event = AuditEvent.objects.get(action="contact.reported_lost")
    assert event.details["kind"] == "phone" and event.details["by"] == "member"
    assert OLD_PHONE not in str(event.details) and "646" not in str(event.details)


@pytest.mark.django_db
def test_messages_after_the_loss_go_the_remaining_way_never_to_the_lost_phone(owner, settings, tmp_path) -> None:
    """SEC-4: with the phone gone, a message goes by e-mail, the next way the member allowed."""
    settings.MESSAGES_DIR = tmp_path
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    signed_in_with_password(ADDRESS).post(PAGE, {"kind": "phone"})
    from django.db import transaction

    from indigomed.messaging.services import send_to_member

    with transaction.atomic():
        send_to_member(member_id=owner.pk, subject="Hello", body="A note", reason="notice")
    deliver_until_idle()
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    assert not (tmp_path / "sms").exists() or not list((tmp_path / "sms").glob("*.txt"))


@pytest.mark.django_db
def test_a_compromised_address_is_no_longer_written_to_until_the_new_one_is_confirmed(owner, settings) -> None:
    """SEC-4: e-mail stops at once; the new address gets allauth's confirmation link; messages
    meanwhile go by text; once confirmed, the new address is the account's and e-mail resumes."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    client = signed_in_with_password(ADDRESS)
    response = client.post(PAGE, {"kind": "email", "new_email": "fresh.start@example.test"})
    assert response.status_code == 302
    assert "email" not in choice_of(owner)["channels"]
    [confirmation] = mail.outbox
    assert confirmation.to == ["fresh.start@example.test"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", confirmation.body)
    assert link is not None
    Client().post(link.group(0).split("testserver", 1)[-1].split("example.com", 1)[-1])
    report = LostContactReport.objects.get(kind="email")
    assert report.resolved_at is not None
    assert choice_of(owner)["channels"][0] == "email"
    assert profile_of(owner.pk).email == "fresh.start@example.test"


@pytest.mark.django_db
def test_the_member_page_asks_for_the_password_again(owner) -> None:
    """SEC-4: a session whose password was not typed just now must sign in again first."""
    client = Client()
    client.force_login(owner)
    response = client.post(PAGE, {"kind": "phone"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not LostContactReport.objects.exists() and profile_of(owner.pk).phone == OLD_PHONE


@pytest.mark.django_db
def test_reporting_twice_changes_nothing_the_second_time(owner, settings) -> None:
    """SEC-4: the same report sent again, while open, is the first one."""
    client = signed_in_with_password(ADDRESS)
    client.post(PAGE, {"kind": "phone"})
    client.post(PAGE, {"kind": "phone"})
    assert LostContactReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="contact.reported_lost").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"kind": "email"}, "Give the address that replaces"),
        ({"kind": "pager"}, "Select a valid choice"),
        ({"kind": "phone", "new_phone": "12"}, "phone number"),
    ],
)
def test_a_wrong_report_says_why_and_changes_nothing(owner, form, error) -> None:
    """SEC-4: no new address for a compromised one, an unknown kind or an unreadable number is refused."""
    response = signed_in_with_password(ADDRESS).post(PAGE, form)
    assert response.status_code == 400 and error in response.content.decode()
    assert not LostContactReport.objects.exists() and profile_of(owner.pk).phone == OLD_PHONE


@pytest.mark.django_db
def test_the_office_acts_for_a_member_after_recorded_checks(world, owner) -> None:
    """SEC-4: the office ends every session and removes the phone, recording which checks it made."""
    Client().force_login(owner)
    office = signed_in(officer())
    refused = office.post(OFFICE, {"member_email": ADDRESS, "kind": "phone", "checks": ["date_of_birth"]})
    assert refused.status_code == 400 and not LostContactReport.objects.exists()
    done = office.post(OFFICE, {"member_email": ADDRESS, "kind": "phone", "checks": ["date_of_birth", "call_back"]})
    assert done.status_code == 302
    report = LostContactReport.objects.get()
    assert report.checks == ["call_back", "date_of_birth"] and report.reported_by_id != owner.pk
    assert sessions_of(owner) == 0 and profile_of(owner.pk).phone is None
    event = AuditEvent.objects.get(action="contact.reported_lost")
    assert event.details["by"] == "office" and event.details["checks"] == ["call_back", "date_of_birth"]
    page = office.get(OFFICE).content.decode()
    assert ADDRESS not in page and OLD_PHONE not in page


@pytest.mark.django_db
def test_no_one_else_reports_for_a_member(world, owner) -> None:
    """SEC-4: another member, a practitioner or staff cannot reach the office page; an unknown or
    non-member address is refused there; the service refuses another member's account as not found."""
    from indigomed.accounts.lost_contact import report_lost_contact
    from indigomed.errors import NotFound

    for user in (world.member, world.doctor_user, world.staff_user):
        client = signed_in(user)
        assert client.post(OFFICE, {"member_email": ADDRESS, "kind": "phone"}).status_code == 403
    with pytest.raises(NotFound):
        report_lost_contact(actor=world.member, member_id=owner.pk, kind="phone")
    office = signed_in(officer())
    for address in ("nobody.at.all@example.test", "outsider@example.test"):
        response = office.post(
            OFFICE, {"member_email": address, "kind": "phone", "checks": ["date_of_birth", "call_back"]}
        )
        assert response.status_code in (400, 404)
    assert not LostContactReport.objects.exists() and profile_of(owner.pk).phone == OLD_PHONE
    assert Message.objects.filter(kind="phone-check").count() == 0


def signs_in(address: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"login": address, "password": PASSWORD})
    return client.get("/me/").status_code == 200


@pytest.mark.django_db
def test_a_member_who_reports_their_email_stolen_can_no_longer_be_signed_into_with_it(owner, settings) -> None:
    """SEC-4: at once, before the new address is confirmed: no sign-in, no reset mail, no message
    to the stolen address, even if the member ticks e-mail again; the new one works once confirmed."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    assert signs_in(ADDRESS)
    client = signed_in_with_password(ADDRESS)
    client.post(PAGE, {"kind": "email", "new_email": "fresh.start@example.test"})
    assert not signs_in(ADDRESS)
    assert client.get("/me/").status_code == 200, "the session the member reported from goes on"
    assert not signs_in("fresh.start@example.test"), "not before it is confirmed"
    Client().post("/accounts/password/reset/", {"email": ADDRESS})
    client.post("/me/contact/", {"channels": ["email"], "country": "US"})
    from django.db import transaction

    from indigomed.messaging.services import send_to_member

    with transaction.atomic():
        send_to_member(member_id=owner.pk, subject="Hello", body="A note", reason="notice")
    deliver_until_idle()
    to_stolen = [m for m in mail.outbox if ADDRESS in m.to]
    # allauth answers a reset for an address no account has, as for any stranger: no link, no account.
    assert [m.subject for m in to_stolen] == ["IndigoMed: Unknown Account"]
    assert "/accounts/password/reset/key/" not in to_stolen[0].body
    assert Message.objects.get(kind="notice").status == Message.Status.HELD
    confirmation = next(m for m in mail.outbox if m.to == ["fresh.start@example.test"])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", confirmation.body)
    assert link is not None
    Client().post(link.group(0).split("testserver", 1)[-1].split("example.com", 1)[-1])
    assert signs_in("fresh.start@example.test") and not signs_in(ADDRESS)


@pytest.mark.django_db
def test_a_stolen_address_stops_signing_in_when_the_office_reports_it(world, owner) -> None:
    """SEC-4: the office, after its checks, retires the address; recovery goes through the office."""
    office = signed_in(officer())
    checks = ["date_of_birth", "call_back"]
    refused = office.post(OFFICE, {"member_email": ADDRESS, "kind": "email", "checks": checks})
    assert refused.status_code == 400 and "Give the address that replaces" in refused.content.decode()
    assert signs_in(ADDRESS), "nothing changed"
    taken = office.post(
        OFFICE, {"member_email": ADDRESS, "kind": "email", "checks": checks, "new_email": address_of(world.member)}
    )
    assert taken.status_code == 400 and "Another account" in taken.content.decode()
    assert signs_in(ADDRESS) and not LostContactReport.objects.exists(), "nothing changed"
    mail.outbox.clear()
    done = office.post(
        OFFICE, {"member_email": ADDRESS, "kind": "email", "checks": checks, "new_email": "recovered@example.test"}
    )
    assert done.status_code == 302
    assert not signs_in(ADDRESS) and sessions_of(owner) == 0
    [confirmation] = [m for m in mail.outbox if m.to == ["recovered@example.test"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", confirmation.body)
    assert link is not None
    Client().post(link.group(0).split("testserver", 1)[-1].split("example.com", 1)[-1])
    assert signs_in("recovered@example.test") and not signs_in(ADDRESS)
    assert LostContactReport.objects.get().resolved_at is not None


@pytest.mark.django_db
def test_messages_never_go_to_a_new_address_until_it_is_confirmed(owner, settings) -> None:
    """An ordinary change of address: the old one signs in and receives until the new one is confirmed."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    set_contact_preferences(member_id=owner.pk, choice={"channels": ["email"]})
    client = signed_in_with_password(ADDRESS)
    client.post("/accounts/email/", {"email": "changing.to@example.test", "action_add": ""})
    assert [m.to for m in mail.outbox] == [["changing.to@example.test"]], "the confirmation link"
    from django.db import transaction

    from indigomed.messaging.services import send_to_member

    with transaction.atomic():
        send_to_member(member_id=owner.pk, subject="Hello", body="A note", reason="notice")
    deliver_until_idle()
    assert [m.to for m in mail.outbox[1:]] == [[ADDRESS]]
    assert signs_in(ADDRESS) and not signs_in("changing.to@example.test")
