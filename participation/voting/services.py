"""Voting round use cases: prepare and open a round, cast ballots (online and on paper),
close and count, publish.

Every use case takes the acting user and ``now`` (the server clock decides when ballots
count); committee actions write an audit row in the same transaction as the change.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

import participation.voting.notices  # noqa: F401 - registers the notice kinds sent here
from participation.accounts.services import keep_result_step
from participation.audit.services import audit_row, record
from participation.communities.queries import STANDING_SQL, get_standing, standing_of
from participation.core import codes
from participation.core.db import (
    Sql,
    Steps,
    as_datetime,
    fetch_all,
    is_postgres,
    run_steps,
    timestamp,
    transaction,
)
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, require
from participation.core.text import clean_line, clean_multiline
from participation.notifications.services import notify
from participation.proposals import queries as proposal_queries
from participation.proposals import services as proposal_services
from participation.voting import open_data, queries, rules, tally
from participation.voting.models import (
    Ballot,
    BallotChoice,
    PublishedBallots,
    RoundProject,
    RoundResult,
    VotingRound,
)
from participation.voting.rules import ResultRule, RoundStatus, VoteUnit, Window


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


async def _manage(actor: Actor, community_id: int) -> None:
    require("voting.manage", actor, await get_standing(actor.user_id, community_id))


async def get_round(community_id: int, round_id: int) -> VotingRound:
    found = await VotingRound.get_or_none(id=round_id, community_id=community_id)
    if found is None:
        raise NotFound()
    return found


async def create_round(
    actor: Actor, community_id: int, data: RoundInput, *, now: datetime
) -> VotingRound:
    """A draft round with its projects, in one transaction with one audit row."""
    await _manage(actor, community_id)
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
    await _manage(actor, community_id)
    found = await get_round(community_id, round_id)
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
    return await get_round(community_id, round_id)


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
    await _manage(actor, community_id)
    found = await get_round(community_id, round_id)
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
    return await get_round(community_id, round_id)


_COSTS_SQL = "SELECT id, cost_yuan FROM round_project WHERE round_id = ?"


async def ballot_costs(round_id: int) -> dict[int, int]:
    """The cost of each project on a round's ballot, by round_project id."""
    return _costs(await fetch_all(_COSTS_SQL, [round_id]))


def _costs(rows: list[dict[str, Any]]) -> dict[int, int]:
    return {row["id"]: row["cost_yuan"] for row in rows}


def ballot_rules(voting: VotingRound | _BallotRound) -> rules.BallotRules:
    return rules.BallotRules(
        voting.budget_yuan, voting.min_projects, voting.max_projects, voting.min_spend_percent
    )


@dataclass(frozen=True)
class Receipt:
    code: str  # only its hash stays with the ballot
    ballot_id: int
    replaced: bool  # the voter changed an earlier ballot
    round_id: int
    round_title: str
    # The receipt kept (sealed) for whoever cast the ballot, in the ballot's own transaction,
    # when the caller asked for it with ``seal``: the token its page opens it with.
    kept: str | None = None

    def shown(self) -> dict[str, Any]:
        """What the receipt's page shows: everything but the token."""
        return {
            "code": self.code,
            "ballot_id": self.ballot_id,
            "replaced": self.replaced,
            "round_id": self.round_id,
            "round_title": self.round_title,
        }


# Seals what a receipt's page shows (encryption is the web layer's); see Receipt.kept.
Seal = Callable[[dict[str, Any]], str]
RECEIPT_KIND = "ballot_receipt"


async def cast_ballot(
    actor: Actor,
    community_id: int,
    round_id: int,
    choices: Iterable[int],
    *,
    now: datetime,
    seal: Seal | None = None,
) -> Receipt:
    """The voter's own ballot, online: new, or replacing their earlier online ballot."""
    if actor.user_id is None:
        require("voting.vote", actor, NO_STANDING)
    assert actor.user_id is not None
    return await _store_ballot(
        _Ballot(community_id, round_id, actor.user_id, frozenset(choices), "online", actor),
        now,
        seal,
    )


