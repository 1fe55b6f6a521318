"""Teams as pages show them and as their rules see them (TeamSubject)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.communities.queries import get_standing
from participation.core.db import fetch_all
from participation.core.errors import NotFound
from participation.core.permissions import Actor, require
from participation.moderation.queries import hidden_ids
from participation.moderation.rules import ItemSubject
from participation.plots.models import Adoption, Team, TeamMember
from participation.plots.queries.care import CareLogView, care_timeline
from participation.plots.rules import (
    OPEN_REQUESTS,
    AdoptionStatus,
    JoinPolicy,
    TeamRole,
    TeamSubject,
)

ACTIVE = "active"
PENDING = "pending"


async def community_team(community_id: int, team_id: int) -> Team:
    """A team of this community; another community's team is the same 404 as a missing one."""
    team = await Team.get_or_none(id=team_id, community_id=community_id)
    if team is None:
        raise NotFound()
    return team


def _subject(team_id: int, policy: str, rows: Iterable[tuple[int, str, str]]) -> TeamSubject:
    """The subject from the team's membership rows (user, role, status)."""
    rows = list(rows)
    return TeamSubject(
        team_id=team_id,
        join_policy=JoinPolicy(policy),
        leader_ids=frozenset(
            user for user, role, status in rows if status == ACTIVE and role == TeamRole.LEADER
        ),
        member_ids=frozenset(user for user, _role, status in rows if status == ACTIVE),
        asking_ids=frozenset(user for user, _role, status in rows if status == PENDING),
    )


async def team_subjects(team_ids: Collection[int]) -> dict[int, TeamSubject]:
    """Each of these teams as its rules see it (two queries, however many teams)."""
    ids = set(team_ids)
    if not ids:
        return {}
    policies = await Team.filter(id__in=ids).values_list("id", "join_policy")
    rows: dict[int, list[tuple[int, str, str]]] = {}
    for row in await TeamMember.filter(team_id__in=ids).values(
        "team_id", "user_id", "role", "status"
    ):
        rows.setdefault(row["team_id"], []).append((row["user_id"], row["role"], row["status"]))
    return {
        team_id: _subject(team_id, str(policy), rows.get(team_id, []))
        for team_id, policy in policies
    }


async def team_subject(team: Team) -> TeamSubject:
    return (await team_subjects([team.id]))[team.id]


async def team_to_lead(actor: Actor, community_id: int, team_id: int) -> Team:
    """The team, if the actor leads it (``teams.lead``)."""
    team = await community_team(community_id, team_id)
    standing = await get_standing(actor.user_id, community_id)
    require("teams.lead", actor, standing, await team_subject(team))
    return team


async def member_ids(
    conn: BaseDBAsyncClient, team_id: int, *, leaders_only: bool = False
) -> list[int]:
    """The team's active members (or only its leaders), on ``conn``: whom a notice goes to."""
    query = TeamMember.filter(team_id=team_id, status=ACTIVE)
    if leaders_only:
        query = query.filter(role=TeamRole.LEADER.value)
    return [row["user_id"] for row in await query.using_db(conn).values("user_id")]


@dataclass(frozen=True)
class MemberView:
    user_id: int
    display_name: str
    role: str
    status: str
    joined_at: datetime


@dataclass(frozen=True)
class TeamPlotView:
    adoption_id: int
    plot_id: int
    plot_name: str
    status: str
    nickname: str
    ends_at: datetime | None


@dataclass(frozen=True)
class TeamPage:
    team: Team
    subject: TeamSubject  # what the team's rules are asked about
    members: list[MemberView]
    pending: list[MemberView]  # shown to those ``teams.see_requests`` allows
    plots: list[TeamPlotView]
    timeline: list[CareLogView]
    care_minutes: int
    # The description, as moderation sees it: written by the (longest-standing) leader, hidden
    # for all but the team's leaders and the committee while it is under review.
    description: ItemSubject | None
    description_hidden: bool


async def list_teams(community_id: int) -> list[Team]:
    return await Team.filter(community_id=community_id).order_by("name", "id")


async def members_of(team_id: int) -> list[MemberView]:
    """Everyone in the team or asking to join, longest-standing first."""
    rows = await TeamMember.filter(team_id=team_id).select_related("user").order_by("joined_at")
    return [MemberView(r.user_id, r.user.display_name, r.role, r.status, r.joined_at) for r in rows]


async def team_page(team: Team, *, show_hidden: bool) -> TeamPage:
    views = await members_of(team.id)
    adoptions = await Adoption.filter(
        team_id=team.id, status__in=[AdoptionStatus.ACTIVE, *OPEN_REQUESTS]
    ).select_related("plot")
    minutes = await fetch_all(
        "SELECT coalesce(sum(minutes), 0) AS n FROM care_log WHERE team_id = ?", [team.id]
    )
    leaders = [v for v in views if v.role == "leader" and v.status == ACTIVE]
    return TeamPage(
        team=team,
        subject=_subject(team.id, team.join_policy, ((v.user_id, v.role, v.status) for v in views)),
        members=[v for v in views if v.status == ACTIVE],
        pending=[v for v in views if v.status == PENDING],
        plots=[
            TeamPlotView(a.id, a.plot_id, a.plot.name, a.status, a.nickname, a.ends_at)
            for a in sorted(adoptions, key=lambda a: (a.status != "active", a.plot.name))
        ],
        timeline=await care_timeline(team_id=team.id, show_hidden=show_hidden),
        care_minutes=int(minutes[0]["n"]),
        description=ItemSubject(leaders[0].user_id, escalated=False) if leaders else None,
        description_hidden=bool(await hidden_ids("team", [team.id])),
    )


async def my_teams(user_id: int | None, community_id: int) -> list[tuple[Team, str, str]]:
    """The teams of the community the user is in (team, role, status)."""
    if user_id is None:
        return []
    rows = await TeamMember.filter(user_id=user_id, team__community_id=community_id).select_related(
        "team"
    )
    return [(row.team, row.role, row.status) for row in rows]


async def my_team_subjects(
    user_id: int | None, community_id: int
) -> list[tuple[Team, TeamSubject]]:
    """The teams of the community the user is in, each with its subject (to ask, say, which
    of them the user leads)."""
    teams = [team for team, _role, _status in await my_teams(user_id, community_id)]
    subjects = await team_subjects([team.id for team in teams])
    return [(team, subjects[team.id]) for team in teams]


async def team_community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these teams (for notices' links)."""
    rows = await Team.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}
