"""Sealing and opening one member's values with their data key; the only code that decrypts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, models, transaction

from indigomed.precompiled import Precompiled
from indigomed.records import crypto
from indigomed.records.keys import KeyRing, key_ring
from indigomed.records.models import MemberKey

# One member's key (their own pages and API, a booking): the common case, compiled once.
_ONE_KEY = Precompiled(
    lambda member_id: MemberKey.objects.filter(member_id=member_id).values_list("member_id", "kek_id", "wrapped")
)


# The vaults opened inside ``kept_open()``, by member; None outside one.
_KEPT: ContextVar[dict[int, Vault] | None] = ContextVar("indigomed_vaults_kept", default=None)


@contextmanager
def kept_open() -> Iterator[None]:
    """Within the block, each member's data key is read and unwrapped once, however many values
    are sealed or opened: a booking seals its details and then each of its messages. Nothing is
    kept past the block; shredding a key inside it forgets the vault too. Blocks nest into the
    outermost."""
    if _KEPT.get() is not None:
        yield
        return
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def forget(member_id: int) -> None:
    """Drop a member's vault kept open by the enclosing ``kept_open()`` (their key is going)."""
    kept = _KEPT.get()
    if kept is not None:
        kept.pop(member_id, None)


def _kept(member_id: int) -> Vault | None:
    kept = _KEPT.get()
    return None if kept is None else kept.get(member_id)


class Vault:
    """One member's data key, unwrapped once, for sealing and opening their values."""

    def __init__(self, member_id: int, data_key: bytes) -> None:
        self.member_id = member_id
        self._key = data_key

    @classmethod
    def open_for(cls, member_id: int) -> Vault:
        """The member's vault; ``crypto.Unreadable`` if their key was shredded or never made."""
        found = _kept(member_id)
        if found is not None:
            return found
        rows = _ONE_KEY.rows(member_id)  # one at most: a member has one data key
        if not rows:
            raise crypto.Unreadable("This member's data key does not exist (never made, or shredded).")
        _, kek_id, wrapped = rows[0]
        return cls._unwrapped(member_id, key_ring(), kek_id, wrapped)

    @classmethod
    def open_many(cls, member_ids: Iterable[int]) -> dict[int, Vault]:
        """The vaults of several members in one query; members whose key is gone are left out."""
        wanted = set(member_ids)
        vaults = {member_id: vault for member_id in wanted if (vault := _kept(member_id)) is not None}
        wanted -= vaults.keys()
        if not wanted:
            return vaults
        ring = key_ring()
        rows = (
            _ONE_KEY.rows(next(iter(wanted)))
            if len(wanted) == 1
            else MemberKey.objects.filter(member_id__in=wanted).values_list("member_id", "kek_id", "wrapped")
        )
        for member_id, kek_id, wrapped in rows:
            try:
                vaults[member_id] = cls._unwrapped(member_id, ring, kek_id, wrapped)
            except crypto.Unreadable:
                continue
        return vaults

    @classmethod
    def from_wrapped(cls, member_id: int, kek_id: str | None, wrapped: bytes | memoryview | None) -> Vault | None:
        """The member's vault from their wrapped key read alongside other rows; None if it is gone."""
        found = _kept(member_id)
        if found is not None or kek_id is None or wrapped is None:
            return found
        try:
            return cls._unwrapped(member_id, key_ring(), kek_id, wrapped)
        except crypto.Unreadable:
            return None

    @classmethod
    def _unwrapped(cls, member_id: int, ring: KeyRing, kek_id: str, wrapped: bytes | memoryview) -> Vault:
        """The vault of a wrapped key (``crypto.Unreadable`` if it does not unwrap), kept within
        an enclosing ``kept_open()``."""
        vault = cls(member_id, crypto.unwrap(ring, kek_id, bytes(wrapped)))
        kept = _KEPT.get()
        if kept is not None:
            kept[member_id] = vault
        return vault

    @classmethod
    def create_for(cls, member_id: int) -> Vault:
        """The member's vault, making their data key on first use."""
        try:
            return cls.open_for(member_id)
        except crypto.Unreadable:
            pass
        data_key = crypto.new_data_key()
        kek_id, wrapped = crypto.wrap(key_ring(), data_key)
        try:
            with transaction.atomic():
                MemberKey.objects.create(member_id=member_id, kek_id=kek_id, wrapped=wrapped)
        except IntegrityError:
            return cls.open_for(member_id)  # made meanwhile by another request
        # Not kept open: the key is only the member's once this transaction commits.
        return cls(member_id, data_key)

    def _context(self, model: type[models.Model], field: str) -> str:
        return f"{model._meta.db_table}.{field}:{self.member_id}"

    def seal(self, model: type[models.Model], field: str, value: str | None) -> bytes | None:
        if value is None:
            return None
        return crypto.seal(self._key, value, self._context(model, field))

    def open(self, model: type[models.Model], field: str, sealed: bytes | memoryview | None) -> str | None:
        if sealed is None:
            return None
        return crypto.unseal(self._key, bytes(sealed), self._context(model, field))

    def seal_document(self, model: type[models.Model], field: str, content: bytes) -> bytes:
        """A file's content, sealed for one field of one model (the file lives outside the row)."""
        return crypto.seal_bytes(self._key, content, self._context(model, field))

    def open_document(self, model: type[models.Model], field: str, sealed: bytes) -> bytes:
        return crypto.unseal_bytes(self._key, sealed, self._context(model, field))