async def enter_paper_ballot(
    actor: Actor,
    community_id: int,
    round_id: int,
    voter_id: int,
    choices: Iterable[int],
    *,
    now: datetime,
    seal: Seal | None = None,
) -> Receipt:
    """The committee types in the paper ballot of a verified resident who cannot vote online;
    the receipt (to hand over) is kept for the committee member."""
    require("voting.enter_paper_ballot", actor, await get_standing(actor.user_id, community_id))
    return await _store_ballot(
        _Ballot(community_id, round_id, voter_id, frozenset(choices), "paper", actor), now, seal
    )


@dataclass(frozen=True)
class _Ballot:
    """A ballot as submitted: whose, which projects, and how it came in."""

    community_id: int
    round_id: int
    voter_id: int
    choices: frozenset[int]
    channel: str  # "online" by the voter, or "paper" typed in by the committee
    actor: Actor  # who submits it: the voter online, a committee member on paper


async def _store_ballot(ballot: _Ballot, now: datetime, seal: Seal | None) -> Receipt:
    code = codes.new_code()
    # Parallel first submissions race on UNIQUE(round, voter_key): the loser replaces instead.
    for _attempt in range(3):
        try:
            return await run_steps(_ballot_steps(ballot, code, now, seal))
        except IntegrityError:
            continue
    raise Conflict()


@dataclass(frozen=True)
class _BallotRound:
    """What casting a ballot needs of its round."""

    title: str
    budget_yuan: int
    min_projects: int
    max_projects: int
    min_spend_percent: int
    vote_unit: str
    status: str
    opens_at: datetime
    closes_at: datetime


def _ballot_steps(ballot: _Ballot, code: str, now: datetime, seal: Seal | None) -> Steps[Receipt]:
    """Check and store a ballot: the busiest write of the site, so plain SQL written as steps
    (see db.run_steps), read and written in one transaction. On SQLite every moment inside it
    holds up the next voter."""
    community_id, round_id, voter_id = ballot.community_id, ballot.round_id, ballot.voter_id
    member = (yield Sql(STANDING_SQL, [voter_id, community_id])).rows
    standing = standing_of(member[0] if member else None)
    if ballot.channel == "online":
        require("voting.vote", ballot.actor, standing)
    elif not standing.verified:
        raise Invalid(N_("Paper ballots are for verified residents of this community."))

    rows = (
        yield Sql(
            "SELECT title, budget_yuan, min_projects, max_projects, min_spend_percent, "
            "vote_unit, status, opens_at, closes_at FROM voting_round "
            "WHERE id = ? AND community_id = ?",
            [round_id, community_id],
        )
    ).rows
    if not rows:
        raise NotFound()
    row = rows[0]
    voting = _BallotRound(
        title=row["title"],
        budget_yuan=row["budget_yuan"],
        min_projects=row["min_projects"],
        max_projects=row["max_projects"],
        min_spend_percent=row["min_spend_percent"],
        vote_unit=row["vote_unit"],
        status=row["status"],
        opens_at=as_datetime(row["opens_at"]),
        closes_at=as_datetime(row["closes_at"]),
    )
    if voting.status != RoundStatus.OPEN.value:
        raise Invalid(N_("This round is not open for voting."))
    window = rules.voting_window(now, voting.opens_at, voting.closes_at)
    if window is Window.NOT_YET:
        raise Invalid(N_("Voting has not opened yet."))
    if window is Window.OVER:
        raise Invalid(N_("Voting has closed."))
    offered = (yield Sql(_COSTS_SQL, [round_id])).rows
    costs = rules.price_ballot(_costs(offered), ballot.choices, ballot_rules(voting))
    key = rules.voter_key(VoteUnit(voting.vote_unit), voter_id, member[0]["household_id"])

    # Only fixed clauses and placeholders are formatted in; every value is a parameter.
    lock = " FOR UPDATE" if is_postgres() else ""
    existing = (
        yield Sql(
            f"SELECT id, channel, voter_id FROM ballot WHERE round_id = ? AND voter_key = ?{lock}",  # noqa: S608
            [round_id, key],
        )
    ).rows
    at = timestamp(now)
    total = sum(costs.values())
    receipt_hash = codes.hash_code(code)
    if existing:
        _refuse_second_channel(
            existing[0]["channel"], existing[0]["voter_id"], ballot.channel, voter_id
        )
        ballot_id = existing[0]["id"]
        yield Sql(
            "UPDATE ballot SET receipt_hash = ?, total_cost = ?, updated_at = ? WHERE id = ?",
            [receipt_hash, total, at, ballot_id],
        )
        yield Sql("DELETE FROM ballot_choice WHERE ballot_id = ?", [ballot_id])
    else:
        entered_by = ballot.actor.user_id if ballot.channel == "paper" else None
        inserted = yield Sql(
            "INSERT INTO ballot (round_id, voter_key, voter_id, channel, entered_by_id, "
            "receipt_hash, total_cost, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [round_id, key, voter_id, ballot.channel, entered_by, receipt_hash, total, at, at],
        )
        ballot_id = inserted.rows[0]["id"]
    # Counted only while the round is still open: this serialises with closing it, so a
    # ballot either is in before the count or is refused.
    still_open = yield Sql(
        "UPDATE voting_round SET ballot_count = ballot_count + ? "
        "WHERE id = ? AND status = ? AND closes_at > ?",
        [0 if existing else 1, round_id, RoundStatus.OPEN.value, at],
    )
    if not still_open.changed:
        raise Invalid(N_("Voting has closed."))
    chosen = sorted(costs)
    yield Sql(
        "INSERT INTO ballot_choice (ballot_id, round_project_id) VALUES "  # noqa: S608
        + ", ".join(["(?, ?)"] * len(chosen)),
        [value for project_id in chosen for value in (ballot_id, project_id)],
    )
    if ballot.channel == "paper":
        yield audit_row(
            actor_id=ballot.actor.user_id,
            community_id=community_id,
            action="voting.enter_paper_ballot",
            target=f"round:{round_id}",
            at=now,
            # The choices stay secret: the trail says whose ballot, not what.
            after={"voter_id": voter_id, "replaced": bool(existing)},
        )
    receipt = Receipt(code, ballot_id, bool(existing), round_id=round_id, round_title=voting.title)
    if seal is None:
        return receipt
    assert ballot.actor.user_id is not None
    token, keep = keep_result_step(
        ballot.actor.user_id, RECEIPT_KIND, seal(receipt.shown()), now=now
    )
    yield keep
    return dataclasses.replace(receipt, kept=token)


