"""Sessions in the database, as Django keeps them, read with the user they are signed in as.

Every signed-in request reads its session and then its user (``accounts.authentication``): two
round trips to the database, each costing more than its answer. This store reads the live session
with this key and, through the sign-in that named it (``SignedInSession``), the user and what
they are, in one statement written once. The user so read is handed to the request's sign-in
check, which still decides from the session's own data whose session it is (``take_user``).
Everything else (writing, expiry, cycling keys) is Django's.

A session's data is signed, and checking the signature (an HMAC, base64, zlib) cost as much CPU
as the rest of reading it. The same signed text is checked once per process: the bytes it was
checked for are kept, keyed by that exact text, and each later read only parses them. A changed
session is new text and is checked again; a secret key taken out of service restarts the processes
that read with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connections
from django.utils import timezone

from indigomed import rawsql
from indigomed.accounts.models import ACTOR_ROWS, USER_AND_ROLES_BY_PK, SignedInSession, User

_statements: dict[str, str] = {}

# Signed session text -> the payload its signature was checked for. Bounded: cleared when full.
_checked: dict[str, bytes] = {}
_CHECKED_MAX = 20_000


def _session_with_user(using: str) -> str:
    """The user-and-roles statement (``accounts.models``), reached from a session key instead
    of a user id: its columns first, then the session's data and expiry."""
    sql = _statements.get(using)
    if sql is not None:
        return sql
    user = User._meta.db_table
    by_pk = USER_AND_ROLES_BY_PK.statement(using)
    select, _, rest = by_pk.partition(f' FROM "{user}" ')
    joins, _, where = rest.partition(" WHERE ")
    # Every role is optional: an inner join would make a session without that role no session.
    if (
        not select.startswith(f'SELECT "{user}"."id"')
        or where != f'"{user}"."id" = %s'
        or by_pk.count("%s") != 1
        or " INNER JOIN " in joins
    ):
        raise ValueError(f"unexpected shape of the signed-in user's statement: {by_pk}")
    sql = (
        f"{select}, s.session_data, s.expire_date"
        f' FROM "{Session._meta.db_table}" s'
        f' LEFT OUTER JOIN "{SignedInSession._meta.db_table}" n ON n.session_key = s.session_key'
        f' LEFT OUTER JOIN "{user}" ON "{user}"."id" = n.user_id {joins}'
        " WHERE s.session_key = %s AND s.expire_date > %s"
    )
    _statements[using] = sql
    return sql


def _check(session_data: str, *, salt: str, serializer: type) -> bytes | None:
    """The payload the signature of ``session_data`` holds for, kept for the next read; None if
    the signature or the payload does not hold."""
    kept: list[bytes] = []

    class Keeping(serializer):
        def loads(self, data: bytes) -> Any:
            kept.append(data)
            return super().loads(data)

    try:
        signing.loads(session_data, salt=salt, serializer=Keeping)
    except Exception:  # the caller then lets Django read it, and report it, as it does
        return None
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()
    _checked[session_data] = kept[0]
    return kept[0]


class SessionStore(db.SessionStore):
    _user: User | None = None

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        self._user = None
        if key:
            using = self.model.objects.db
            with connections[using].cursor() as cursor:
                now = connections[using].ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(_session_with_user(using), [key, now])
                raw = cursor.fetchall()
            if raw:
                data, expires = raw[0][-2:]
                if raw[0][0] is not None:
                    rows = USER_AND_ROLES_BY_PK.annotated_rows(raw, using)
                    self._user = rows[0][0]
                    setattr(self._user, ACTOR_ROWS, [roles for _, roles, _ in rows])
                return self.model(session_key=key, session_data=data, expire_date=rawsql.read_when(expires))
        self._session_key = None
        return None

    def decode(self, session_data: str | bytes) -> dict[str, Any]:
        if not isinstance(session_data, str):
            return super().decode(session_data)
        payload = _checked.get(session_data)
        if payload is None:
            payload = _check(session_data, salt=self.key_salt, serializer=self.serializer)
            if payload is None:
                return super().decode(session_data)  # Django's own answer to a bad signature or payload
        return self.serializer().loads(payload)

    def cycle_key(self) -> None:
        # The sign-in record follows its session to the new key (a password change, an old
        # secret key's hash renewed), so the session stays listed, can be ended, and is read
        # with its user in one statement.
        old = self.session_key
        super().cycle_key()
        if old and self.session_key and self.session_key != old:
            SignedInSession.objects.filter(session_key=old).update(session_key=self.session_key)

    def take_user(self) -> User | None:
        """The user this session's sign-in names, read with it; once, then forgotten."""
        user, self._user = self._user, None
        return user
