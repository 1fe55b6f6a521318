from __future__ import annotations

import json

from tortoise import fields
from tortoise.models import Model

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


class ProposalPhoto(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="photo_links", on_delete=fields.CASCADE
    )
    photo: fields.ForeignKeyRelation[Photo] = fields.ForeignKeyField(
        "huakai.Photo", related_name="proposal_links", on_delete=fields.CASCADE
    )
    proposal_id: int
    photo_id: int
    position = fields.IntField(default=0)

    class Meta:
        table = "proposal_photo"
        unique_together = (("proposal", "photo"),)


class ProgressPhoto(Model):
    id = fields.IntField(primary_key=True)
    update: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "huakai.ProgressUpdate", related_name="photo_links", on_delete=fields.CASCADE
    )
    photo: fields.ForeignKeyRelation[Photo] = fields.ForeignKeyField(
        "huakai.Photo", related_name="progress_links", on_delete=fields.CASCADE
    )
    update_id: int
    photo_id: int
    # "before" and "after" photos pair up on the project's timeline.
    role = fields.CharField(max_length=8, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "progress_photo"
        unique_together = (("update", "photo"),)
