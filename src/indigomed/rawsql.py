"""Hand-written SQL for the hot paths (search, next open slots), portable across SQLite and PostgreSQL.

The ORM builds and compiles a query on every call; on the search path that cost more than the
database work itself (bench/search_http.py). These helpers make raw statements as safe and
typed as the ORM's: values always travel as parameters, and datetimes are adapted both ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime


def when(value: dt.datetime) -> Any:
    """A datetime as the database expects it in a parameter (UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def read_when(value: Any) -> dt.datetime:
    """A datetime read back from a raw row: aware on PostgreSQL, UTC text on SQLite."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"not a datetime: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def one_of(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """``column`` is one of ``values``: a condition and its parameters. On PostgreSQL one array
    parameter, so that the statement's text is the same however many values there are and the
    server prepares it once; on SQLite a placeholder for each."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({placeholders(values)})", list(values)


def rows(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def nulls_last(column: str) -> str:
    """ORDER BY fragment putting NULLs after values, on both engines."""
    return f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column}"
