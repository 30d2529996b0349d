"""USE-3: opening a member's sealed address is allowed only in records, privacy and messaging, and
the import-linter contract that says so fails the build when any other room tries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "indigomed"
ONE_DOOR = "One door"
INSIDE_THE_DOOR = {"indigomed.records", "indigomed.privacy", "indigomed.messaging"}


def one_door_contract() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith(ONE_DOOR)]
    return {key: contract[key] for key in ("source_modules", "forbidden_modules")}


def lint_a_copy(tmp_path: Path, extra_modules: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run import-linter, with the project's own configuration, over a copy of the package with
    ``extra_modules`` (path inside the package -> source) written into it."""
    copy = tmp_path / "src" / "indigomed"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "data"))
    for path, source in extra_modules.items():
        (copy / path).write_text(source)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    # The copy comes first on the path, ahead of the installed package.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    return subprocess.run(
        [str(lint_imports), "--config", "pyproject.toml", "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_door_verdict(output: str) -> str:
    """KEPT or BROKEN: the first verdict import-linter prints after the one-door contract's name."""
    after = " ".join(output.split()).split(ONE_DOOR, 1)[1]
    found = {verdict: after.find(verdict) for verdict in ("KEPT", "BROKEN") if verdict in after}
    return min(found, key=found.__getitem__)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("scheduling/sneak.py", "from indigomed.records.sign_in import address_for\n"),
        ("accounts/sneak.py", "from indigomed.records import sign_in\n"),
        ("search/sneak.py", "import indigomed.records.sign_in\n"),
    ],
)
def test_a_room_outside_the_door_that_opens_addresses_breaks_the_build(tmp_path: Path, path: str, source: str) -> None:
    """USE-3, PI-3: whichever way a room outside the door imports ``records.sign_in``, lint fails."""
    result = lint_a_copy(tmp_path, {path: source})
    assert result.returncode != 0, result.stdout
    assert one_door_verdict(result.stdout) == "BROKEN", result.stdout
    assert "indigomed." + path.removesuffix(".py").replace("/", ".") in result.stdout


def test_the_rooms_inside_the_door_may_open_addresses(tmp_path: Path) -> None:
    """The control for the test above: the same copy, with messaging opening an address, passes."""
    result = lint_a_copy(tmp_path, {"messaging/opener.py": "from indigomed.records.sign_in import address_for\n"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert one_door_verdict(result.stdout) == "KEPT"


def test_every_room_but_records_privacy_and_messaging_is_held_by_the_contract() -> None:
    """USE-3: a new room is outside the door until someone decides otherwise, in review."""
    rooms = {f"indigomed.{p.name}" for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    contract = one_door_contract()
    assert set(contract["source_modules"]) >= rooms - INSIDE_THE_DOOR
    assert not set(contract["source_modules"]) & INSIDE_THE_DOOR
    assert "indigomed.records.sign_in" in contract["forbidden_modules"]
