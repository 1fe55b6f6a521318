"""Comments on proposals and their progress updates: one level of replies, a short edit
window, and deletion that leaves a visible "deleted" mark so replies keep their context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from participation.communities.queries import get_standing
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, can, require
from participation.core.text import clean_multiline
from participation.proposals.models import Comment, ProgressUpdate
from participation.proposals.queries import visible_proposal
from participation.proposals.rules import CommentSubject

COMMENT_MAX = 2000
EDIT_WINDOW = timedelta(minutes=15)


def may_edit(comment: Comment, actor: Actor, now: datetime) -> bool:
    return (
        can("proposals.edit_comment", actor, NO_STANDING, CommentSubject(comment.author_id))
        and comment.deleted_at is None
        and now - comment.created_at <= EDIT_WINDOW
    )


def _clean(body: str) -> str:
    text = clean_multiline(body, max_length=COMMENT_MAX)
    if text is None:
        raise Invalid(N_("Please write a comment of at most 2,000 characters."), field="body")
    return text


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
    text = _clean(body)
    if update_id is not None and not await ProgressUpdate.exists(
        id=update_id, proposal_id=proposal.id, status="published"
    ):
        raise NotFound()
    if parent_id is not None:
        parent = await Comment.filter(id=parent_id, proposal_id=proposal.id).first()
        if parent is None:
            raise NotFound()
        # Replies stay one level deep: a reply to a reply joins the same thread.
        parent_id = parent.parent_id or parent.id
        update_id = parent.update_id
    return await Comment.create(
        proposal_id=proposal.id,
        update_id=update_id,
        parent_id=parent_id,
        author_id=actor.user_id,
        body=text,
        created_at=now,
    )


async def get_own_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int
) -> Comment:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    comment = await Comment.filter(id=comment_id, proposal_id=proposal.id).first()
    if comment is None:
        raise NotFound()
    require("proposals.edit_comment", actor, NO_STANDING, CommentSubject(comment.author_id))
    return comment


async def edit_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int, body: str, *, now: datetime
) -> Comment:
    comment = await get_own_comment(actor, community_id, proposal_id, comment_id)
    if not may_edit(comment, actor, now):
        raise Invalid(N_("Comments can be edited for 15 minutes after posting."))
    comment.body = _clean(body)
    comment.edited_at = now
    await comment.save(update_fields=["body", "edited_at"])
    return comment


async def delete_comment(
    actor: Actor, community_id: int, proposal_id: int, comment_id: int, *, now: datetime
) -> None:
    comment = await get_own_comment(actor, community_id, proposal_id, comment_id)
    if comment.deleted_at is None:
        await Comment.filter(id=comment.id).update(deleted_at=now, body="")


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    author_id: int
    body: str
    created_at: datetime
    edited: bool
    deleted: bool
    update_id: int | None
    replies: list[CommentView]

    @property
    def subject(self) -> CommentSubject:
        return CommentSubject(self.author_id)


async def list_comments(proposal_id: int) -> list[CommentView]:
    """Threads in posting order: top-level comments with their replies."""
    rows = await Comment.filter(proposal_id=proposal_id).select_related("author").order_by("id")
    replies: dict[int, list[CommentView]] = {}
    for c in rows:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(_view(c, []))
    return [_view(c, replies.get(c.id, [])) for c in rows if c.parent_id is None]


def _view(c: Comment, replies: list[CommentView]) -> CommentView:
    return CommentView(
        id=c.id,
        author=c.author.display_name,
        author_id=c.author_id,
        body="" if c.deleted_at else c.body,
        created_at=c.created_at,
        edited=c.edited_at is not None,
        deleted=c.deleted_at is not None,
        update_id=c.update_id,
        replies=replies,
    )
