"""CHILD-3: a member adds dependents, each a member of their own; only their guardian reaches them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from indigomed.accounts.acting_for import active_guardianships, dependent_for
from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import Guardianship, Member, User
from indigomed.errors import Invalid, NotFound
from indigomed.records.models import MemberKey
from indigomed.records.queries import profile_of
from indigomed.security.models import AuditEvent

pytestmark = pytest.mark.django_db


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def test_a_child_becomes_a_member_of_their_own_with_their_own_key(world) -> None:
    """CHILD-3: the child has their own account (no usable password), data key and sealed profile."""
    guardianship = add_dependent(actor=world.member, name="Lou Member", date_of_birth=_years_ago(8), country="US")
    child = guardianship.dependent
    assert guardianship.kind == Guardianship.Kind.CHILD
    assert Member.objects.filter(user=child).exists()
    assert not child.has_usable_password()
    assert MemberKey.objects.filter(member=child).exists()
    assert profile_of(child.pk).name == "Lou Member"
    event = AuditEvent.objects.get(action="guardianship.started")
    assert (event.actor_user_id, event.member_id) == (world.member.pk, child.pk)


def test_an_adult_needs_the_guardianship_document(world) -> None:
    """CHILD-3: someone old enough for their own account is refused without the document; nothing kept."""
    users = User.objects.count()
    with pytest.raises(Invalid) as refused:
        add_dependent(actor=world.member, name="Sam Ward", date_of_birth=_years_ago(40), country="US")
    assert refused.value.details.get("field") == "document"
    with pytest.raises(Invalid):
        add_dependent(
            actor=world.member,
            name="Sam Ward",
            date_of_birth=_years_ago(40),
            country="US",
            document=io.BytesIO(b"MZ\x90 not a pdf"),
        )
    assert User.objects.count() == users
    ward = add_dependent(
        actor=world.member,
        name="Sam Ward",
        date_of_birth=_years_ago(40),
        country="US",
        document=io.BytesIO(b"%PDF-1.4 court order"),
    )
    assert ward.kind == Guardianship.Kind.ADULT_WARD
    assert ward.document_type == "application/pdf"
    assert b"court order" not in bytes(ward.document)


def test_a_14_year_old_in_france_is_still_a_child_but_not_in_the_us(world) -> None:
    """CHILD-3: the age of digital consent comes from the policy file (15 in France, 13 in the US)."""
    assert add_dependent(actor=world.member, name="Zoé M", date_of_birth=_years_ago(14), country="FR").kind == "child"
    with pytest.raises(Invalid):
        add_dependent(actor=world.member, name="Max M", date_of_birth=_years_ago(14), country="US")


@pytest.mark.parametrize(
    "dob", [dt.date(1, 1, 1), timezone.localdate() + dt.timedelta(days=1)], ids=["year one", "future"]
)
def test_odd_dates_of_birth_are_refused(world, dob) -> None:
    """CHILD-3: a date of birth in the future or in year 1 is refused and nothing is stored."""
    with pytest.raises(Invalid) as refused:
        add_dependent(actor=world.member, name="Lou Member", date_of_birth=dob, country="US")
    assert refused.value.details.get("field") == "date_of_birth"
    assert not Guardianship.objects.exists()


def test_only_the_guardian_reaches_the_dependent(world) -> None:
    """CHILD-3: another member, an ended guardianship or a made-up id is "not found"."""
    guardianship = add_dependent(actor=world.member, name="Lou Member", date_of_birth=_years_ago(8), country="US")
    child = guardianship.dependent
    assert dependent_for(world.member, child.public_id) == child
    assert [g.dependent for g in active_guardianships(world.member)] == [child]
    for outsider, key in ((world.other_member, child.public_id), (world.member, "not-an-id")):
        with pytest.raises(NotFound):
            dependent_for(outsider, key)
    Guardianship.objects.filter(pk=guardianship.pk).update(ended_at=timezone.now())
    with pytest.raises(NotFound):
        dependent_for(world.member, child.public_id)


def test_the_database_refuses_self_guardianship_and_a_second_active_one(world) -> None:
    """CHILD-3: constraints in the database, not only in the service."""
    child = add_dependent(actor=world.member, name="Lou Member", date_of_birth=_years_ago(8), country="US").dependent
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardianship.objects.create(guardian=world.member, dependent=world.member, kind="child")
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardianship.objects.create(guardian=world.member, dependent=child, kind="child")
