"""Plain SQL beside the ORM, with ``?`` placeholders on both backends: for hot paths where
the ORM's query building costs several times the query itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.core.db import fast
from participation.core.db.connection import client, is_postgres


def placeholders(sql: str) -> str:
    """``?`` placeholders as the open database writes them (``$1, $2, ...`` on PostgreSQL)."""
    if not is_postgres():
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" if i < len(parts) else part for i, part in enumerate(parts, 1))


async def fetch_all(
    sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Rows as plain dicts; on ``conn`` inside a transaction."""
    return await (conn or client()).execute_query_dict(placeholders(sql), params)


async def fetch_row(sql: str, params: list[Any]) -> dict[str, Any] | None:
    """One row, for lookups made on nearly every request (the signed-in user, the community):
    on SQLite read on the event loop's own thread (core/db/fast.py), where a hop to aiosqlite's
    thread cost more than the query."""
    reader = fast.loop_connection("read")
    if reader is not None:
        found = reader.execute(sql, params).fetchone()
        return dict(found) if found else None
    rows = await fetch_all(sql, params)
    return rows[0] if rows else None


async def execute(conn: BaseDBAsyncClient, sql: str, params: list[Any]) -> int:
    """A write on ``conn``; returns the rows it changed."""
    changed, _rows = await conn.execute_query(placeholders(sql), params)
    return int(changed)


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``text`` anywhere, its own % and _ literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def timestamp(moment: datetime) -> datetime:
    """A moment as a parameter of plain SQL, stored as the ORM stores it (UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_value(value: Any) -> str | None:
    """A JSON column's parameter in plain SQL, as the ORM writes it."""
    return None if value is None else json.dumps(value)


def as_datetime(value: datetime | str) -> datetime:
    """A timestamp read with plain SQL: PostgreSQL gives datetimes, SQLite ISO text (UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_json(value: Any) -> Any:
    """A JSON column read with plain SQL: SQLite and asyncpg give its text."""
    return json.loads(value) if isinstance(value, str | bytes) else value
