"""DIR-1: practitioner and facility profiles, with the week's open slots."""

from __future__ import annotations

from django.test import Client


def test_a_practitioner_page_shows_who_where_and_the_weeks_open_times(world) -> None:
    visitor = Client()
    # The week's times are offered once the visitor has said whether they are new and why they come.
    visitor.post("/practitioners/ada-hart/", {"patient": "new", "visit_reason": "chest-pain"})
    page = visitor.get("/practitioners/ada-hart/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Dr. Ada Hart",
        "Cardiology",
        "Spanish",
        "Aetna HMO",
        "Hudson Clinic",
        "1 Example Avenue",
        "40.7459",
        "-73.9781",
        "Chest pain",
    ):
        assert text in html, text
    assert html.count('class="slot"') >= 3


def test_the_practitioner_api_gives_the_same_profile(world) -> None:
    body = Client().get("/api/practitioners/ada-hart").json()
    assert body["name"] == "Dr. Ada Hart"
    assert [s["slug"] for s in body["specialties"]] == ["cardiology"]
    assert {lang["code"] for lang in body["languages"]} == {"en", "es"}
    assert body["plans"] == [{"slug": "aetna-hmo", "name": "HMO", "carrier": "Aetna"}]
    location = body["locations"][0]
    assert location["facility"]["timezone"] == "America/New_York"
    assert location["facility"]["latitude"] == 40.7459
    assert location["open_slots"]


def test_a_facility_page_lists_its_practitioners_and_address(world) -> None:
    world.ny_clinic.plans.add(world.aetna)
    page = Client().get("/facilities/hudson-clinic/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Hudson Clinic", "Dr. Ada Hart", "Dr. Ben Skinner", "Aetna HMO", "10016"):
        assert text in html
    body = Client().get("/api/facilities/hudson-clinic").json()
    assert {p["slug"] for p in body["practitioners"]} == {"ada-hart", "ben-skinner"}


def test_unknown_profiles_are_not_found(world) -> None:
    assert Client().get("/practitioners/nobody/").status_code == 404
    assert Client().get("/facilities/nowhere/").status_code == 404
    response = Client().get("/api/practitioners/nobody")
    assert response.status_code == 404
    assert "could not find" in response.json()["detail"]
