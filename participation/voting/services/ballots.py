"""Ballots: cast online by the voter, or typed in from paper by the committee; each with a
receipt whose code only the voter keeps.

Casting a ballot is the busiest write of the site: one transaction written as steps
(participation/core/db/steps.py run_steps), plain SQL read and written in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from participation.accounts.services import keep_result_step
from participation.audit.services import audit_row
from participation.communities.queries import STANDING_SQL, get_standing, standing_of
from participation.core import codes
from participation.core.clock import window_at
from participation.core.db import (
    Sql,
    Steps,
    as_datetime,
    fetch_all,
    is_postgres,
    run_steps,
    timestamp,
)
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, Standing, can, require
from participation.voting import rules
from participation.voting.models import VotingRound
from participation.voting.rules import CountingBallot, RoundStatus, RoundSubject, VoteUnit

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
    standing = await get_standing(actor.user_id, community_id)
    require("voting.enter_paper_ballot", actor, standing)
    return await _store_ballot(
        _Ballot(community_id, round_id, voter_id, frozenset(choices), "paper", actor, standing),
        now,
        seal,
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
    actor_standing: Standing = NO_STANDING  # on paper, the committee member's (read first)


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
    if ballot.channel == "paper" and not standing.verified:
        raise Invalid(N_("Paper ballots are for verified residents of this community."))
    # Online, the actor is the voter; on paper, the committee member who types it in.
    actor_standing = standing if ballot.channel == "online" else ballot.actor_standing

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
    household_id = member[0]["household_id"] if member else None
    subject = RoundSubject(
        status=RoundStatus(voting.status),
        vote_unit=VoteUnit(voting.vote_unit),
        window=window_at(now, voting.opens_at, voting.closes_at),
        in_household=household_id is not None,
    )
    if not can("voting.see", ballot.actor, actor_standing, subject):
        raise NotFound()
    # The rule is asked as soon as the round is known, and again once the ballot that counts
    # for the voter is: the voter hears why in that order (not theirs to cast, not open, not
    # within the rules, someone else's ballot stands).
    _check(ballot, standing, subject)
    offered = (yield Sql(_COSTS_SQL, [round_id])).rows
    costs = rules.price_ballot(_costs(offered), ballot.choices, ballot_rules(voting))
    key = rules.voter_key(subject.vote_unit, voter_id, household_id)

    # Only fixed clauses and placeholders are formatted in; every value is a parameter.
    lock = " FOR UPDATE" if is_postgres() else ""
    existing = (
        yield Sql(
            f"SELECT id, channel, voter_id FROM ballot WHERE round_id = ? AND voter_key = ?{lock}",  # noqa: S608
            [round_id, key],
        )
    ).rows
    if existing:
        counting = CountingBallot(existing[0]["voter_id"], existing[0]["channel"])
        _check(ballot, standing, dataclasses.replace(subject, ballot=counting))
    at = timestamp(now)
    total = sum(costs.values())
    receipt_hash = codes.hash_code(code)
    if existing:
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


def _check(ballot: _Ballot, voter: Standing, subject: RoundSubject) -> None:
    """Refuse, in words for whoever submits it, a ballot this round does not take now."""
    if ballot.channel == "online":
        if not can("voting.vote", ballot.actor, voter, subject):
            raise rules.vote_refusal(ballot.actor, voter, subject)
        return
    # On paper: the committee types in a resident's ballot while voting is open; whichever
    # ballot came first stands, so an online one is never replaced from paper.
    refusal = rules.window_refusal(subject)
    if refusal is not None:
        raise refusal
    if subject.ballot is not None and subject.ballot.channel == "online":
        raise Conflict(N_("This resident has already voted online; that ballot stands."))
