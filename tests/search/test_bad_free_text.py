"""DIR-2: whatever is typed into the search box (huge strings, control characters, invisible marks,
nonsense codes among the words) gets a message beside the box or a plain empty answer, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

CONTROL = ["a\x00b", "Hart\x1b[31m", "Hart\x07", "line\nbreak\r", "Ha\x7frt"]
INVISIBLE = ["\u202eTRAH", "Ha\u200brt", "\u2066Hart"]


def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("typed", [t for t in CONTROL if "\x00" not in t] + INVISIBLE)
def test_control_and_invisible_characters_are_refused_with_a_message(world, typed: str) -> None:
    response = client().get("/api/search", {"text": typed})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Type letters, digits and spaces only: remove the control or invisible characters."
    )
    page = client().get("/search/", {"text": typed})
    assert page.status_code == 400
    assert 'id="text-error">Type letters, digits and spaces only' in page.content.decode(), "beside the box"


def test_a_null_character_is_refused_before_the_database(world) -> None:
    response = client().get("/api/search", {"text": "a\x00b"})
    assert response.status_code == 400
    page = client().get("/search/", {"text": "a\x00b"})
    assert page.status_code == 400
    assert "Null characters are not allowed" in page.content.decode()


@pytest.mark.parametrize("size", [101, 10_000, 200_000])
def test_huge_text_is_refused(world, size: int) -> None:
    response = client().get("/api/search", {"text": "x" * size})
    assert response.status_code in (413, 422)
    page = client().get("/search/", {"text": "x" * size})
    assert page.status_code in (400, 413)
    if page.status_code == 400:
        assert "at most 100 characters" in page.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "!!!",
        "-- ; DROP TABLE directory_practitioner",
        "' OR 1=1 --",
        "%",
        "_",
        "é" * 100,
        "𝔇𝔯 ℌ𝔞𝔯𝔱",
        "😀 cardiology",
        "123456 9999 00000",
        "ﷺ",
        "x" * 100,
        " ".join(["word"] * 20),
    ],
)
def test_odd_but_printable_text_is_an_ordinary_search(world, typed: str) -> None:
    """Punctuation, SQL, wildcards, emoji, long words and digits are words like any other."""
    response = client().get("/api/search", {"text": typed})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["code"] in {"invalid", "which_place"}
    page = client().get("/search/", {"text": typed})
    assert page.status_code in (200, 400)


def test_mathematical_letters_read_as_plain_ones(world) -> None:
    """NFKD reads "𝔇𝔯 ℌ𝔞𝔯𝔱" as "Dr Hart"."""
    body = client().get("/api/search", {"text": "𝔇𝔯 ℌ𝔞𝔯𝔱"}).json()
    assert [r["practitioner_name"] for r in body["results"]] == ["Dr. Ada Hart"]


def test_an_unknown_code_among_the_words_is_explained(world) -> None:
    response = client().get("/api/search", {"text": "cardiology 99999"})
    assert response.status_code == 400
    assert response.json()["detail"] == "We do not know that ZIP or postal code in the United States or France."


@pytest.mark.parametrize("country", ["DE", "us ", "\x00", "F" * 5000])
def test_an_unknown_country_is_refused(world, country: str) -> None:
    assert client().get("/api/search", {"postal_code": "75011", "country": country}).status_code in (413, 422)
    page = client().get("/search/", {"postal_code": "75011", "country": country})
    assert page.status_code in (400, 413)
