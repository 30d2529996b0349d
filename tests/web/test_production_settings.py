"""Production refuses to start without a mail transport, its keys, its public address and its
collected static files, naming what is missing, rather than failing at the first sign-in."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

KEY = base64.b64encode(b"k" * 32).decode()
START = "import django; django.setup(); print('started')"


def production_env(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDIGOMED_", "EMAIL_", "DATABASE_URL", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="indigomed.settings",
        INDIGOMED_ENV="production",
        INDIGOMED_VAR_DIR=str(var_dir),
        SECRET_KEY="a-production-secret-for-this-test-only-q8Zr1vXk2LwP9sTn4",
        ALLOWED_HOSTS="care.example.test",
        EMAIL_HOST="smtp.example.test",
        INDIGOMED_KEKS=f"k1:{KEY}",
        INDIGOMED_LOOKUP_KEY=KEY,
        SITE_URL="https://care.example.test",
        SMS_BACKEND="indigomed.messaging.channels.FolderSMSBackend",
        LETTER_BACKEND="indigomed.messaging.channels.FolderLetterBackend",
        INDIGOMED_MESSAGES_DIR=str(var_dir / "mail-house-pickup"),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Generous: collectstatic compresses every file, and a shared machine may be busy.
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    return tmp_path


def test_production_starts_with_everything_it_needs(var_dir: Path) -> None:
    result = start(production_env(var_dir), "-c", START)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    "missing", ["EMAIL_HOST", "INDIGOMED_KEKS", "INDIGOMED_LOOKUP_KEY", "SITE_URL", "SMS_BACKEND", "LETTER_BACKEND"]
)
def test_production_refuses_to_start_without(var_dir: Path, missing: str) -> None:
    """SEC-1: no e-mail (reset links) printed to the logs, no 500 at the first sign-in."""
    result = start(production_env(var_dir, **{missing: None}), "-c", START)
    assert result.returncode != 0
    assert "will not start in production without" in result.stderr
    assert missing in result.stderr.splitlines()[-1]
    assert "started" not in result.stdout


def test_production_refuses_a_folder_backend_writing_to_the_development_folder(var_dir: Path) -> None:
    """MSG-1: texts and letters written under var/ would reach nobody; a spool folder must be named."""
    result = start(production_env(var_dir, INDIGOMED_MESSAGES_DIR=None), "-c", START)
    assert result.returncode != 0
    assert "INDIGOMED_MESSAGES_DIR" in result.stderr.splitlines()[-1]


def test_production_refuses_to_start_without_collected_static_files(var_dir: Path) -> None:
    (var_dir / "static" / "staticfiles.json").unlink()
    result = start(production_env(var_dir), "-c", START)
    assert result.returncode != 0
    assert "collected static files" in result.stderr.splitlines()[-1]


def test_collectstatic_runs_before_static_files_are_collected(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    result = start(env, "-m", "indigomed", "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    assert start(env, "-c", START).returncode == 0


def test_production_refuses_to_start_with_debug_on(var_dir: Path) -> None:
    result = start(production_env(var_dir, DEBUG="1"), "-c", START)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("INDIGOMED_KEKS", "garbage", "INDIGOMED_KEKS must read"),
        ("INDIGOMED_KEKS", f"k1:{base64.b64encode(b'short').decode()}", "must decode to 32 bytes"),
        ("INDIGOMED_LOOKUP_KEY", "a", "INDIGOMED_LOOKUP_KEY must be base64"),
        ("SITE_URL", "notaurl", "SITE_URL must be the site's https:// address"),
        ("SITE_URL", "http://care.example.test", "SITE_URL must be the site's https:// address"),
        ("SECRET_KEY", "a", "SECRET_KEY must be at least 50 random characters"),
        ("EMAIL_HOST", "   ", "will not start in production without: EMAIL_HOST"),
    ],
)
def test_production_refuses_to_start_with_a_value_it_cannot_use(
    var_dir: Path, name: str, value: str, said: str
) -> None:
    """SEC-1: a key or address present but unusable stops the start, not the first sign-in."""
    result = start(production_env(var_dir, **{name: value}), "-c", START)
    assert result.returncode != 0
    assert said in result.stderr.splitlines()[-1]
    assert "started" not in result.stdout


@pytest.mark.parametrize("mode", ["prod", "Production", "staging"])
def test_a_mistyped_mode_refuses_to_start_rather_than_run_as_development(var_dir: Path, mode: str) -> None:
    result = start(production_env(var_dir, INDIGOMED_ENV=mode), "-c", START)
    assert result.returncode != 0
    assert "INDIGOMED_ENV must be 'development' or 'production'" in result.stderr.splitlines()[-1]
