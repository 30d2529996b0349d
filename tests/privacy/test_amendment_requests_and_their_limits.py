"""RIGHT-AMEND: a member asks to amend their own records only (anything else is "not found" and
nothing is stored); bad values, missing signatures and double submits are refused with a 400 and
change nothing; the answer is due by the policy's day for the member's jurisdiction; only the
privacy office answers, once."""

from __future__ import annotations

import datetime as dt

import pytest

from indigomed.errors import Conflict, NotFound
from indigomed.records.models import Amendment
from indigomed.records.queries import profile_of, visit_history_for
from indigomed.rights.amendment import answer_amendment, ask_for_amendment
from indigomed.rights.models import Request
from indigomed.scheduling.services import set_visit_status
from indigomed.security.models import AccessLogEntry, AuditEvent
from tests.conftest import make_user
from tests.privacy.amending import SIGNED, ask_to_amend, book, frozen, officer, signed_in

NEW = "/me/amendments/new/"


def ask_on_page(member, record: str, **fields):
    form = {"proposed": "acne", "why": "It is wrong.", **SIGNED, **fields}
    return signed_in(member).post(NEW + "?record=" + record, form)


def test_a_record_of_another_member_is_not_found_and_nothing_is_stored(world) -> None:
    """RIGHT-AMEND bad input: another member's booking or visit, by page or by service, is a 404."""
    theirs = book(world, world.other_member)
    set_visit_status(actor=world.doctor_user, public_id=str(theirs.public_id), status="completed")
    [visit] = visit_history_for(world.other_member.pk)
    book(world, index=1)  # the member has bookings of their own
    for record in (
        f"booking:{theirs.public_id}:reason",
        f"booking:{theirs.public_id}:insurance",
        f"{visit.ref}:reason",
    ):
        assert ask_on_page(world.member, record).status_code == 404, record
        assert signed_in(world.member).get(NEW, {"record": record}).status_code == 404, record
        with pytest.raises(NotFound):
            ask_to_amend(world.member, record, "acne")
    assert not Amendment.objects.exists() and not Request.objects.exists()


