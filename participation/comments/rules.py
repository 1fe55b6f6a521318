"""Who may change a comment: its author, whatever the thread."""

from __future__ import annotations

from dataclasses import dataclass

from participation.core.permissions import about_subject, register


@dataclass(frozen=True)
class CommentSubject:
    author_id: int


wrote_comment = about_subject("wrote_comment", lambda a, c: a.user_id == c.author_id)
can_edit = register("comments.edit", wrote_comment)
