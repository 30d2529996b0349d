"""DIR-2: one box finds a practitioner by name, specialty or visit reason, however accents and
capitals are typed, together with every other filter."""

from __future__ import annotations

import pytest
from django.test import Client

from indigomed.directory.models import Practitioner, PractitionerRole


def api(**params: object) -> tuple[int, dict]:
    response = Client().get("/api/search", {k: v for k, v in params.items() if v is not None})
    return response.status_code, response.json()


def names(**params: object) -> set[str]:
    status, body = api(**params)
    assert status == 200, body
    return {r["practitioner_name"] for r in body["results"]}


@pytest.fixture
def lefevre(world) -> Practitioner:
    """A practitioner whose family name carries an accent, seeing patients at the New York clinic."""
    doctor = Practitioner.objects.create(
        slug="marie-lefevre", given_name="Marie", family_name="Lefèvre", gender="female"
    )
    doctor.specialties.add(world.dermatology)
    PractitionerRole.objects.create(practitioner=doctor, facility=world.ny_clinic)
    return doctor


@pytest.mark.parametrize("typed", ["Hart", "hart", "HART", "Ada", "Ada Hart", "hart ada", "Dr. Hart", "Har"])
def test_a_practitioner_is_found_by_given_or_family_name(world, typed: str) -> None:
    """DIR-2: given and family names, in any order and case, with or without the title, or their start."""
    assert names(text=typed) == {"Dr. Ada Hart"}


@pytest.mark.parametrize("typed", ["Lefevre", "lefèvre", "LEFÈVRE", "LEFEVRE", "Lefév", "marie lefevre"])
def test_accents_and_capitals_are_ignored(lefevre, typed: str) -> None:
    """DIR-2: "Lefevre" finds "Lefèvre", and the other way round."""
    assert names(text=typed) == {"Dr. Marie Lefèvre"}


@pytest.mark.parametrize("typed", ["Coeur", "cœur", "CŒUR", "Claire Coeur"])
def test_ligatures_are_read_as_their_letters(world, typed: str) -> None:
    assert names(text=typed) == {"Dr Claire Cœur"}


@pytest.mark.parametrize("typed", ["cardiology", "Cardio", "cardiologist", "cardiologue", "CARDIOLOGY"])
def test_a_specialty_in_words_finds_its_practitioners(world, typed: str) -> None:
    """DIR-2: the specialty by its name, its start, or the word for its practitioner (English or French)."""
    assert names(text=typed) == {"Dr. Ada Hart", "Dr Claire Cœur"}


@pytest.mark.parametrize(
    ("typed", "expected"), [("chest pain", {"Dr. Ada Hart", "Dr Claire Cœur"}), ("acne", {"Dr. Ben Skinner"})]
)
def test_a_visit_reason_in_words_finds_who_sees_it(world, typed: str, expected: set[str]) -> None:
    assert names(text=typed) == expected


def test_a_name_and_a_specialty_together_must_both_fit(world, lefevre) -> None:
    assert names(text="Hart cardiology") == {"Dr. Ada Hart"}
    assert names(text="Lefevre dermatology") == {"Dr. Marie Lefèvre"}
    assert names(text="Skinner cardiology") == set()


def test_free_text_combines_with_the_other_filters(world, lefevre) -> None:
    """DIR-2: the words narrow what the plan, place, language and gender filters find."""
    assert names(text="cardiology", postal_code="10016") == {"Dr. Ada Hart"}
    assert names(text="cardiology", language="fr") == {"Dr Claire Cœur"}
    assert names(text="cardiology", plan="aetna-hmo") == {"Dr. Ada Hart"}
    assert names(text="derm", gender="male") == {"Dr. Ben Skinner"}
    assert names(text="derm", gender="female") == {"Dr. Marie Lefèvre"}
    assert names(text="lefevre", what="cardiology") == set()


def test_a_postal_code_among_the_words_is_searched_near(world) -> None:
    status, body = api(text="cardiology 10016")
    assert status == 200
    assert body["near"] == "New York, NY"
    assert [r["practitioner_name"] for r in body["results"]] == ["Dr. Ada Hart"]


def test_words_that_fit_nobody_find_nobody(world) -> None:
    status, body = api(text="Zyxwv")
    assert (status, body["results"]) == (200, [])


def test_words_that_mean_nothing_leave_the_search_as_it_was(world) -> None:
    """Titles, single letters and joining words are no filter: "Dr. A. the" lists everyone."""
    assert names(text="Dr. A the") == names()


def test_the_page_has_one_box_and_says_what_it_searched(world, lefevre) -> None:
    home = Client().get("/").content.decode()
    assert 'name="text"' in home
    page = Client().get("/search/", {"text": "Lefevre"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "“Lefevre”" in html
    assert "Dr. Marie Lefèvre" in html and "Dr. Ada Hart" not in html


def test_renamed_practitioners_are_found_by_their_new_name(world) -> None:
    """The name index follows every save: the old name no longer finds them, the new one does."""
    world.skin_doctor.family_name = "Lemaître"
    world.skin_doctor.save()
    assert names(text="lemaitre") == {"Dr. Ben Lemaître"}
    assert names(text="skinner") == set()


def test_practitioners_loaded_in_bulk_are_found_once_indexed(world, capsys) -> None:
    """Loads that bypass save() (imports, the benchmark generator) rebuild the index with one command."""
    from django.core.management import call_command

    bulk = Practitioner.objects.bulk_create(
        [Practitioner(slug="zoe-ngata", given_name="Zoé", family_name="Ngata", gender="female")]
    )
    PractitionerRole.objects.create(practitioner=bulk[0], facility=world.ny_clinic)
    assert names(text="ngata") == set()
    call_command("index_names")
    assert "name terms written" in capsys.readouterr().out
    assert names(text="Zoe Ngata") == {"Dr. Zoé Ngata"}


def test_free_text_runs_a_fixed_number_of_queries(world, lefevre, django_assert_max_num_queries) -> None:
    """No query per word or per result: a search with words costs what a search without them does."""
    Client().get("/api/search", {"text": "warm up the vocabulary cache"})
    with django_assert_max_num_queries(8):
        Client().get("/api/search", {"text": "Lefevre derm chest pain", "postal_code": "10016"})
