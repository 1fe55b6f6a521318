from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.notifications.models import Notification


async def notify(
    conn: BaseDBAsyncClient, user_id: int, kind: str, *, now: datetime, **payload: object
) -> None:
    """Store an in-app notice on ``conn``, inside the transaction of what it reports."""
    await Notification.create(
        user_id=user_id, kind=kind, payload=payload, created_at=now, using_db=conn
    )
