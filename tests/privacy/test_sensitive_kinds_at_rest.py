"""PI-2/PI-3: that a member has information of a sensitive kind is itself health information.
After a Florida member books an HIV test with consent and the practitioner reads their calendar,
the database holds "hiv" nowhere next to the member: not in the booking, the consent, the ledger
or the access log. Only the directory's catalogue says which reasons are of that kind."""

from __future__ import annotations

import re

from django.test import Client

from indigomed.directory.models import VisitReason
from indigomed.privacy.ledger_checks import verify
from indigomed.privacy.models import Disclosure
from indigomed.privacy.sealed import open_disclosed_tags, seal_disclosed_tags
from indigomed.records.services import update_demographics
from indigomed.records.vault import Vault
from indigomed.scheduling.models import Appointment
from tests.accounts.test_sealed_sign_in_address import stored_values
from tests.scheduling.helpers import open_slot
from tests.scheduling.test_what_the_practice_sees import calendar_rows

CATALOGUE = "directory_visitreason"
# Stored forms split on the characters our fields put around a tag (JSON, lists, rules);
# sealed values are base64 or bytes and never split into a bare tag.
TOKENS = re.compile(r"[\s,:;@\[\]{}()\"'=]+")


def test_an_hiv_visit_booked_with_consent_and_read_by_the_practice_leaves_no_hiv_in_clear(world) -> None:
    update_demographics(member_id=world.member.pk, region="FL")
    VisitReason.objects.create(slug="hiv-test", name="HIV test", specialty=world.cardiology, tags=["hiv"])
    member = Client()
    member.force_login(world.member)
    slot = open_slot(world.heart_role)
    signature = "Pat Quintessa Example"
    booked = member.post(f"/book/{slot.pk}/", {"visit_reason": "hiv-test", "consent": "on", "signed_name": signature})
    assert booked.status_code == 302
    [row] = calendar_rows(world.doctor_user, Appointment.objects.get(slot=slot))
    assert row["visit_reason"] == "HIV test", "with the consent, the practitioner sees the reason"

    for table, value in stored_values():
        if table == CATALOGUE:
            continue
        assert "hiv" not in {token.lower() for token in TOKENS.split(value)}, table
        assert "hiv test" not in value.lower() and "quintessa" not in value.lower(), table

    disclosure = Disclosure.objects.get(member_id=world.member.pk, purpose="treatment", categories="medical")
    assert open_disclosed_tags(Vault.open_for(world.member.pk), disclosure.tags) == ["hiv"]
    assert verify().ok


def test_ledger_entries_written_before_tags_were_sealed_still_read(people) -> None:
    vault = Vault.open_for(people.florida.pk)
    assert open_disclosed_tags(vault, "hiv,std") == ["hiv", "std"]
    assert open_disclosed_tags(vault, "") == []
    assert open_disclosed_tags(vault, seal_disclosed_tags(vault, ["std", "hiv"])) == ["hiv", "std"]
