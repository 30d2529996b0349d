"""PI-3: every personal value sealed under the member's data key; shredding the key shreds the data."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import ContactData, DemographicData, MemberKey
from indigomed.records.queries import member_by_email, profile_of
from indigomed.records.services import add_insurance, member_keys_kept_open, shred_member_data, update_contact
from tests.conftest import make_user


def raw_row(table: str, member_id: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE member_id = %s", [member_id])
        return repr(cursor.fetchone()).encode()


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.mark.django_db
def test_the_database_holds_only_ciphertext() -> None:
    member = make_user("sealed.person@example.test", member=True, dob=dt.date(1971, 3, 14))
    update_contact(member_id=member.pk, phone="+1 555 0100")
    add_insurance(member_id=member.pk, carrier="Aetna", plan="HMO", member_number="W123456789")
    assert b"sealed.person@example.test" not in raw_row("records_contactdata", member.pk)
    assert b"Sealed Person" not in raw_row("records_contactdata", member.pk)
    assert profile_of(member.pk).name == "Sealed Person"
    assert member.display_name == "", "a member's name is not kept on their account"
    # Whole values only: short digit runs can turn up by chance in ciphertext or a lookup hash.
    assert b"555 0100" not in raw_row("records_contactdata", member.pk)
    assert b"1971-03-14" not in raw_row("records_demographicdata", member.pk)
    assert b"W123456789" not in raw_row("records_insurancedata", member.pk)
    profile = profile_of(member.pk)
    assert (profile.email, profile.phone, profile.date_of_birth) == (
        "sealed.person@example.test",
        "+1 555 0100",
        dt.date(1971, 3, 14),
    )
    assert profile.insurance == [{"carrier": "Aetna", "plan": "HMO", "member_number": "W123456789"}]


@pytest.mark.django_db
def test_deleting_the_data_key_makes_the_data_unreadable_everywhere() -> None:
    member = make_user("shredded@example.test", member=True)
    copied_row = ContactData.objects.values_list("email", flat=True).get(member=member)
    shred_member_data(member_id=member.pk)
    assert not MemberKey.objects.filter(member=member).exists()
    with pytest.raises(crypto.Unreadable):
        profile_of(member.pk)
    # A backup holding the old row and even the wrapped key still needs the member's data key:
    # only the key-encryption key can unwrap it, and the member's key is what was destroyed.
    other = make_user("someone.else@example.test", member=True)
    other_key = crypto.unwrap(key_ring(), *MemberKey.objects.values_list("kek_id", "wrapped").get(member=other))
    with pytest.raises(crypto.Unreadable):
        crypto.unseal(other_key, bytes(copied_row), f"records_contactdata.email:{member.pk}")


@pytest.mark.django_db
def test_a_sealed_value_moved_to_another_member_or_field_does_not_open() -> None:
    alice = make_user("alice@example.test", member=True)
    bob = make_user("bob@example.test", member=True)
    alice_email = ContactData.objects.values_list("email", flat=True).get(member=alice)
    ContactData.objects.filter(member=bob).update(email=alice_email)
    with pytest.raises(crypto.Unreadable):
        profile_of(bob.pk)
    alice_dob = DemographicData.objects.values_list("date_of_birth", flat=True).get(member=alice)
    DemographicData.objects.filter(member=alice).update(country=alice_dob)
    with pytest.raises(crypto.Unreadable):
        profile_of(alice.pk)


@pytest.mark.django_db
def test_members_are_found_by_email_through_a_keyed_hash() -> None:
    member = make_user("Findable.Person@Example.test", member=True)
    assert member_by_email("findable.person@example.test ") == member.pk
    assert member_by_email("nobody@example.test") is None
    lookup = ContactData.objects.values_list("email_lookup", flat=True).get(member=member)
    assert lookup != hashlib.sha256(b"findable.person@example.test").hexdigest(), "keyed, not a plain hash"


@pytest.mark.django_db
def test_rotating_the_key_encryption_key_keeps_every_value_readable(monkeypatch) -> None:
    old, new = new_key(), new_key()
    monkeypatch.setenv("INDIGOMED_KEKS", f"old:{old}")
    monkeypatch.setenv("INDIGOMED_LOOKUP_KEY", new_key())
    members = [make_user(f"rotating{i}@example.test", member=True) for i in range(3)]
    monkeypatch.setenv("INDIGOMED_KEKS", f"new:{new},old:{old}")
    assert profile_of(members[0].pk).email == "rotating0@example.test", "reads go on during the rotation"
    call_command("rotate_keys")
    assert set(MemberKey.objects.values_list("kek_id", flat=True)) == {"new"}
    monkeypatch.setenv("INDIGOMED_KEKS", f"new:{new}")
    assert [profile_of(m.pk).email for m in members] == [f"rotating{i}@example.test" for i in range(3)]


@pytest.mark.django_db
def test_a_missing_key_encryption_key_is_a_clear_error(monkeypatch) -> None:
    member = make_user("lost.key@example.test", member=True)
    monkeypatch.setenv("INDIGOMED_KEKS", f"other:{new_key()}")
    with pytest.raises(crypto.Unreadable, match="not configured"):
        profile_of(member.pk)


def test_production_refuses_to_run_without_real_keys(settings, monkeypatch) -> None:
    monkeypatch.delenv("INDIGOMED_KEKS", raising=False)
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="must be set in production"):
        key_ring()


def test_a_malformed_key_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("INDIGOMED_KEKS", "k1:not-base64!")
    with pytest.raises(ImproperlyConfigured, match="base64"):
        key_ring()
    monkeypatch.setenv("INDIGOMED_KEKS", f"k1:{base64.b64encode(b'short').decode()}")
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        key_ring()


@pytest.mark.django_db
def test_a_key_kept_open_for_a_booking_is_forgotten_when_shredded() -> None:
    """A unit of work that unwraps a key once still cannot read what was shredded within it."""
    member = make_user("kept.open@example.test", member=True)
    with member_keys_kept_open():
        assert profile_of(member.pk).name == "Kept Open"
        shred_member_data(member_id=member.pk)
        with pytest.raises(crypto.Unreadable):
            profile_of(member.pk)
