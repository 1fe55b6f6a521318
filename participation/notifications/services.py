from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.core.db import execute, transaction
from participation.notifications.kinds import KINDS
from participation.notifications.models import Notification

# The user's count of unread notices (the ``unread_notices`` column of accounts' user table)
# is kept by notifications, in the transaction of each notice and of reading them: the header
# shows it from the signed-in user's own row, read on every request, without counting notices.
# Plain SQL, because notifications know no capability's models.
_COUNT_ONE_MORE = 'UPDATE "user" SET unread_notices = unread_notices + 1 WHERE id = ?'
_COUNT_NONE = 'UPDATE "user" SET unread_notices = 0 WHERE id = ?'


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
    await execute(conn, _COUNT_ONE_MORE, [user_id])


async def mark_all_read(user_id: int, *, now: datetime) -> None:
    async with transaction() as conn:
        await (
            Notification.filter(user_id=user_id, read_at__isnull=True)
            .using_db(conn)
            .update(read_at=now)
        )
        await execute(conn, _COUNT_NONE, [user_id])
