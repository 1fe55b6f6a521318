from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.core.db import Sql, execute, json_value, timestamp


async def record(
    conn: BaseDBAsyncClient,
    *,
    actor_id: int | None,
    community_id: int | None,
    action: str,
    target: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit row on ``conn``, the transaction that makes the change it records."""
    statement = audit_row(
        actor_id=actor_id,
        community_id=community_id,
        action=action,
        target=target,
        at=at,
        before=before,
        after=after,
    )
    await execute(conn, statement.text, list(statement.params))


def audit_row(
    *,
    actor_id: int | None,
    community_id: int | None,
    action: str,
    target: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Sql:
    """The INSERT of one audit row, for ``record`` or a transaction written as steps."""
    return Sql(
        "INSERT INTO audit_entry (actor_id, community_id, action, target, before, after, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            actor_id,
            community_id,
            action,
            target,
            json_value(before),
            json_value(after),
            timestamp(at),
        ],
    )
