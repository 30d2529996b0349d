"""Sealing and opening one member's values with their data key; the only code that decrypts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, models, transaction

from indigomed.precompiled import Precompiled
from indigomed.records import crypto
from indigomed.records.keys import key_ring
from indigomed.records.models import MemberKey

_ONE_KEY = Precompiled(
    lambda member_id: MemberKey.objects.filter(member_id=member_id).values_list("member_id", "kek_id", "wrapped")
)


class Vault:
    """One member's data key, unwrapped once, for sealing and opening their values."""

    def __init__(self, member_id: int, data_key: bytes) -> None:
        self.member_id = member_id
        self._key = data_key

    @classmethod
    def open_for(cls, member_id: int) -> Vault:
        """The member's vault; ``crypto.Unreadable`` if their key was shredded or never made."""
        row = MemberKey.objects.filter(member_id=member_id).values_list("kek_id", "wrapped").first()
        if row is None:
            raise crypto.Unreadable("This member's data key does not exist (never made, or shredded).")
        return cls(member_id, crypto.unwrap(key_ring(), row[0], row[1]))

    @classmethod
    def open_many(cls, member_ids: Iterable[int]) -> dict[int, Vault]:
        """The vaults of several members in one query; members whose key is gone are left out."""
        wanted = set(member_ids)
        if not wanted:
            return {}
        ring = key_ring()
        vaults: dict[int, Vault] = {}
        # One member (their own pages and API, a booking) is the common case: a statement compiled once.
        rows = (
            _ONE_KEY.rows(next(iter(wanted)))
            if len(wanted) == 1
            else MemberKey.objects.filter(member_id__in=wanted).values_list("member_id", "kek_id", "wrapped")
        )
        for member_id, kek_id, wrapped in rows:
            try:
                vaults[member_id] = cls(member_id, crypto.unwrap(ring, kek_id, wrapped))
            except crypto.Unreadable:
                continue
        return vaults

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
