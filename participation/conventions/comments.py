"""The discussion of each amendment: a comments thread (participation.comments) that anyone
reads with the convention, and verified residents and the committee post in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from participation.comments import queries, services
from participation.comments.queries import CommentView
from participation.communities.queries import get_standing
from participation.conventions.queries import check_part_of
from participation.core.permissions import Actor, require
from participation.moderation.personal_data import mask
from participation.moderation.queries import hidden_ids, require_not_suspended


def thread_of(amendment_id: int) -> str:
    return services.thread_key("amendment", amendment_id)


async def post_comment(
    actor: Actor,
    community_id: int,
    convention_id: int,
    amendment_id: int,
    body: str,
    *,
    now: datetime,
    parent_id: int | None = None,
) -> int:
    await check_part_of(community_id, convention_id, amendment_id=amendment_id)
    require("conventions.comment", actor, await get_standing(actor.user_id, community_id))
    await require_not_suspended(actor.user_id, community_id, now)
    posted = await services.post_comment(
        actor, thread_of(amendment_id), body, now=now, parent_id=parent_id
    )
    return posted.id


async def delete_comment(
    actor: Actor,
    community_id: int,
    convention_id: int,
    amendment_id: int,
    comment_id: int,
    *,
    now: datetime,
) -> None:
    await check_part_of(community_id, convention_id, amendment_id=amendment_id)
    await services.delete_comment(actor, thread_of(amendment_id), comment_id, now=now)


async def discussions(amendment_ids: Iterable[int]) -> dict[int, list[CommentView]]:
    """Each amendment's thread, for one convention's page, in one query."""
    ids = list(amendment_ids)
    threads = await queries.list_threads(thread_of(i) for i in ids)
    hidden = await hidden_ids("amendment_comment", queries.comment_ids(threads.values()))
    return {i: queries.moderated(threads.get(thread_of(i), []), hidden, mask) for i in ids}
