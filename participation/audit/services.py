from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.audit.models import AuditEntry
from participation.db import Sql, execute


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
    values = {
        "actor_id": actor_id,
        "community_id": community_id,
        "action": action,
        "target": target,
        "before": before,
        "after": after,
        "at": at,
    }
    fields = AuditEntry._meta.fields_map
    return Sql(
        f"INSERT INTO audit_entry ({', '.join(values)}) "  # noqa: S608 - fixed column names
        f"VALUES ({', '.join('?' * len(values))})",
        [fields[name].to_db_value(value, AuditEntry) for name, value in values.items()],
    )
