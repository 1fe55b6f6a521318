"""The discussion of a proposal and of its progress updates: a comments thread
(participation.comments) that residents who may see the proposal read, and verified
residents and the committee post in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from participation.comments import queries, services
from participation.comments.queries import CommentView
from participation.comments.services import EDIT_WINDOW
from participation.communities.queries import get_standing
from participation.core.errors import NotFound
from participation.core.permissions import Actor, require
from participation.moderation.personal_data import mask
from participation.moderation.queries import hidden_ids, require_not_suspended
from participation.proposals.models import ProgressUpdate
from participation.proposals.queries import visible_proposal

if TYPE_CHECKING:
    from participation.comments.models import Comment

__all__ = [
    "EDIT_WINDOW",
    "CommentView",
    "delete_comment",
    "edit_comment",
    "get_own_comment",
    "list_comments",
    "post_comment",
    "thread_of",
]


def thread_of(proposal_id: int) -> str:
    return services.thread_key("proposal", proposal_id)


async def post_comment(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    body: str,
    *,
    now: datetime,
    parent_id: int | None = None,
    update_id: int | None = None,
) -> Comment:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    require("proposals.comment", actor, await get_standing(actor.user_id, community_id))
    await require_not_suspended(actor.user_id, community_id, now)
    if update_id is not None and not await ProgressUpdate.exists(
        id=update_id, proposal_id=proposal.id, status="published"
    ):
        raise NotFound()
    return await services.post_comment(
        actor, thread_of(proposal.id), body, now=now, parent_id=parent_id, part_id=update_id
    )


async def get_own_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int
) -> Comment:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    return await services.get_own_comment(actor, thread_of(proposal.id), comment_id)


async def edit_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int, body: str, *, now: datetime
) -> Comment:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    return await services.edit_comment(actor, thread_of(proposal.id), comment_id, body, now=now)


async def delete_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int, *, now: datetime
) -> None:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    await services.delete_comment(actor, thread_of(proposal.id), comment_id, now=now)


async def list_comments(proposal_id: int) -> list[CommentView]:
    """Threads in posting order: top-level comments with their replies, those moderation
    hides marked."""
    views = await queries.list_comments(thread_of(proposal_id))
    hidden = await hidden_ids("proposal_comment", queries.comment_ids([views]))
    return queries.moderated(views, hidden, mask)
