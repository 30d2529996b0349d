"""Envelope encryption (PI-3): AES-256-GCM field values under a data key per member, each data key
wrapped by a key-encryption key. Deleting a member's wrapped data key makes every sealed value of
theirs unreadable, wherever a copy of the rows went (crypto-shredding)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from indigomed.records.keys import KEY_BYTES, KeyRing

NONCE_BYTES = 12


class Unreadable(Exception):
    """The value cannot be opened: its key is gone, or the bytes or their context were altered."""


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def _open(key: bytes, sealed: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
    except (InvalidTag, ValueError) as exc:
        raise Unreadable("This value cannot be decrypted.") from exc


def wrap(ring: KeyRing, data_key: bytes) -> tuple[str, bytes]:
    """The data key sealed under the current key-encryption key, and that key's id."""
    return ring.current_id, _seal(ring.keks[ring.current_id], data_key, b"indigomed:data-key")


def unwrap(ring: KeyRing, kek_id: str, wrapped: bytes | memoryview) -> bytes:
    kek = ring.keks.get(kek_id)
    if kek is None:
        raise Unreadable(f"The key-encryption key {kek_id!r} is not configured.")
    return _open(kek, bytes(wrapped), b"indigomed:data-key")


def seal_bytes(data_key: bytes, value: bytes, context: str) -> bytes:
    """Encrypt a document (bytes) the way ``seal`` encrypts a field value."""
    return _seal(data_key, value, context.encode("utf-8"))


def unseal_bytes(data_key: bytes, sealed: bytes, context: str) -> bytes:
    return _open(data_key, sealed, context.encode("utf-8"))


def seal(data_key: bytes, value: str, context: str) -> bytes:
    """Encrypt a field value. ``context`` (table, field, member) is authenticated, so a sealed
    value copied into another member's row or another field does not open."""
    return _seal(data_key, value.encode("utf-8"), context.encode("utf-8"))


def unseal(data_key: bytes, sealed: bytes, context: str) -> str:
    return _open(data_key, bytes(sealed), context.encode("utf-8")).decode("utf-8")


def lookup_hash(ring: KeyRing, kind: str, value: str) -> str:
    """A keyed hash for finding a member by e-mail or phone without decrypting anyone's data."""
    normalized = value.strip().lower() if kind == "email" else "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return hmac.new(ring.lookup_key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()
