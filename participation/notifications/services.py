from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from participation.accounts.models import User
from participation.core.db import transaction
from participation.notifications.kinds import KINDS
from participation.notifications.models import Notification


async def notify(
    conn: BaseDBAsyncClient, user_id: int, kind: str, *, now: datetime, **payload: object
) -> None:
    """Store an in-app notice on ``conn``, inside the transaction of what it reports; its kind
    must be registered (participation/notifications/kinds.py), or it could never be read."""
    if kind not in KINDS:
        raise ValueError(f"notice kind {kind!r} is not registered")
    await Notification.create(
        user_id=user_id, kind=kind, payload=payload, created_at=now, using_db=conn
    )
    await User.filter(id=user_id).using_db(conn).update(unread_notices=F("unread_notices") + 1)


async def mark_all_read(user_id: int, *, now: datetime) -> None:
    async with transaction() as conn:
        await (
            Notification.filter(user_id=user_id, read_at__isnull=True)
            .using_db(conn)
            .update(read_at=now)
        )
        await User.filter(id=user_id).using_db(conn).update(unread_notices=0)