@pytest.mark.parametrize(
    "record",
    [
        "booking:00000000-0000-0000-0000-000000000000:reason",
        "booking:not-a-uuid:reason",
        "visit:99999999999999999999999:reason",
        "visit:1:practitioner",
        "profile:password",
        "profile:email",
        "profile",
        "x" * 5000,
        "",
    ],
)
def test_records_that_do_not_exist_are_not_found(world, record) -> None:
    """RIGHT-AMEND bad input: a record nobody has, or a field no one may amend, is a clear 404
    (an empty one shows the member's records to choose from)."""
    response = ask_on_page(world.member, record)
    assert response.status_code == (200 if record == "" else 404)
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("record", "fields", "message"),
    [
        ("profile:date_of_birth", {"proposed": "9999-12-31"}, "Give a date of birth in the past."),
        ("profile:date_of_birth", {"proposed": "0001-01-01"}, "Give a date of birth in the past."),
        ("profile:date_of_birth", {"proposed": "1985-06-01"}, "The record already says that."),
        ("profile:date_of_birth", {"proposed": "31/12/1980"}, "Enter a valid date."),
        ("profile:country", {"proposed": "ZZ"}, "Select a valid choice."),
        ("profile:name", {"proposed": "x" * 10_000}, "Ensure this value has at most 200 characters"),
        ("profile:name", {"proposed": "Pat \u202eMember"}, "Remove the invisible characters"),
        ("profile:name", {"proposed": "Pat Q. Member", "why": ""}, "This field is required."),
        ("profile:name", {"proposed": "Pat Q. Member", "why": "y" * 10_000}, "at most 2000 characters"),
        ("profile:name", {"proposed": "Pat Q. Member", "signed_name": "Pat"}, "Type your full name"),
        ("profile:name", {"proposed": "Pat Q. Member", "explicit_consent": ""}, "Tick the box"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(world, record, fields, message) -> None:
    response = ask_on_page(world.member, record, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Amendment.objects.exists() and not Request.objects.exists()


def test_a_double_submit_files_one_request(world) -> None:
    """RIGHT-AMEND: while a request for a record waits, a second one for it is refused."""
    first = ask_on_page(world.member, "profile:name", proposed="Pat Q. Member", why="My middle initial.")
    assert first.status_code == 302
    second = ask_on_page(world.member, "profile:name", proposed="Pat Q. Member", why="My middle initial.")
    assert second.status_code == 400 and "You already asked to correct this record" in second.content.decode()
    assert Amendment.objects.count() == 1 and Request.objects.count() == 1
    assert AuditEvent.objects.filter(action="amendment.requested").count() == 1


def test_only_members_ask(world) -> None:
    assert signed_in(world.doctor_user).get(NEW).status_code == 403
    assert signed_in(world.doctor_user).get("/me/amendments/").status_code == 403
    with pytest.raises(NotFound):
        ask_for_amendment(
            actor=world.doctor_user,
            record="profile:name",
            proposed="Dr Ada Hart",
            why="A practitioner is not a member.",
            signed_name="Ada Hart",
            consent=True,
        )
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("country", "region", "days"),
    [("US", "", 60), ("US", "FL", 60), ("FR", "", 30)],
)
def test_the_answer_is_due_by_the_policys_day_for_where_the_member_lives(db, country, region, days) -> None:
    """RIGHT-AMEND: a request on the desk, due 60 days after it is received in the US (the notice
    and HIPAA agree), one month in France (GDPR), on a frozen clock; the member sees the day."""
    member = make_user(
        f"due.{country.lower()}{region.lower()}@example.test", member=True, country=country, region=region
    )
    at = dt.datetime(2027, 3, 1, 15, 30, tzinfo=dt.UTC)
    with frozen(at):
        amendment = ask_to_amend(member, "profile:name", "Someone Else Entirely")
    request = Request.objects.get(public_id=amendment.request_public_id)
    assert (request.kind, request.received_at, request.signature) == ("amendment", at, "online")
    assert request.due_at == at + dt.timedelta(days=days)
    page = signed_in(member).get(f"/me/requests/{request.public_id}/").content.decode()
    assert f"{request.due_at.day} {request.due_at:%B %Y}" in page
    assert "It should say: Someone Else Entirely" in page


def test_only_the_office_answers_and_only_once(world) -> None:
    office = officer()
    amendment = ask_to_amend(world.member, "profile:name", "Pat Q. Member")
    url = f"/office/amendments/{amendment.public_id}/"
    for someone in (world.member, world.doctor_user, world.outsider):
        assert signed_in(someone).get(url).status_code == 403
        assert signed_in(someone).post(url + "accept").status_code == 403
    with pytest.raises(NotFound):
        answer_amendment(officer=world.member, public_id=str(amendment.public_id), accept=True)
    assert signed_in(office).get("/office/amendments/00000000-0000-0000-0000-000000000000/").status_code == 404
    page = signed_in(office).get(url).content.decode()
    assert "Pat Q. Member" in page and "Pat Member" in page  # what it says, what is asked
    assert AccessLogEntry.objects.filter(
        member_id=world.member.pk, recipient_ref="office:privacy", rule=f"amendment:{amendment.public_id}"
    ).exists(), "the office's read is in the member's access log"
    bad = signed_in(office).post(url + "deny", {"basis": "because", "explanation": "Not a basis the law knows."})
    assert bad.status_code == 400
    assert Request.objects.get().state == Request.State.RECEIVED, "a refused answer changes nothing"
    assert signed_in(office).post(url + "accept").status_code == 302
    assert Request.objects.get().state == Request.State.FULFILLED
    again = signed_in(office).post(url + "accept")
    assert again.status_code == 409 and "already answered" in again.content.decode()
    with pytest.raises(Conflict, match="already answered"):
        answer_amendment(
            officer=office,
            public_id=str(amendment.public_id),
            accept=False,
            basis="accurate",
            explanation="Too late now.",
        )
    assert AuditEvent.objects.filter(action__in=["amendment.accepted", "amendment.denied"]).count() == 1


def test_the_desks_own_answer_applies_the_amendment_and_refuses_to_deny_without_a_basis(world) -> None:
    """RIGHT-AMEND on the desk: answering the request from the desk's page runs the amendment's
    step; a denial there has no basis to give, so it is refused with a pointer to the amendment."""
    office = officer()
    amendment = ask_to_amend(world.member, "profile:name", "Pat Q. Member")
    request = Request.objects.get(public_id=amendment.request_public_id)
    desk = signed_in(office)
    desk.post(f"/office/requests/{request.public_id}/review")
    refused = desk.post(
        f"/office/requests/{request.public_id}/conclude",
        {"outcome": "denied", "reasons": "The name is the one on your identity document."},
        follow=True,
    )
    assert f"/office/amendments/{amendment.public_id}/" in refused.content.decode()
    assert Request.objects.get(pk=request.pk).state == Request.State.IN_REVIEW
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.REQUESTED
    partly = desk.post(
        f"/office/requests/{request.public_id}/conclude",
        {"outcome": "partly_fulfilled", "reasons": "Some of it, not all of it."},
        follow=True,
    )
    assert "accepted or denied as a whole" in partly.content.decode()
    desk.post(f"/office/requests/{request.public_id}/conclude", {"outcome": "fulfilled", "reasons": ""})
    assert Request.objects.get(pk=request.pk).state == Request.State.FULFILLED
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.ACCEPTED
    assert profile_of(world.member.pk).name == "Pat Q. Member"


def test_a_generic_amendment_request_is_sent_to_the_form_that_names_the_record(world) -> None:
    response = signed_in(world.member).get("/me/requests/new/amendment/")
    assert response.status_code == 302 and response["Location"] == NEW
    response = signed_in(world.member).get("/me/requests/new/restriction/")
    assert response.status_code == 302 and response["Location"] == "/me/privacy/#restrict"
