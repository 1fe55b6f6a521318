from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community


def variant_names(variants: object) -> tuple[str, ...]:
    """The names of the variants stored for a photo (JSON may arrive as text from raw SQL)."""
    if isinstance(variants, str):
        variants = json.loads(variants)
    if not isinstance(variants, list):
        return ("original",)
    return tuple(str(v.get("name")) for v in variants if isinstance(v, dict))


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

    def variant_names(self) -> tuple[str, ...]:
        return variant_names(self.variants)

    class Meta:
        table = "photo"
        indexes = (("owner_id", "created_at"),)
