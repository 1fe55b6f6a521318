from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User


class Community(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120)
    street = fields.CharField(max_length=120, default="")
    district = fields.CharField(max_length=120, default="")
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    default_locale = fields.CharField(max_length=16, default="zh_Hans")
    verify_by_code = fields.BooleanField(default=True)
    verify_by_request = fields.BooleanField(default=True)
    household_member_cap = fields.IntField(default=6)
    # Supports a submitted proposal needs before committee review (0: none).
    support_threshold = fields.IntField(default=0)
    # Proposal categories (participation.proposals.categories): default keys not offered,
    # and the community's own category names.
    hidden_categories: list[str] = fields.JSONField(default=list, db_default=[])
    custom_categories: list[str] = fields.JSONField(default=list, db_default=[])
    # Adopted plots: days without a care log before the team is warned, then more days before
    # the committee is asked whether to release the plot; and whether requests need approval.
    lapse_days = fields.IntField(default=14, db_default=14)
    lapse_grace_days = fields.IntField(default=7, db_default=7)
    auto_approve_adoptions = fields.BooleanField(default=False, db_default=False)
    # Conventions: who ratifies them, "household" (one vote per household) or "resident".
    convention_vote_mode = fields.CharField(
        max_length=16, default="household", db_default="household"
    )
    # Moderation: reports from trusted residents that hide an item pending review.
    report_threshold = fields.IntField(default=3, db_default=3)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community"


class Household(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="households", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=80)
    verified_count = fields.IntField(default=0)

    class Meta:
        table = "household"
        unique_together = (("community", "label"),)


class HouseholdCode(Model):
    # A single-use code printed for a household; only its hash is stored.

    id = fields.IntField(primary_key=True)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "huakai.Household", related_name="codes", on_delete=fields.CASCADE
    )
    household_id: int
    created_by_id: int | None
    redeemed_by_id: int | None
    code_hash = fields.CharField(max_length=64, unique=True)
    hint = fields.CharField(max_length=4)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="codes_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    redeemed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="codes_redeemed", null=True, on_delete=fields.SET_NULL
    )
    redeemed_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "household_code"


class Membership(Model):
    # A user's place in a community: resident (verified or not), volunteer, committee.

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="memberships", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="memberships", on_delete=fields.CASCADE
    )
    household: fields.ForeignKeyNullableRelation[Household] = fields.ForeignKeyField(
        "huakai.Household", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    user_id: int
    community_id: int
    household_id: int | None
    verified_at = fields.DatetimeField(null=True)
    is_volunteer = fields.BooleanField(default=False)
    is_committee = fields.BooleanField(default=False)
    joined_at = fields.DatetimeField()

    class Meta:
        table = "membership"
        unique_together = (("user", "community"),)


class VerificationRequest(Model):
    id = fields.IntField(primary_key=True)
    membership: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "huakai.Membership", related_name="verification_requests", on_delete=fields.CASCADE
    )
    membership_id: int
    decided_by_id: int | None
    household_label = fields.CharField(max_length=80)
    note = fields.TextField()
    status = fields.CharField(max_length=16, default="pending")  # pending|approved|rejected
    reason = fields.TextField(default="")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="verifications_decided", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "verification_request"
