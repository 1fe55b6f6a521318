from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User


class Comment(Model):
    # In the thread of one discussed thing ("proposal:12", "amendment:5"); ``part_id`` is a
    # part of it the comment is about (a proposal's progress update); one level of replies.
    id = fields.IntField(primary_key=True)
    # The default only fills the column for rows that existed before it (migration 0011).
    thread = fields.CharField(max_length=40, default="", db_default="")
    part_id = fields.IntField(null=True)
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "huakai.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="comments", on_delete=fields.CASCADE
    )
    parent_id: int | None
    author_id: int
    body = fields.TextField()
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "comment"
        indexes = (("thread", "id"),)
