"""Preparing a round (its rules and the proposals on its ballot) and opening it.

Every use case takes the acting user and ``now``; each writes an audit row in the same
transaction as the change.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid
from participation.core.permissions import Actor, require
from participation.core.text import clean_line, clean_multiline
from participation.proposals import queries as proposal_queries
from participation.voting import queries, rules
from participation.voting.models import RoundProject, VotingRound
from participation.voting.rules import ResultRule, RoundStatus, VoteUnit


@dataclass(frozen=True)
class RoundInput:
    title: str
    description: str
    budget_yuan: int
    opens_at: datetime
    closes_at: datetime
    min_projects: int = 0
    max_projects: int = 0
    min_spend_percent: int = 0
    vote_unit: str = VoteUnit.RESIDENT.value
    result_rule: str = ResultRule.EQUAL_SHARES.value
    proposal_ids: tuple[int, ...] = ()  # the proposals on the ballot


def _clean_round(data: RoundInput) -> dict[str, object]:
    title = clean_line(data.title, max_length=rules.TITLE_MAX)
    if title is None:
        raise Invalid(N_("Please give the round a title of at most 120 characters."), field="title")
    description = (
        clean_multiline(data.description, max_length=5000) if data.description.strip() else ""
    )
    if description is None:
        raise Invalid(
            N_("Please keep the description under 5,000 characters."), field="description"
        )
    if data.vote_unit not in {u.value for u in VoteUnit}:
        raise Invalid(N_("Please choose who votes from the list."), field="vote_unit")
    if data.result_rule not in {r.value for r in ResultRule}:
        raise Invalid(N_("Please choose how results are counted."), field="result_rule")
    rules.check_round_settings(
        budget_yuan=data.budget_yuan,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        min_projects=data.min_projects,
        max_projects=data.max_projects,
        min_spend_percent=data.min_spend_percent,
    )
    return {
        "title": title,
        "description": description,
        "budget_yuan": data.budget_yuan,
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "min_projects": data.min_projects,
        "max_projects": data.max_projects,
        "min_spend_percent": data.min_spend_percent,
        "vote_unit": data.vote_unit,
        "result_rule": data.result_rule,
    }


async def require_manager(actor: Actor, community_id: int) -> None:
    """``voting.manage``: preparing, opening, closing and publishing this community's rounds."""
    require("voting.manage", actor, await get_standing(actor.user_id, community_id))


async def create_round(
    actor: Actor, community_id: int, data: RoundInput, *, now: datetime
) -> VotingRound:
    """A draft round with its projects, in one transaction with one audit row."""
    await require_manager(actor, community_id)
    values = _clean_round(data)
    projects = await _eligible_projects(community_id, data.proposal_ids)
    async with transaction() as conn:
        created = await VotingRound.create(
            community_id=community_id,
            created_by_id=actor.user_id,
            created_at=now,
            updated_at=now,
            using_db=conn,
            **values,
        )
        await _replace_projects(conn, created.id, projects)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="voting.create_round",
            target=f"round:{created.id}",
            at=now,
            after={**_public(values), "proposals": [p for p, _ in projects]},
        )
    return created


async def edit_round(
    actor: Actor, community_id: int, round_id: int, data: RoundInput, *, now: datetime
) -> VotingRound:
    """Change a round and its projects while it is being prepared; once open, they are fixed."""
    await require_manager(actor, community_id)
    found = await queries.get_round(community_id, round_id)
    values = _clean_round(data)
    projects = await _eligible_projects(community_id, data.proposal_ids)
    before_projects = await RoundProject.filter(round_id=round_id).order_by("position")
    async with transaction() as conn:
        changed = (
            await VotingRound.filter(id=round_id, status=RoundStatus.DRAFT.value)
            .using_db(conn)
            .update(updated_at=now, **values)
        )
        if not changed:
            raise Invalid(N_("An open round's rules cannot change."))
        await _replace_projects(conn, round_id, projects)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="voting.edit_round",
            target=f"round:{round_id}",
            at=now,
            before={
                **_public({name: getattr(found, name) for name in values}),
                "proposals": [p.proposal_id for p in before_projects],
            },
            after={**_public(values), "proposals": [p for p, _ in projects]},
        )
    return await queries.get_round(community_id, round_id)


def _public(values: dict[str, object]) -> dict[str, object]:
    """Audit rows store JSON: dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


async def _eligible_projects(
    community_id: int, proposal_ids: Iterable[int]
) -> list[tuple[int, int]]:
    """(proposal id, cost on the ballot) for proposals of this community accepted for the
    ballot; anything else refuses the whole form. The committee's estimate, where it made
    one, is the cost."""
    wanted = sorted(set(proposal_ids))
    if len(wanted) > rules.PROJECTS_MAX:
        raise Invalid(N_("A round can have at most 200 projects."), field="projects")
    costs = await proposal_queries.accepted_costs(community_id, wanted)
    if len(costs) != len(wanted):
        raise Invalid(
            N_("Only proposals of this community accepted for the ballot can be put on it."),
            field="projects",
        )
    return sorted(costs.items())


async def _replace_projects(
    conn: BaseDBAsyncClient, round_id: int, projects: list[tuple[int, int]]
) -> None:
    await RoundProject.filter(round_id=round_id).using_db(conn).delete()
    await RoundProject.bulk_create(
        [
            RoundProject(round_id=round_id, proposal_id=proposal_id, cost_yuan=cost, position=i)
            for i, (proposal_id, cost) in enumerate(projects)
        ],
        using_db=conn,
    )


async def open_round(
    actor: Actor, community_id: int, round_id: int, *, now: datetime
) -> VotingRound:
    """Publish the round: its projects, costs and rules are fixed, and the lot is drawn."""
    await require_manager(actor, community_id)
    found = await queries.get_round(community_id, round_id)
    project_ids = await RoundProject.filter(round_id=round_id).values_list("id", flat=True)
    if not project_ids:
        raise Invalid(N_("Put at least one project on the ballot first."), field="projects")
    if found.closes_at <= now:
        raise Invalid(N_("Voting must close after it opens."), field="closes_at")
    lot = list(project_ids)
    secrets.SystemRandom().shuffle(lot)
    async with transaction() as conn:
        opened = (
            await VotingRound.filter(id=round_id, status=RoundStatus.DRAFT.value)
            .using_db(conn)
            .update(status=RoundStatus.OPEN.value, lot=lot, updated_at=now)
        )
        if not opened:
            raise Conflict()
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="voting.open_round",
            target=f"round:{round_id}",
            at=now,
            after={"lot": lot},
        )
    return await queries.get_round(community_id, round_id)
