"""What moderation's use cases share: the item a request names, and the log's rows."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from participation.communities.queries import get_standing
from participation.core.db import is_postgres, transaction
from participation.core.errors import NotFound
from participation.moderation.kinds import Item
from participation.moderation.models import ModeratedItem, ModerationEntry
from participation.moderation.queries import find_item

__all__ = ["find_item", "locked_item", "log", "moderated_item"]


async def moderated_item(item: Item, *, now: datetime) -> ModeratedItem:
    """The item's moderation row, made by its first report or action (parallel first ones race
    on UNIQUE(kind, item_id): the loser reads the winner's row). Content by a committee member
    is escalated: its reports go to the platform admin."""
    found = await ModeratedItem.filter(kind=item.kind, item_id=item.item_id).first()
    if found is not None:
        return found
    escalated = (await get_standing(item.author_id, item.community_id)).committee
    try:
        async with transaction() as inner:
            return await ModeratedItem.create(
                kind=item.kind,
                item_id=item.item_id,
                community_id=item.community_id,
                author_id=item.author_id,
                escalated=escalated,
                updated_at=now,
                using_db=inner,
            )
    except IntegrityError:
        return await ModeratedItem.get(kind=item.kind, item_id=item.item_id)


async def locked_item(conn: BaseDBAsyncClient, moderated_id: int) -> ModeratedItem:
    query = ModeratedItem.filter(id=moderated_id).using_db(conn)
    if is_postgres():
        query = query.select_for_update()
    found = await query.first()
    if found is None:
        raise NotFound()
    return found


async def log(
    conn: BaseDBAsyncClient,
    *,
    community_id: int,
    kind: str,
    action: str,
    role: str,
    now: datetime,
    item: ModeratedItem | None = None,
    actor_id: int | None = None,
    subject_id: int | None = None,
    reason: str = "",
    public_reason: str = "",
    days: int | None = None,
) -> ModerationEntry:
    """A row of the public moderation log (who acted is kept, the log shows the role)."""
    return await ModerationEntry.create(
        community_id=community_id,
        item_id=item.id if item else None,
        actor_id=actor_id,
        subject_id=subject_id,
        kind=kind,
        action=action,
        role=role,
        reason=reason,
        public_reason=public_reason,
        days=days,
        created_at=now,
        using_db=conn,
    )
