"""Issue 12 (French throughout): the practice's Connect calendar reads in French."""

from __future__ import annotations

from tests.french import french_client


def test_the_connect_calendar_reads_in_french(world, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    page = french_client(world.doctor_user).get("/connect/").content.decode()
    assert "Agenda Connect" in page and "Modifier les disponibilités" in page
    assert "Change availability" not in page
