"""Threads as pages show them: top-level comments in posting order with their replies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from participation.comments.models import Comment
from participation.comments.rules import CommentSubject


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    author_id: int
    body: str
    created_at: datetime
    edited: bool
    deleted: bool
    part_id: int | None
    replies: list[CommentView]
    # Hidden by moderation: shown to its author (with a note) and the committee only.
    hidden: bool = False
    # The text as others see it (personal information masked), when it differs from body.
    public_body: str | None = None

    @property
    def subject(self) -> CommentSubject:
        return CommentSubject(self.author_id)


async def list_comments(thread: str) -> list[CommentView]:
    return (await list_threads([thread])).get(thread, [])


async def list_threads(threads: Iterable[str]) -> dict[str, list[CommentView]]:
    """Several threads in one query (a convention's amendments), each in posting order."""
    keys = list(threads)
    if not keys:
        return {}
    rows = await Comment.filter(thread__in=keys).select_related("author").order_by("id")
    replies: dict[int, list[CommentView]] = {}
    for c in rows:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(_view(c, []))
    found: dict[str, list[CommentView]] = {}
    for c in rows:
        if c.parent_id is None:
            found.setdefault(c.thread, []).append(_view(c, replies.get(c.id, [])))
    return found


def comment_ids(threads: Iterable[list[CommentView]]) -> set[int]:
    """Every comment's id in these threads, replies too."""
    return {v.id for views in threads for c in views for v in (c, *c.replies)}


def moderated(
    views: list[CommentView], hidden: set[int], public_text: Callable[[str], str]
) -> list[CommentView]:
    """The thread as moderation has it: the comments it hides marked, and each text as others
    may read it (``public_text`` masks personal information)."""
    return [
        replace(
            c,
            hidden=c.id in hidden,
            public_body=_differs(c.body, public_text(c.body)),
            replies=moderated(c.replies, hidden, public_text),
        )
        for c in views
    ]


def _differs(body: str, public: str) -> str | None:
    return public if public != body else None


def _view(c: Comment, replies: list[CommentView]) -> CommentView:
    return CommentView(
        id=c.id,
        author=c.author.display_name,
        author_id=c.author_id,
        body="" if c.deleted_at else c.body,
        created_at=c.created_at,
        edited=c.edited_at is not None,
        deleted=c.deleted_at is not None,
        part_id=c.part_id,
        replies=replies,
    )


@dataclass(frozen=True)
class CommentRow:
    """One comment as the capability owning its thread (and moderation) sees it."""

    id: int
    thread: str
    author_id: int
    body: str
    deleted: bool


async def get_comment(comment_id: int, *, thread_prefix: str) -> CommentRow | None:
    """The comment, if it is in a thread whose key starts with ``thread_prefix``."""
    c = await Comment.filter(id=comment_id, thread__startswith=thread_prefix).first()
    if c is None:
        return None
    return CommentRow(c.id, c.thread, c.author_id, c.body, c.deleted_at is not None)
