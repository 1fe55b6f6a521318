"""Volunteer teams (志愿者队伍): founding, joining (open, or on the leaders' approval), leaving,
and the leaders who run them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

import participation.plots.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, can, require
from participation.core.text import clean_line, clean_multiline
from participation.notifications.services import notify
from participation.plots.models import Team, TeamMember
from participation.plots.queries import community_team, member_ids, team_subject, team_to_lead
from participation.plots.rules import TEAM_NAME_MAX, TEXT_MAX, JoinPolicy, TeamRole

ACTIVE = "active"
PENDING = "pending"


@dataclass(frozen=True)
class TeamInput:
    name: str
    description: str = ""
    join_policy: str = JoinPolicy.OPEN.value


def _clean_team(data: TeamInput) -> tuple[str, str, JoinPolicy]:
    name = clean_line(data.name, max_length=TEAM_NAME_MAX)
    if name is None:
        raise Invalid(N_("Please give the team a name (at most 60 characters)."), field="name")
    description = ""
    if data.description.strip():
        cleaned = clean_multiline(data.description, max_length=TEXT_MAX)
        if cleaned is None:
            raise Invalid(N_("Please keep this under 2,000 characters."), field="description")
        description = cleaned
    try:
        policy = JoinPolicy(data.join_policy)
    except ValueError:
        raise Invalid(N_("Please choose how neighbours join."), field="join_policy") from None
    return name, description, policy


async def found_team(actor: Actor, community_id: int, data: TeamInput, *, now: datetime) -> Team:
    """A verified resident starts a team and leads it."""
    require("teams.found", actor, await get_standing(actor.user_id, community_id))
    name, description, policy = _clean_team(data)
    try:
        async with transaction() as conn:
            team = await Team.create(
                community_id=community_id,
                name=name,
                description=description,
                join_policy=policy.value,
                member_count=1,
                created_at=now,
                using_db=conn,
            )
            await TeamMember.create(
                team_id=team.id,
                user_id=actor.user_id,
                role=TeamRole.LEADER.value,
                status=ACTIVE,
                joined_at=now,
                using_db=conn,
            )
    except IntegrityError:
        raise Invalid(N_("There is already a team with that name."), field="name") from None
    return team


async def edit_team(
    actor: Actor, community_id: int, team_id: int, data: TeamInput, *, now: datetime
) -> Team:
    team = await team_to_lead(actor, community_id, team_id)
    name, description, policy = _clean_team(data)
    try:
        async with transaction() as conn:
            await (
                Team.filter(id=team.id)
                .using_db(conn)
                .update(name=name, description=description, join_policy=policy.value)
            )
    except IntegrityError:
        raise Invalid(N_("There is already a team with that name."), field="name") from None
    return await community_team(community_id, team_id)


async def join_team(actor: Actor, community_id: int, team_id: int, *, now: datetime) -> str:
    """Join an open team at once, or ask to join one that decides; asking twice is one
    request. Returns the membership's status: active or pending."""
    require("teams.join", actor, await get_standing(actor.user_id, community_id))
    team = await community_team(community_id, team_id)
    status = ACTIVE if team.join_policy == JoinPolicy.OPEN.value else PENDING
    try:
        async with transaction() as conn:
            await TeamMember.create(
                team_id=team.id,
                user_id=actor.user_id,
                role=TeamRole.MEMBER.value,
                status=status,
                joined_at=now,
                using_db=conn,
            )
            if status == ACTIVE:
                await _count(conn, team.id, +1)
            else:
                for leader_id in await member_ids(conn, team.id, leaders_only=True):
                    await notify(
                        conn,
                        leader_id,
                        "teams.join_request",
                        now=now,
                        team_id=team.id,
                        team=team.name,
                    )
    except IntegrityError:  # already a member, or already asked
        existing = await TeamMember.get(team_id=team.id, user_id=actor.user_id)
        return existing.status
    return status


async def _count(conn: BaseDBAsyncClient, team_id: int, change: int) -> None:
    await Team.filter(id=team_id).using_db(conn).update(member_count=F("member_count") + change)


async def decide_join(
    actor: Actor, community_id: int, team_id: int, user_id: int, accept: bool, *, now: datetime
) -> None:
    """A leader lets in, or turns away, someone who asked to join."""
    team = await team_to_lead(actor, community_id, team_id)
    async with transaction() as conn:
        if accept:
            changed = (
                await TeamMember.filter(team_id=team.id, user_id=user_id, status=PENDING)
                .using_db(conn)
                .update(status=ACTIVE, joined_at=now)
            )
            if changed:
                await _count(conn, team.id, +1)
        else:
            changed = (
                await TeamMember.filter(team_id=team.id, user_id=user_id, status=PENDING)
                .using_db(conn)
                .delete()
            )
        if not changed:
            raise Conflict()
        await notify(
            conn,
            user_id,
            "teams.joined" if accept else "teams.join_declined",
            now=now,
            team_id=team.id,
            team=team.name,
        )


async def leave_team(actor: Actor, community_id: int, team_id: int, *, now: datetime) -> None:
    """Leave (or withdraw a request). The last leader of a team with other members must hand
    the lead to someone first, so no team is left without one. Leaving a team one is not in
    is nothing to do."""
    team = await community_team(community_id, team_id)
    standing = await get_standing(actor.user_id, community_id)
    if not can("teams.leave", actor, standing, await team_subject(team)):
        return
    async with transaction() as conn:
        row = await TeamMember.filter(team_id=team.id, user_id=actor.user_id).using_db(conn).first()
        if row is None:
            return
        if row.role == TeamRole.LEADER.value and row.status == ACTIVE:
            leaders = await member_ids(conn, team.id, leaders_only=True)
            others = (
                await TeamMember.filter(team_id=team.id, status=ACTIVE)
                .exclude(user_id=actor.user_id)
                .using_db(conn)
                .count()
            )
            if len(leaders) == 1 and others:
                raise Invalid(N_("Please make another member a leader before you leave."))
        await TeamMember.filter(id=row.id).using_db(conn).delete()
        if row.status == ACTIVE:
            await _count(conn, team.id, -1)


async def set_leader(
    actor: Actor, community_id: int, team_id: int, user_id: int, leader: bool, *, now: datetime
) -> None:
    """A leader (or the committee) makes a member a leader, or steps one down; a team keeps at
    least one leader."""
    team = await community_team(community_id, team_id)
    standing = await get_standing(actor.user_id, community_id)
    require("teams.set_leader", actor, standing, await team_subject(team))
    role = TeamRole.LEADER.value if leader else TeamRole.MEMBER.value
    async with transaction() as conn:
        if not leader and (await member_ids(conn, team.id, leaders_only=True)) == [user_id]:
            raise Invalid(N_("A team needs at least one leader."))
        changed = (
            await TeamMember.filter(team_id=team.id, user_id=user_id, status=ACTIVE)
            .using_db(conn)
            .update(role=role)
        )
        if not changed:
            raise NotFound()
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="teams.set_leader",
            target=f"team:{team.id}",
            at=now,
            after={"user_id": user_id, "role": role},
        )
