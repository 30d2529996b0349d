"""Key-encryption keys and the look-up key, from the environment (PI-3).

``INDIGOMED_KEKS`` holds one or more key-encryption keys as ``id:base64`` pairs separated by
commas; the first is current (it wraps new data keys), the others only unwrap until
``rotate_keys`` has re-wrapped everything under the current one. ``INDIGOMED_LOOKUP_KEY``
keys the hashes that let e-mail addresses and phone numbers be found without decrypting.
Each may also be read from a file named by the same variable with ``_FILE``.

Outside production, missing keys are generated once into ``var/keys/`` (a development key);
production settings refuse to start without real ones.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # AES-256


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keks: dict[str, bytes]
    lookup_key: bytes


def _from_env(name: str) -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "").strip()


def _decode(name: str, value: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be base64") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to {KEY_BYTES} bytes, not {len(key)}")
    return key


def _development_key(name: str) -> str:
    """A key generated once for this checkout's embedded database; never used in production."""
    return _development_key_in(str(settings.VAR_DIR), name)


# Read once per process and folder: a key file is written once and never changed, and every
# sealed value read or written asks for the ring.
@lru_cache(maxsize=8)
def _development_key_in(var_dir: str, name: str) -> str:
    path = Path(var_dir) / "keys" / name.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=8)
def _ring(keks_value: str, lookup_value: str) -> KeyRing:
    keks: dict[str, bytes] = {}
    current = ""
    for part in keks_value.split(","):
        key_id, sep, encoded = part.strip().partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured("INDIGOMED_KEKS must read 'id:base64,id:base64'")
        keks[key_id] = _decode(f"INDIGOMED_KEKS ({key_id})", encoded)
        current = current or key_id
    return KeyRing(current, keks, _decode("INDIGOMED_LOOKUP_KEY", lookup_value))


def check_keys(keks_value: str, lookup_value: str) -> list[str]:
    """What is wrong with these keys as production would read them; empty when they are usable."""
    try:
        _ring(keks_value.strip(), lookup_value.strip())
    except ImproperlyConfigured as exc:
        return [str(exc)]
    return []


def key_ring() -> KeyRing:
    keks, lookup = _from_env("INDIGOMED_KEKS"), _from_env("INDIGOMED_LOOKUP_KEY")
    if settings.PRODUCTION and (not keks or not lookup):
        raise ImproperlyConfigured("INDIGOMED_KEKS and INDIGOMED_LOOKUP_KEY must be set in production")
    keks = keks or f"dev:{_development_key('kek')}"
    lookup = lookup or _development_key("lookup")
    return _ring(keks, lookup)
