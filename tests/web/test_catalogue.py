"""Issue 12 "French throughout": the catalogue under version control is complete. Collecting the
marked strings afresh (``make messages``) leaves no entry without French and no fuzzy one, and the
compiled catalogue the site reads is the one the sources give."""

from __future__ import annotations

import contextlib
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

import indigomed

SOURCE = Path(indigomed.__file__).parent
MESSAGES = Path("locale") / "fr" / "LC_MESSAGES"


def _catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def _entries(po: Path) -> list[str]:
    """Each entry of a .po file, as its text (the header first)."""
    return [entry for entry in re.split(r"\n\s*\n", po.read_text(encoding="utf-8")) if entry.strip()]


def _missing_french(entry: str) -> bool:
    # An entry's msgstr lines: `msgstr ""` followed by continuation lines, or msgstr[n] for plurals.
    for block in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry + "\n", flags=re.MULTILINE):
        if not "".join(re.findall(r'"(.*)"', block)):
            return True
    return False


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sources copied aside, and makemessages run on the copy as ``make messages`` runs it."""
    copy = tmp_path_factory.mktemp("catalogue") / "indigomed"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    with override_settings(LOCALE_PATHS=[copy / "locale"]), contextlib.chdir(copy):
        call_command(
            "makemessages", locale=["fr"], no_location=True, no_obsolete=True, ignore_patterns=["static/*"], verbosity=0
        )
    return copy / MESSAGES / "django.po"


def test_every_marked_string_has_its_french_and_none_is_fuzzy(fresh_catalogue: Path) -> None:
    entries = _entries(fresh_catalogue)[1:]  # the header's msgstr is its metadata
    assert len(entries) > 200
    assert [e for e in entries if re.search(r"^#,.*\bfuzzy\b", e, flags=re.MULTILINE)] == []
    assert [e for e in entries if _missing_french(e)] == []


def test_the_sources_give_the_catalogue_under_version_control(fresh_catalogue: Path, tmp_path: Path) -> None:
    committed_po = SOURCE / MESSAGES / "django.po"
    assert _entries(fresh_catalogue)[1:] == _entries(committed_po)[1:], "run `make messages` and commit"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(committed_po)], check=True)
    assert _catalog(compiled) == _catalog(SOURCE / MESSAGES / "django.mo"), "compile the catalogue and commit it"


def test_the_check_sees_an_entry_without_french() -> None:
    assert _missing_french('msgid "Hello"\nmsgstr ""')
    assert _missing_french('msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] ""')
    assert not _missing_french('msgid ""\n"Hello"\nmsgstr ""\n"Bonjour"')
