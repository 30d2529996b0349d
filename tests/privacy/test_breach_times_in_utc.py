"""SEC-3: the breach form's times are UTC, and the form says so with the time it is now in UTC, so
an officer in Paris or New York does not type a local time that shifts every clock (or is refused
as "in the future" when they meant "now")."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from tests.privacy.conftest import people  # noqa: F401 - the privacy office's personas


def test_the_breach_form_says_its_times_are_utc_and_what_time_it_is(people) -> None:  # noqa: F811
    office = Client()
    office.force_login(people.officer)
    page = office.get("/office/incidents/").content.decode()
    now = timezone.now()
    said = re.findall(r"In UTC: it is now (\d{4}-\d\d-\d\d \d\d:\d\d) UTC\.", page)
    assert len(said) == 3, "each of the three times says it"
    assert abs((timezone.datetime.fromisoformat(said[0] + "+00:00") - now).total_seconds()) < 120
    french = office.get("/office/incidents/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "En UTC : il est" in french
