"""CHILD-2: the privacy office closes an account it learns is a child's; one message goes out, in the
member's language, to the child or a parent; then everything the account held is shredded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import Member, User
from indigomed.messaging.models import Message
from indigomed.rights.models import Shredding
from indigomed.rights.shredding import WAIT_FOR_MESSAGE, shred_when_told
from indigomed.security.models import AuditEvent
from tests.conftest import PASSWORD, make_user
from tests.privacy.amending import officer, signed_in

PAGE = "/office/closed-accounts/"
CHILD = "little.wren.4417@example.test"
PARENT = "wren.parent.4417@example.test"


def close(client: Client, **fields: str):
    form = {"member_email": CHILD, "basis": "parent_said", "write_to": "member", "confirm": "on"} | fields
    return client.post(PAGE, form)


@pytest.fixture
def child(world) -> User:
    user = make_user(CHILD, member=True, dob=dt.date(2012, 2, 2))
    Member.objects.filter(user=user).update(language="fr")
    return user


@pytest.mark.django_db
def test_the_office_closes_a_childs_account_and_it_is_shredded_once_told(
    world, child, django_capture_on_commit_callbacks
) -> None:
    """CHILD-2: one message, in the member's language, then the account is shredded; the page and
    the log say so without naming anyone."""
    office = signed_in(officer())
    Client().force_login(child)
    with django_capture_on_commit_callbacks(execute=True):
        response = close(office)
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == [CHILD] and sent.subject == "IndigoMed : votre compte est fermé"
    assert "moins de 13 ans" in sent.body
    case = Shredding.objects.get()
    assert (case.member_id, case.message_outcome, case.reason) == (None, "sent", "child_under_13")
    assert case.shredded_at is not None
    assert not Member.objects.filter(user_id=child.pk).exists()
    assert not Message.objects.filter(member_id=child.pk).exists()
    assert all(str(s.get_decoded().get("_auth_user_id")) != str(child.pk) for s in Session.objects.all())
    page = office.get(PAGE).content.decode()
    assert str(case.public_id) in page and CHILD not in page
    log = office.get("/office/events/", {"action": "account.shredded"}).content.decode()
    assert "Account shredded" in log and CHILD not in log and "Wren" not in log
    event = AuditEvent.objects.get(action="account.closed_for_shredding")
    assert event.member_id is None and event.details["basis"] == "parent_said"


@pytest.mark.django_db
def test_a_parent_can_be_the_one_told(world, child, django_capture_on_commit_callbacks) -> None:
    """CHILD-2: the office may write to a parent instead; the message names the child to them."""
    with django_capture_on_commit_callbacks(execute=True):
        close(signed_in(officer()), write_to="parent", parent_email=PARENT)
    [sent] = mail.outbox
    assert sent.to == [PARENT] and "Little Wren 4417" in sent.body
    assert Shredding.objects.get().shredded_at is not None


@pytest.mark.django_db
def test_the_account_closes_at_once_and_waits_for_its_message(world, child, settings) -> None:
    """CHILD-2: sign-in stops and sessions end at once; the shredding waits for the message, and
    happens anyway once the wait is over."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    session = Client()
    session.force_login(child)
    close(signed_in(officer()))
    assert session.get("/me/").status_code == 302, "the child's session is over"
    assert not Client().login(username=CHILD, password=PASSWORD)
    case = Shredding.objects.get()
    assert case.member_id == child.pk and case.shredded_at is None
    assert shred_when_told() == 0, "the message is still waiting"
    assert shred_when_told(now=timezone.now() + WAIT_FOR_MESSAGE + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert (case.member_id, case.message_outcome) == (None, "pending")


@pytest.mark.django_db
def test_closing_twice_sends_one_message(world, child, settings) -> None:
    """CHILD-2: the form sent twice closes once and queues one message."""
    settings.MESSAGES_DELIVER_ON_COMMIT = False
    office = signed_in(officer())
    close(office)
    response = close(office)
    assert response.status_code == 302
    assert (Shredding.objects.count(), Message.objects.filter(kind="account-closed").count()) == (1, 1)
    assert "already closed" in office.get(PAGE).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"member_email": "nobody.here@example.test"}, "No member has that e-mail address."),
        ({"member_email": "outsider@example.test"}, "No member has that account."),
        ({"confirm": ""}, "This field is required."),
        ({"write_to": "parent"}, "Give the parent"),
        ({"basis": "whim"}, "Select a valid choice"),
    ],
)
def test_a_wrong_form_says_why_and_closes_nothing(world, child, fields, error) -> None:
    """CHILD-2: an unknown address, a non-member, no confirmation, a parent without an address or an
    unknown basis is refused on the form, and nothing changes."""
    response = close(signed_in(officer()), **fields)
    assert response.status_code in (400, 404)
    assert error in response.content.decode()
    assert not Shredding.objects.exists() and not Message.objects.filter(kind="account-closed").exists()
    assert User.objects.get(pk=child.pk).is_active


@pytest.mark.django_db
def test_only_the_privacy_office_closes_accounts(world, child) -> None:
    """CHILD-2: members, practitioners and practice staff are refused the page and its form."""
    for user in (world.member, world.doctor_user, world.staff_user, child):
        client = signed_in(user)
        assert client.get(PAGE).status_code == 403
        assert close(client).status_code == 403
    assert not Shredding.objects.exists()
    assert Client().get(PAGE).status_code == 302


@pytest.mark.django_db
def test_the_demo_shows_one_shredded_child_account(world) -> None:
    """CHILD-2: the demo's office sees a shredding and its event, naming no one."""
    from indigomed.demo.shredding_story import seed_shredded_child

    seed_shredded_child(officer=officer(), password=PASSWORD)
    case = Shredding.objects.get()
    assert case.shredded_at is not None and case.member_id is None
    event = AuditEvent.objects.get(action="account.shredded")
    assert event.member_id is None and event.subject_ref == f"shredding:{case.public_id}"
