"""The shared cache's backend: Redis when REDIS_URL is set, else the database (SEC-1 rate limits)."""

from __future__ import annotations

import os
import subprocess
import sys


def settings_in_a_fresh_process(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "INDIGOMED_ENV", "DEBUG"}}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "indigomed.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_redis_holds_the_cache_when_redis_url_is_set() -> None:
    assert "RedisCache" in settings_in_a_fresh_process(REDIS_URL="redis://127.0.0.1:6379/0")
    assert "DatabaseCache" in settings_in_a_fresh_process()
