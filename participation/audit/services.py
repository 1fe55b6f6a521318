from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.audit.models import AuditEntry


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
    await AuditEntry.create(
        actor_id=actor_id,
        community_id=community_id,
        action=action,
        target=target,
        before=before,
        after=after,
        at=at,
        using_db=conn,
    )
