"""Posting, editing and deleting comments in a thread. The capability that owns the thread
has checked that the actor may see it and post in it; these check the rest."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.comments.models import Comment
from participation.comments.rules import CommentSubject
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, can, require
from participation.core.text import clean_multiline

COMMENT_MAX = 2000
EDIT_WINDOW = timedelta(minutes=15)


def thread_key(kind: str, thing_id: int) -> str:
    """The thread of one discussed thing: ``thread_key("proposal", 12)`` is "proposal:12"."""
    return f"{kind}:{thing_id}"


def may_edit(comment: Comment, actor: Actor, now: datetime) -> bool:
    return (
        can("comments.edit", actor, NO_STANDING, CommentSubject(comment.author_id))
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
    thread: str,
    body: str,
    *,
    now: datetime,
    parent_id: int | None = None,
    part_id: int | None = None,
) -> Comment:
    """A comment in ``thread``, or a reply to one of its comments (which joins the reply's
    thread and part: replies stay one level deep)."""
    text = _clean(body)
    if parent_id is not None:
        parent = await Comment.filter(id=parent_id, thread=thread).first()
        if parent is None:
            raise NotFound()
        parent_id = parent.parent_id or parent.id
        part_id = parent.part_id
    return await Comment.create(
        thread=thread,
        part_id=part_id,
        parent_id=parent_id,
        author_id=actor.user_id,
        body=text,
        created_at=now,
    )


async def get_own_comment(actor: Actor, thread: str, comment_id: int) -> Comment:
    comment = await Comment.filter(id=comment_id, thread=thread).first()
    if comment is None:
        raise NotFound()
    require("comments.edit", actor, NO_STANDING, CommentSubject(comment.author_id))
    return comment


async def edit_comment(
    actor: Actor, thread: str, comment_id: int, body: str, *, now: datetime
) -> Comment:
    comment = await get_own_comment(actor, thread, comment_id)
    if not may_edit(comment, actor, now):
        raise Invalid(N_("Comments can be edited for 15 minutes after posting."))
    comment.body = _clean(body)
    comment.edited_at = now
    await comment.save(update_fields=["body", "edited_at"])
    return comment


async def delete_comment(actor: Actor, thread: str, comment_id: int, *, now: datetime) -> None:
    comment = await get_own_comment(actor, thread, comment_id)
    if comment.deleted_at is None:
        await Comment.filter(id=comment.id).update(deleted_at=now, body="")


async def replace_text(conn: BaseDBAsyncClient, comment_id: int, body: str) -> None:
    """The comment's text replaced as it is (moderation taking personal information out, or
    putting it back on appeal): not an edit, so no "edited" mark."""
    await Comment.filter(id=comment_id).using_db(conn).update(body=body)
