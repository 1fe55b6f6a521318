"""Plots (地块) of flowerbeds and flower walls, the volunteer teams (志愿者队伍) that adopt them,
and the care (养护) they give."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from participation.accounts.models import User
    from participation.communities.models import Community
    from participation.media.models import Photo


class Plot(Model):
    # A fixed piece of a flowerbed, flower wall or pocket garden whose daily care one team adopts.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="plots", on_delete=fields.CASCADE
    )
    community_id: int
    name = fields.CharField(max_length=80)
    kind = fields.CharField(max_length=16)
    description = fields.TextField(default="")
    location = fields.CharField(max_length=200, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    area_m2 = fields.IntField(null=True)
    care_needs = fields.TextField(default="")
    status = fields.CharField(max_length=16, default="available")
    photo: fields.ForeignKeyNullableRelation[Photo] = fields.ForeignKeyField(
        "huakai.Photo", related_name="plots", null=True, on_delete=fields.SET_NULL
    )
    photo_id: int | None
    # The funded pocket-garden project this plot came from, if any.
    source_proposal_id = fields.IntField(null=True)
    # Kept in the same transaction as each care log: lists and lapse checks never scan logs.
    last_care_at = fields.DatetimeField(null=True)
    care_minutes = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "plot"
        unique_together = (("community", "name"),)
        indexes = (("community_id", "status"),)


class Team(Model):
    # 志愿者队伍: a resident may be in several.
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "huakai.Community", related_name="teams", on_delete=fields.CASCADE
    )
    community_id: int
    name = fields.CharField(max_length=60)
    description = fields.TextField(default="")
    join_policy = fields.CharField(max_length=16, default="open")  # open | request
    member_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "team"
        unique_together = (("community", "name"),)


class TeamMember(Model):
    id = fields.IntField(primary_key=True)
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "huakai.Team", related_name="members", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="team_memberships", on_delete=fields.CASCADE
    )
    team_id: int
    user_id: int
    role = fields.CharField(max_length=16, default="member")  # leader | member
    status = fields.CharField(max_length=16, default="active")  # active | pending
    joined_at = fields.DatetimeField()

    class Meta:
        table = "team_member"
        unique_together = (("team", "user"),)


class Adoption(Model):
    # 认领: a team's request for a plot, and, once approved, its term of care. At most one
    # active adoption per plot, and one open request per team and plot: partial UNIQUE indexes
    # made by migration 0006 (tortoise cannot declare them).
    id = fields.IntField(primary_key=True)
    plot: fields.ForeignKeyRelation[Plot] = fields.ForeignKeyField(
        "huakai.Plot", related_name="adoptions", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "huakai.Team", related_name="adoptions", on_delete=fields.CASCADE
    )
    plot_id: int
    team_id: int
    # pending | waitlisted | active | declined | withdrawn | ended
    status = fields.CharField(max_length=16)
    term_months = fields.IntField()
    nickname = fields.CharField(max_length=40, default="")
    requested_by_id = fields.IntField(null=True)
    requested_at = fields.DatetimeField()
    decided_by_id = fields.IntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    reason = fields.TextField(default="")
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    # released | handed_over | expired | lapsed
    end_reason = fields.CharField(max_length=16, default="")
    # Lapse follow-up, so each warning and prompt is sent once per quiet spell.
    lapse_warned_at = fields.DatetimeField(null=True)
    release_prompted_at = fields.DatetimeField(null=True)
    # The leaders were told the term ends soon; cleared by a renewal, for the next term's.
    term_reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "adoption"
        indexes = (("plot_id", "status"), ("team_id", "status"))


class CareTask(Model):
    # A recurring job the team leader sets on an adopted plot: water every 3 days, weed weekly.
    id = fields.IntField(primary_key=True)
    plot: fields.ForeignKeyRelation[Plot] = fields.ForeignKeyField(
        "huakai.Plot", related_name="care_tasks", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "huakai.Team", related_name="care_tasks", on_delete=fields.CASCADE
    )
    plot_id: int
    team_id: int
    kind = fields.CharField(max_length=16)  # watering | weeding | planting | cleaning | other
    every_days = fields.IntField()
    note = fields.CharField(max_length=200, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "care_task"


class CareAssignment(Model):
    # The rota: who does a task in the week starting on ``week_start`` (a Monday).
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[CareTask] = fields.ForeignKeyField(
        "huakai.CareTask", related_name="assignments", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="care_assignments", on_delete=fields.CASCADE
    )
    task_id: int
    user_id: int
    week_start = fields.DateField()
    # The member was reminded as the week began (once; see care.remind_rota).
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "care_assignment"
        unique_together = (("task", "week_start", "user"),)


class CareLog(Model):
    # 养护记录: a member's check-in of care given, with the minutes it took.
    id = fields.IntField(primary_key=True)
    plot: fields.ForeignKeyRelation[Plot] = fields.ForeignKeyField(
        "huakai.Plot", related_name="care_logs", on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "huakai.Team", related_name="care_logs", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "huakai.User", related_name="care_logs", on_delete=fields.CASCADE
    )
    plot_id: int
    team_id: int
    member_id: int
    task_id = fields.IntField(null=True)
    kind = fields.CharField(max_length=16)
    minutes = fields.IntField()
    note = fields.TextField(default="")
    done_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    # No longer read or written: hiding a care log is moderation's (migration 0014 moved the
    # hidden ones there). Kept until a release drops the column.
    hidden = fields.BooleanField(default=False)

    class Meta:
        table = "care_log"
        indexes = (("plot_id", "done_at"), ("team_id", "done_at"), ("member_id", "done_at"))


class CareLogPhoto(Model):
    id = fields.IntField(primary_key=True)
    log: fields.ForeignKeyRelation[CareLog] = fields.ForeignKeyField(
        "huakai.CareLog", related_name="photo_links", on_delete=fields.CASCADE
    )
    photo: fields.ForeignKeyRelation[Photo] = fields.ForeignKeyField(
        "huakai.Photo", related_name="care_links", on_delete=fields.CASCADE
    )
    log_id: int
    photo_id: int
    position = fields.IntField(default=0)

    class Meta:
        table = "care_log_photo"
        unique_together = (("log", "photo"),)
