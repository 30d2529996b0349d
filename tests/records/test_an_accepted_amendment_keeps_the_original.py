"""RIGHT-AMEND, PI-4: an accepted amendment puts the new value in the record and keeps the value it
replaced, sealed and linked to the record; the member can read both. Date of birth and country
change only this way."""

from __future__ import annotations

import datetime as dt

from indigomed.privacy.amendment_queries import own_amendments
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.services import disclose_visit_history
from indigomed.privacy.subjects import load_subjects
from indigomed.records.amendments import Target, value_of
from indigomed.records.models import Amendment
from indigomed.records.queries import booking_details, profile_of, visit_history_for
from indigomed.scheduling.services import set_visit_status
from tests.privacy.amending import accept, ask_to_amend, book, officer, signed_in


def test_a_corrected_date_of_birth_applies_and_the_original_stays_readable_and_linked(world) -> None:
    """RIGHT-AMEND: the new value applies; the original is kept with the amendment, sealed."""
    office = officer()
    amendment = ask_to_amend(world.member, "profile:date_of_birth", "1984-06-01", "My birth certificate says 1984.")
    assert profile_of(world.member.pk).date_of_birth == dt.date(1985, 6, 1), "nothing changes before the answer"
    accept(office, amendment)

    assert profile_of(world.member.pk).date_of_birth == dt.date(1984, 6, 1)
    [view] = own_amendments(actor=world.member)
    assert view.row.record == "profile:date_of_birth" and view.row.status == Amendment.Status.ACCEPTED
    assert view.opened.original == "1985-06-01" and view.original == "1 June 1985"
    assert view.proposed == "1 June 1984"
    # Sealed like the record itself: neither value nor the member's words are in the row in clear.
    raw = Amendment.objects.filter(pk=amendment.pk).values_list("original", "proposed", "why").get()
    assert all(b"1985" not in bytes(v) and b"1984" not in bytes(v) and b"certificate" not in bytes(v) for v in raw)
    page = signed_in(world.member).get("/me/amendments/").content.decode()
    assert "It read before: 1 June 1985" in page and "Accepted" in page


def test_date_of_birth_and_country_cannot_be_changed_on_the_profile_page(world) -> None:
    """PI-4: the profile form edits contact and demographic data, but not these two."""
    client = signed_in(world.member)
    response = client.post("/me/", {"name": "Pat Member", "date_of_birth": "2001-01-01", "country": "FR"})
    assert response.status_code == 302
    profile = profile_of(world.member.pk)
    assert (profile.date_of_birth, profile.country) == (dt.date(1985, 6, 1), "US")
    page = client.get("/me/").content.decode()
    assert "/me/amendments/new/?record=profile:date_of_birth" in page
    assert "/me/amendments/new/?record=profile:country" in page


def test_a_corrected_country_moves_the_member_under_that_countrys_rules(world) -> None:
    """RIGHT-AMEND: a member who lives in France is under France's rules once the office agrees;
    the US state they had given no longer applies."""
    office = officer()
    client = signed_in(world.member)
    client.post("/me/", {"name": "Pat Member", "region": "FL"})
    assert load_subjects([world.member.pk])[world.member.pk].jurisdiction == "us-fl"
    amendment = ask_to_amend(world.member, "profile:country", "FR", "I moved to Lyon last year.")
    accept(office, amendment)
    profile = profile_of(world.member.pk)
    assert (profile.country, profile.region) == ("FR", None)
    assert load_subjects([world.member.pk])[world.member.pk].jurisdiction == "fr"


def test_a_corrected_booking_reason_carries_the_new_reasons_sensitive_kinds(world) -> None:
    """RIGHT-AMEND, PI-2: a booking's reason changes with its sensitivity tags, so later decisions
    are made on what the record now says; the original reason stays with the amendment."""
    world.acne.tags = ["std"]
    world.acne.save(update_fields=["tags"])
    visit = book(world)
    record = f"booking:{visit.public_id}:reason"
    amendment = ask_to_amend(world.member, record, "acne", "I came about my skin, not my heart.")
    accept(officer(), amendment)
    details = booking_details({visit.public_id: world.member.pk})[visit.public_id]
    assert (details.reason_slug, details.reason_name, details.tags) == ("acne", "Acne", ("std",))
    assert details.plan_slug == "aetna-hmo", "the booking's insurance is another record, untouched"
    [view] = own_amendments(actor=world.member)
    assert view.opened.original == {"slug": "chest-pain", "name": "Chest pain", "tags": []}


def test_a_corrected_visit_history_entry_is_what_the_practice_is_given(world) -> None:
    """RIGHT-AMEND, BOOK-4: a completed visit's reason is corrected in the history, with its tags."""
    visit = book(world)
    set_visit_status(actor=world.doctor_user, public_id=str(visit.public_id), status="completed")
    [entry] = visit_history_for(world.member.pk)
    record = f"{entry.ref}:reason"
    amendment = ask_to_amend(world.member, record, "acne", "The visit was about acne.")
    accept(officer(), amendment)
    [entry] = visit_history_for(world.member.pk)
    assert entry.reason == "Acne"
    assert value_of(world.member.pk, Target("visit", entry.ref.removeprefix("visit:"), "reason")) == (
        True,
        {"name": "Acne", "tags": []},
    )
    doctor = Recipient.practitioner(world.heart_doctor.pk, "Dr. Ada Hart")
    [given] = disclose_visit_history(
        actor_user_id=None, recipient=doctor, purpose="treatment", member_id=world.member.pk
    )
    assert given.reason == "Acne" and given.disputes == ()
