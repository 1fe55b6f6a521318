from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community


class ModeratedItem(Model):
    # One piece of content that has been reported or acted on: its state, and what the public
    # log and the queue need. Content that nobody reported has no row.
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=24)
    item_id = fields.IntField()
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="moderated_items", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="moderated_items", on_delete=fields.CASCADE
    )
    community_id: int
    author_id: int
    hidden = fields.BooleanField(default=False)
    hidden_by = fields.CharField(max_length=12, default="")  # automatic | committee | admin
    reason = fields.CharField(max_length=24, default="")  # the public reason category
    private_note = fields.TextField(default="")
    original_text = fields.TextField(default="")  # kept when redacted: committee and audit only
    redacted = fields.BooleanField(default=False)
    # The item's author sits on the committee: its reports go to the platform admin.
    escalated = fields.BooleanField(default=False)
    counted_reports = fields.IntField(default=0)  # those that count towards auto-hiding
    open_reports = fields.IntField(default=0)
    first_reported_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "moderated_item"
        unique_together = (("kind", "item_id"),)
        indexes = (("community_id", "open_reports"),)


class Report(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[ModeratedItem] = fields.ForeignKeyField(
        "huakai.ModeratedItem", related_name="reports", on_delete=fields.CASCADE
    )
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="reports_made", on_delete=fields.CASCADE
    )
    item_id: int
    reporter_id: int
    reason = fields.CharField(max_length=24)
    # The article of the rules in force it breaks (kinds.RuleArticle.ref), when one is named.
    article_ref = fields.CharField(max_length=32, default="", db_default="")
    text = fields.TextField(default="")
    counts = fields.BooleanField(default=False)  # towards the community's auto-hide threshold
    open = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "report"
        unique_together = (("item", "reporter"),)


class ModerationEntry(Model):
    # The public moderation log: what was done, to what kind of content, why (a category) and
    # by which role; never the content itself, nor who reported it.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="moderation_entries", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyNullableRelation[ModeratedItem] = fields.ForeignKeyField(
        "huakai.ModeratedItem", related_name="entries", null=True, on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="moderation_done", null=True, on_delete=fields.SET_NULL
    )
    subject: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="moderation_received", null=True, on_delete=fields.SET_NULL
    )
    community_id: int
    item_id: int | None
    actor_id: int | None  # private: the public log names the role
    subject_id: int | None  # whose content or posting it is about (private)
    kind = fields.CharField(max_length=24)  # the content's kind, or "member"
    action = fields.CharField(max_length=24)
    reason = fields.CharField(max_length=24, default="")
    role = fields.CharField(max_length=12)  # automatic | committee | admin
    public_reason = fields.TextField(default="")
    days = fields.IntField(null=True)  # a suspension's length
    created_at = fields.DatetimeField()

    class Meta:
        table = "moderation_entry"
        indexes = (("community_id", "created_at"),)


class Suspension(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="suspensions", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="suspensions", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyRelation[ModerationEntry] = fields.ForeignKeyField(
        "huakai.ModerationEntry", related_name="suspensions", on_delete=fields.CASCADE
    )
    community_id: int
    user_id: int
    entry_id: int
    until = fields.DatetimeField()
    lifted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "suspension"
        indexes = (("community_id", "user_id", "until"),)


class Appeal(Model):
    # One appeal per action appealed against (UNIQUE), decided by someone else.
    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[ModerationEntry] = fields.ForeignKeyField(
        "huakai.ModerationEntry", related_name="appeals", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="appeals", on_delete=fields.CASCADE
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="appeals_decided", null=True, on_delete=fields.SET_NULL
    )
    entry_id: int
    author_id: int
    decided_by_id: int | None
    text = fields.TextField()
    status = fields.CharField(max_length=12, default="open")  # open | upheld | overturned
    public_reason = fields.TextField(default="")
    escalated = fields.BooleanField(default=False)  # to the platform admin
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "appeal"
        unique_together = (("entry",),)
