"""Sessions in the database, as Django keeps them, read by a statement written once.

Every signed-in request reads its session; Django's store builds and compiles an ORM query for
it each time, which costs more than the database's answer. This store reads the same row (a
live session with this key) with fixed SQL and leaves everything else (writing, expiry,
cycling keys) to Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

from indigomed import rawsql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if key:
            found = rawsql.rows(
                "SELECT session_data, expire_date FROM django_session WHERE session_key = %s AND expire_date > %s",
                [key, rawsql.when(timezone.now())],
            )
            if found:
                data, expires = found[0]
                return self.model(session_key=key, session_data=data, expire_date=rawsql.read_when(expires))
        self._session_key = None
        return None
