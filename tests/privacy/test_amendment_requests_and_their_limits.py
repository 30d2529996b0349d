"""RIGHT-AMEND: a member asks to amend their own records only (anything else is "not found" and
nothing is stored); bad values, missing signatures and double submits are refused with a 400 and
change nothing; the answer is due by the policy's day for the member's jurisdiction; only the
privacy office answers, once."""

from __future__ import annotations

import datetime as dt

import pytest

from indigomed.errors import Invalid, NotFound
from indigomed.privacy.amendments import accept_amendment, deny_amendment, request_amendment
from indigomed.records.models import Amendment
from indigomed.records.queries import visit_history_for
from indigomed.scheduling.services import set_visit_status
from indigomed.security.models import AuditEvent
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
    assert not Amendment.objects.exists()


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
    assert not Amendment.objects.exists()


def test_a_double_submit_files_one_request(world) -> None:
    """RIGHT-AMEND: while a request for a record waits, a second one for it is refused."""
    first = ask_on_page(world.member, "profile:name", proposed="Pat Q. Member", why="My middle initial.")
    assert first.status_code == 302
    second = ask_on_page(world.member, "profile:name", proposed="Pat Q. Member", why="My middle initial.")
    assert second.status_code == 400 and "You already asked to correct this record" in second.content.decode()
    assert Amendment.objects.count() == 1
    assert AuditEvent.objects.filter(action="amendment.requested").count() == 1


def test_only_members_ask(world) -> None:
    assert signed_in(world.doctor_user).get(NEW).status_code == 403
    assert signed_in(world.doctor_user).get("/me/amendments/").status_code == 403
    with pytest.raises(NotFound):
        request_amendment(
            actor=world.doctor_user,
            record="profile:name",
            proposed="Dr Ada Hart",
            why="A practitioner is not a member.",
            signed_name="Ada Hart",
            explicit_consent=True,
        )


@pytest.mark.parametrize(
    ("country", "region", "days"),
    [("US", "", 60), ("US", "FL", 60), ("FR", "", 30)],
)
def test_the_answer_is_due_by_the_policys_day_for_where_the_member_lives(db, country, region, days) -> None:
    """RIGHT-AMEND: 60 days in the US (the notice and HIPAA agree), one month in France (GDPR),
    counted from the day of the request in the member's own time zone, on a frozen clock."""
    member = make_user(
        f"due.{country.lower()}{region.lower()}@example.test", member=True, country=country, region=region
    )
    # 03:30 UTC is still the evening before in New York, already the morning in Paris.
    at = dt.datetime(2027, 3, 1, 3, 30, tzinfo=dt.UTC)
    with frozen(at):
        amendment = ask_to_amend(member, "profile:name", "Someone Else Entirely")
    local_day = dt.date(2027, 2, 28) if country == "US" else dt.date(2027, 3, 1)
    assert amendment.due_on == local_day + dt.timedelta(days=days)
    page = signed_in(member).get("/me/amendments/").content.decode()
    assert f"due by {amendment.due_on.day} {amendment.due_on:%b %Y}" in page


def test_only_the_office_answers_and_only_once(world) -> None:
    office = officer()
    amendment = ask_to_amend(world.member, "profile:name", "Pat Q. Member")
    url = f"/office/amendments/{amendment.public_id}/"
    for someone in (world.member, world.doctor_user, world.outsider):
        assert signed_in(someone).get(url).status_code == 403
        assert signed_in(someone).post(url + "accept").status_code == 403
    with pytest.raises(NotFound):
        accept_amendment(officer=world.member, public_id=str(amendment.public_id))
    assert signed_in(office).get("/office/amendments/00000000-0000-0000-0000-000000000000/").status_code == 404
    page = signed_in(office).get(url).content.decode()
    assert "Pat Q. Member" in page and "Pat Member" in page  # what it says, what is asked
    bad = signed_in(office).post(url + "deny", {"basis": "because", "explanation": "Not a basis the law knows."})
    assert bad.status_code == 400
    assert signed_in(office).post(url + "accept").status_code == 302
    again = signed_in(office).post(url + "accept")
    assert again.status_code == 400 and "already answered" in again.content.decode()
    with pytest.raises(Invalid, match="already answered"):
        deny_amendment(
            officer=office, public_id=str(amendment.public_id), basis="accurate", explanation="Too late now."
        )
    assert AuditEvent.objects.filter(action__in=["amendment.accepted", "amendment.denied"]).count() == 1
