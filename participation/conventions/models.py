"""A community's conventions (小区公约): their versions, the amendments residents propose, and
the ratification votes that adopt a version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community


class Convention(Model):
    # drafting → consolidation → ratification → adopted | not_adopted; an adopted (or not
    # adopted) convention may start a revision, back to drafting from its last version.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="conventions", on_delete=fields.CASCADE
    )
    community_id: int
    title = fields.CharField(max_length=120)
    status = fields.CharField(max_length=16, default="drafting")
    # The working text (the last version), and the text in force, which stays published
    # while a revision is drafted and voted on.
    current_version: fields.ForeignKeyNullableRelation[ConventionVersion] = fields.ForeignKeyField(
        "huakai.ConventionVersion", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    current_version_id: int | None
    adopted_version: fields.ForeignKeyNullableRelation[ConventionVersion] = fields.ForeignKeyField(
        "huakai.ConventionVersion", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    adopted_version_id: int | None
    # Each article keeps its key across versions (amendments name it); the next new one's.
    next_article_key = fields.IntField(default=1)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="conventions_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "convention"
        indexes = (("community_id", "status"),)


class ConventionVersion(Model):
    # Every version is kept: 1 when the draft opens, one more for each set of accepted
    # amendments. ``articles`` is [{"key": int, "body": str}, ...] in order (条 1, 2, ...).
    id = fields.IntField(primary_key=True)
    convention: fields.ForeignKeyRelation[Convention] = fields.ForeignKeyField(
        "huakai.Convention", related_name="versions", on_delete=fields.CASCADE
    )
    convention_id: int
    number = fields.IntField()
    preamble = fields.TextField(default="")
    articles: list[dict[str, Any]] = fields.JSONField(default=list)
    # The amendments this version applied, in order (empty for version 1).
    amendment_ids: list[int] = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "convention_version"
        unique_together = (("convention", "number"),)


class Amendment(Model):
    # 修正案: change an article, insert one after it (after_key 0: at the start), or delete
    # it. ``base_text`` is the article as the author saw it: the diff is shown against it, and
    # an article changed since then is a conflict, never overwritten.
    id = fields.IntField(primary_key=True)
    convention: fields.ForeignKeyRelation[Convention] = fields.ForeignKeyField(
        "huakai.Convention", related_name="amendments", on_delete=fields.CASCADE
    )
    convention_id: int
    version: fields.ForeignKeyRelation[ConventionVersion] = fields.ForeignKeyField(
        "huakai.ConventionVersion", related_name="amendments", on_delete=fields.CASCADE
    )
    version_id: int
    kind = fields.CharField(max_length=8)  # change | insert | delete
    article_key = fields.IntField()
    base_text = fields.TextField(default="")
    body = fields.TextField(default="")
    rationale = fields.TextField(default="")
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="amendments", on_delete=fields.RESTRICT
    )
    author_id: int
    status = fields.CharField(max_length=12, default="open")  # open|accepted|rejected|withdrawn
    support_count = fields.IntField(default=0)
    reason = fields.TextField(default="")  # the committee's public reason
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    result_version: fields.ForeignKeyNullableRelation[ConventionVersion] = fields.ForeignKeyField(
        "huakai.ConventionVersion", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    result_version_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "amendment"
        indexes = (("convention_id", "status"),)


class AmendmentSupport(Model):
    # One per resident per amendment: UNIQUE(amendment, user); withdrawing deletes the row.
    id = fields.IntField(primary_key=True)
    amendment: fields.ForeignKeyRelation[Amendment] = fields.ForeignKeyField(
        "huakai.Amendment", related_name="supports", on_delete=fields.CASCADE
    )
    amendment_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="amendment_supports", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "amendment_support"
        unique_together = (("amendment", "user"),)


class Ratification(Model):
    # The vote on one version. Its rules are fixed when it is scheduled, before it opens;
    # the result is computed once, after it closes, with the turnout it had.
    id = fields.IntField(primary_key=True)
    convention: fields.ForeignKeyRelation[Convention] = fields.ForeignKeyField(
        "huakai.Convention", related_name="ratifications", on_delete=fields.CASCADE
    )
    convention_id: int
    version: fields.ForeignKeyRelation[ConventionVersion] = fields.ForeignKeyField(
        "huakai.ConventionVersion", related_name="ratifications", on_delete=fields.CASCADE
    )
    version_id: int
    mode = fields.CharField(max_length=12)  # resident | household
    quorum_percent = fields.IntField()
    majority = fields.CharField(max_length=16)  # simple | two_thirds | three_quarters
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    vote_count = fields.IntField(default=0)
    # Filled in once, when it is counted.
    outcome = fields.CharField(max_length=12, default="")  # adopted | rejected | no_quorum
    yes = fields.IntField(default=0)
    no = fields.IntField(default=0)
    abstain = fields.IntField(default=0)
    eligible = fields.IntField(default=0)
    counted_at = fields.DatetimeField(null=True)
    closing_notice_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "ratification"


class RatificationVote(Model):
    # One per voter per ratification: UNIQUE(ratification, voter_key), the key being the
    # resident ("u:<id>") or their household ("h:<id>"), by the ratification's mode.
    id = fields.IntField(primary_key=True)
    ratification: fields.ForeignKeyRelation[Ratification] = fields.ForeignKeyField(
        "huakai.Ratification", related_name="votes", on_delete=fields.CASCADE
    )
    ratification_id: int
    voter_key = fields.CharField(max_length=24)
    voter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="ratification_votes", on_delete=fields.RESTRICT
    )
    voter_id: int
    choice = fields.CharField(max_length=8)  # yes | no | abstain
    channel = fields.CharField(max_length=8, default="online")  # online | paper
    entered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "ratification_vote"
        unique_together = (("ratification", "voter_key"),)