def _refuse_second_channel(
    existing_channel: str, existing_voter: int, channel: str, voter_id: int
) -> None:
    """Whichever ballot came first stands: paper and online never replace one another, and in
    a household only the member who voted may change the household's ballot."""
    if existing_channel == "paper" and channel == "online":
        raise Conflict(
            N_("A paper ballot was entered for you; it stands and cannot be changed online.")
        )
    if existing_channel == "online" and channel == "paper":
        raise Conflict(N_("This resident has already voted online; that ballot stands."))
    if channel == "online" and existing_voter != voter_id:
        raise Conflict(
            N_("Someone in your household has already voted; a household has one ballot.")
        )


async def close_round(
    actor: Actor | None, community_id: int, round_id: int, *, now: datetime
) -> VotingRound:
    """Freeze the ballots once voting time is over, count them under both rules, and keep the
    results (not yet public). ``actor`` None is the site itself, at closing time."""
    if actor is not None:
        await _manage(actor, community_id)
    voting = await get_round(community_id, round_id)
    if voting.status == RoundStatus.DRAFT.value:
        raise Invalid(N_("Only an open round can be closed."))
    if voting.status == RoundStatus.OPEN.value:
        if rules.voting_window(now, voting.opens_at, voting.closes_at) is not Window.OVER:
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
        voting = await get_round(community_id, round_id)
    if voting.status == RoundStatus.CLOSED.value:
        await _tally(voting, now=now)
    return await get_round(community_id, round_id)


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
    await _manage(actor, community_id)
    voting = await get_round(community_id, round_id)
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
    return await get_round(community_id, round_id)
