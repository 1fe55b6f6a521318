from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community
    from participation.media.models import Photo


class Proposal(Model):
    # A micro-project (微项目) proposed by residents of one community.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="proposals", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="proposals", on_delete=fields.RESTRICT
    )
    community_id: int
    author_id: int
    title = fields.CharField(max_length=120)
    body = fields.TextField()
    category = fields.CharField(max_length=32)
    cost_yuan = fields.IntField()
    committee_cost_yuan = fields.IntField(null=True)
    feasibility_note = fields.TextField(default="")
    location = fields.CharField(max_length=200, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    status = fields.CharField(max_length=16, default="draft", db_index=True)
    # Kept in the same transaction as each support row: lists never count.
    support_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)
    # Tracking a funded project: how far along it is, as its team reports it.
    progress_percent = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "proposal"
        indexes = (("community_id", "status", "created_at"),)


class ProposalCoAuthor(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="co_authors", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="co_authorships", on_delete=fields.CASCADE
    )
    proposal_id: int
    user_id: int
    invited_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "proposal_co_author"
        unique_together = (("proposal", "user"),)


class ProposalEvent(Model):
    # Every change of status: who, when, why. Shown on the proposal's page.
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="events", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="proposal_events", null=True, on_delete=fields.SET_NULL
    )
    proposal_id: int
    actor_id: int | None
    from_status = fields.CharField(max_length=16)
    to_status = fields.CharField(max_length=16)
    reason = fields.TextField(default="")
    at = fields.DatetimeField()

    class Meta:
        table = "proposal_event"


class Support(Model):
    # 支持/附议: one per resident per proposal.
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="supports", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="supports", on_delete=fields.CASCADE
    )
    proposal_id: int
    user_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "support"
        unique_together = (("proposal", "user"),)


class ProgressUpdate(Model):
    # 进展更新 on a selected project. Residents' photo updates wait for committee approval.
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="updates", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="progress_updates", on_delete=fields.CASCADE
    )
    proposal_id: int
    author_id: int
    body = fields.TextField()
    status = fields.CharField(max_length=16, default="published")  # published|pending|rejected
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="progress_decisions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "progress_update"


class Milestone(Model):
    # A step of a funded project (e.g. "soil and planters bought"), ticked off when done.
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "huakai.Proposal", related_name="milestones", on_delete=fields.CASCADE
    )
    proposal_id: int
    title = fields.CharField(max_length=120)
    due_on = fields.DateField(null=True)
    done_at = fields.DatetimeField(null=True)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "milestone"


# A proposal's photos and an update's: the photo itself is the media package's (Photo).
class ProposalPhoto(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
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
    update: fields.ForeignKeyRelation[ProgressUpdate] = fields.ForeignKeyField(
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
