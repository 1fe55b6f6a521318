"""Closing a round and counting it under both rules, then publishing its results: the funded
projects become selected, their authors are told, and the ballots file is kept as published.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import cast

import participation.voting.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.core.clock import Window, window_at
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid
from participation.core.permissions import Actor
from participation.notifications.services import notify
from participation.proposals import services as proposal_services
from participation.voting import open_data, queries, tally
from participation.voting.models import (
    Ballot,
    BallotChoice,
    PublishedBallots,
    RoundProject,
    RoundResult,
    VotingRound,
)
from participation.voting.rules import ResultRule, RoundStatus
from participation.voting.services.rounds import require_manager


async def close_round(
    actor: Actor | None, community_id: int, round_id: int, *, now: datetime
) -> VotingRound:
    """Freeze the ballots once voting time is over, count them under both rules, and keep the
    results (not yet public). ``actor`` None is the site itself, at closing time."""
    if actor is not None:
        await require_manager(actor, community_id)
    voting = await queries.get_round(community_id, round_id)
    if voting.status == RoundStatus.DRAFT.value:
        raise Invalid(N_("Only an open round can be closed."))
    if voting.status == RoundStatus.OPEN.value:
        if window_at(now, voting.opens_at, voting.closes_at) is not Window.OVER:
            raise Invalid(N_("Voting is still open; it can be counted after it closes."))
        async with transaction() as conn:
            closed = (
                await VotingRound.filter(id=round_id, status=RoundStatus.OPEN.value)
                .using_db(conn)
                .update(status=RoundStatus.CLOSED.value, closed_at=now, updated_at=now)
            )
            if closed:
                await record(
                    conn,
                    actor_id=actor.user_id if actor else None,
                    community_id=community_id,
                    action="voting.close_round",
                    target=f"round:{round_id}",
                    at=now,
                )
        voting = await queries.get_round(community_id, round_id)
    if voting.status == RoundStatus.CLOSED.value:
        await _tally(voting, now=now)
    return await queries.get_round(community_id, round_id)


async def round_instance(voting: VotingRound) -> tuple[tally.Instance, list[RoundProject]]:
    """The round's frozen ballots as the counting rules take them."""
    projects = await RoundProject.filter(round_id=voting.id).order_by("position")
    ballot_ids = cast(
        list[int], await Ballot.filter(round_id=voting.id).values_list("id", flat=True)
    )
    by_ballot: dict[int, set[int]] = {ballot_id: set() for ballot_id in ballot_ids}
    chosen = await BallotChoice.filter(ballot__round_id=voting.id).values_list(
        "ballot_id", "round_project_id"
    )
    for ballot_id, project_id in chosen:
        by_ballot[ballot_id].add(project_id)
    instance = tally.Instance(
        budget=voting.budget_yuan,
        projects=tuple(tally.Project(id=p.id, cost=p.cost_yuan) for p in projects),
        ballots=tuple(frozenset(by_ballot[b]) for b in sorted(by_ballot)),
        lot=tuple(voting.lot),
    )
    return instance, projects


async def _tally(voting: VotingRound, *, now: datetime) -> None:
    instance, projects = await round_instance(voting)
    outcomes = {
        ResultRule.EQUAL_SHARES: tally.equal_shares(instance),
        ResultRule.GREEDY: tally.greedy(instance),
    }
    digest = tally.input_hash(instance)
    votes = {p.id: 0 for p in projects}
    for ballot in instance.ballots:
        for project_id in ballot:
            votes[project_id] += 1
    async with transaction() as conn:
        counted = (
            await VotingRound.filter(id=voting.id, status=RoundStatus.CLOSED.value)
            .using_db(conn)
            .update(status=RoundStatus.TALLIED.value, updated_at=now)
        )
        if not counted:
            return  # counted meanwhile by a parallel request
        for project_id, count in votes.items():
            await RoundProject.filter(id=project_id).using_db(conn).update(vote_count=count)
        for rule, outcome in outcomes.items():
            await RoundResult.create(
                round_id=voting.id,
                rule=rule.value,
                winners=list(outcome.winners),
                explanation=explanation_json(outcome),
                spent_yuan=outcome.total_spent,
                voters_with_a_funded_project=outcome.voters_with_a_funded_project,
                input_hash=digest,
                computed_at=now,
                using_db=conn,
            )


def explanation_json(outcome: tally.Outcome) -> dict[str, object]:
    """What the result page needs per project, as JSON (exact amounts as "numerator/denominator"
    next to whole yuan rounded down)."""
    return {
        "voters": outcome.voters,
        "voter_budget": _fraction(outcome.voter_budget),
        "left_over": outcome.left_over,
        "projects": {
            str(p.id): {
                "cost": p.cost,
                "votes": p.votes,
                "funded": p.funded,
                "chosen_by": p.chosen_by,
                "budget_left_at_turn": p.budget_left_at_turn,
                "supporters_money_left": _fraction(p.supporters_money_left),
                "supporters_money_left_yuan": p.supporters_money_left_yuan,
                "supporters_paid_for": [
                    {"project": c.project_id, "amount": _fraction(c.amount)}
                    for c in p.supporters_paid_for
                ],
            }
            for p in outcome.projects
        },
    }


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


async def publish_round(
    actor: Actor,
    community_id: int,
    round_id: int,
    *,
    now: datetime,
    proposal_url: open_data.ProposalUrl,
) -> VotingRound:
    """Make the results public: the round's rule decides which projects are funded; they
    become selected projects, and their authors are told. The ballots file is kept as
    published, with its SHA-256, in the same transaction."""
    await require_manager(actor, community_id)
    voting = await queries.get_round(community_id, round_id)
    result = await RoundResult.get_or_none(round_id=round_id, rule=voting.result_rule)
    if voting.status != RoundStatus.TALLIED.value or result is None:
        raise Invalid(N_("Only a counted round can be published."))
    pb = await queries.open_data_pb(voting, proposal_url)
    pb_sha256 = open_data.sha256(pb)
    async with transaction() as conn:
        published = (
            await VotingRound.filter(id=round_id, status=RoundStatus.TALLIED.value)
            .using_db(conn)
            .update(
                status=RoundStatus.PUBLISHED.value,
                published_at=now,
                pb_sha256=pb_sha256,
                updated_at=now,
            )
        )
        if not published:
            raise Conflict()
        await PublishedBallots.create(round_id=round_id, text=pb, using_db=conn)
        await RoundProject.filter(id__in=result.winners).using_db(conn).update(funded=True)
        funded = (
            await RoundProject.filter(id__in=result.winners)
            .using_db(conn)
            .values_list("proposal_id", flat=True)
        )
        selected = await proposal_services.select_funded(
            conn, cast(list[int], funded), actor_id=actor.user_id, reason=voting.title, now=now
        )
        for proposal_id, author_id in selected:
            await notify(
                conn,
                author_id,
                "voting.funded",
                now=now,
                proposal_id=proposal_id,
                round_id=round_id,
            )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="voting.publish_round",
            target=f"round:{round_id}",
            at=now,
            after={"funded": list(result.winners), "pb_sha256": pb_sha256},
        )
    return await queries.get_round(community_id, round_id)
