from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community


class Photo(Model):
    # A processed upload: variants live in storage under ``storage_key``; no original bytes,
    # no metadata, no uploaded file name are kept.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="photos", on_delete=fields.CASCADE
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="photos", on_delete=fields.CASCADE
    )
    community_id: int
    owner_id: int
    storage_key = fields.CharField(max_length=64, unique=True)
    width = fields.IntField()
    height = fields.IntField()
    alt_text = fields.CharField(max_length=300)
    variants: list[dict[str, object]] = fields.JSONField(default=list)
    byte_size = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "photo"
        indexes = (("owner_id", "created_at"),)
