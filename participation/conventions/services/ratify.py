"""Ratification: the committee schedules a vote on the current version with its rules fixed
in advance; verified residents (or households) vote yes, no or abstain, online or on paper at
the community office; once it closes the result is counted once, with its turnout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

import participation.conventions.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import electorate, get_standing, member_household
from participation.conventions.models import Ratification, RatificationVote
from participation.conventions.ratification import (
    CHOICES,
    MAJORITIES,
    MODES,
    Majority,
    Mode,
    RatificationRule,
    ballot_key,
    decide,
    tally_votes,
)
from participation.conventions.rules import (
    PAPER_STANDS,
    Phase,
    RatificationSubject,
    vote_refusal,
)
from participation.conventions.services.drafting import locked_convention, open_amendment_count
from participation.core.clock import window_at
from participation.core.db import claim_once, is_postgres, transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, Standing, can, require
from participation.notifications.services import notify


@dataclass(frozen=True)
class VoteRules:
    mode: str
    quorum_percent: int
    majority: str
    opens_at: datetime
    closes_at: datetime


async def schedule_ratification(
    actor: Actor, community_id: int, convention_id: int, rules: VoteRules, *, now: datetime
) -> Ratification:
    """The vote on the current version; its rules cannot change once scheduled."""
    require("conventions.manage", actor, await get_standing(actor.user_id, community_id))
    if rules.mode not in MODES or rules.majority not in MAJORITIES:
        raise Invalid(N_("Please choose who votes and the majority needed."))
    if not 0 < rules.quorum_percent <= 100:
        raise Invalid(N_("The quorum is a share from 1 to 100 per cent."), field="quorum_percent")
    if rules.closes_at <= rules.opens_at or rules.closes_at <= now:
        raise Invalid(N_("Voting must close after it opens, and in the future."), field="closes_at")
    async with transaction() as conn:
        convention = await locked_convention(conn, community_id, convention_id)
        if Phase(convention.status) not in (Phase.DRAFTING, Phase.CONSOLIDATION):
            raise Conflict(N_("The convention is no longer in that phase; reload the page."))
        if await open_amendment_count(conn, convention.id):
            raise Invalid(N_("Decide on every open amendment before the vote is scheduled."))
        assert convention.current_version_id is not None
        ratification = await Ratification.create(
            convention_id=convention.id,
            version_id=convention.current_version_id,
            mode=rules.mode,
            quorum_percent=rules.quorum_percent,
            majority=rules.majority,
            opens_at=rules.opens_at,
            closes_at=rules.closes_at,
            created_by_id=actor.user_id,
            created_at=now,
            using_db=conn,
        )
        convention.status = Phase.RATIFICATION.value
        convention.updated_at = now
        await convention.save(update_fields=["status", "updated_at"], using_db=conn)
        for user_id in (await electorate(community_id, conn)).resident_ids:
            await notify(
                conn,
                user_id,
                "conventions.vote_scheduled",
                now=now,
                convention=convention.title,
                convention_id=convention.id,
            )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="conventions.schedule_ratification",
            target=f"convention:{convention.id}",
            at=now,
            after={
                "mode": rules.mode,
                "quorum_percent": rules.quorum_percent,
                "majority": rules.majority,
                "opens_at": rules.opens_at.isoformat(),
                "closes_at": rules.closes_at.isoformat(),
            },
        )
    return ratification


async def _ratification(community_id: int, ratification_id: int) -> Ratification:
    found = await Ratification.filter(
        id=ratification_id, convention__community_id=community_id
    ).first()
    if found is None:
        raise NotFound()
    return found


async def cast_vote(
    actor: Actor, community_id: int, ratification_id: int, choice: str, *, now: datetime
) -> RatificationVote:
    """The voter's own vote (or their household's), changeable until the vote closes."""
    ratification = await _ratification(community_id, ratification_id)
    standing = await get_standing(actor.user_id, community_id)
    return await _store(
        community_id, ratification, actor, standing, actor.user_id, choice, "online", now
    )


async def enter_paper_vote(
    actor: Actor,
    community_id: int,
    ratification_id: int,
    voter_id: int,
    choice: str,
    *,
    now: datetime,
) -> RatificationVote:
    """A vote cast on paper at the community office, typed in by the committee (audited)."""
    ratification = await _ratification(community_id, ratification_id)
    standing = await get_standing(actor.user_id, community_id)
    voter = await get_standing(voter_id, community_id)
    if not voter.verified:
        raise Invalid(
            N_("Paper votes are for verified residents of this community."), field="voter_id"
        )
    return await _store(community_id, ratification, actor, standing, voter_id, choice, "paper", now)


async def _store(
    community_id: int,
    ratification: Ratification,
    actor: Actor,
    standing: Standing,
    voter_id: int | None,
    choice: str,
    channel: str,
    now: datetime,
) -> RatificationVote:
    if choice not in CHOICES:
        raise Invalid(N_("Please choose yes, no or abstain."), field="choice")
    household = None
    if voter_id is not None:
        place = await member_household(voter_id, community_id)
        household = place.household_id if place else None
    subject = RatificationSubject(
        window=window_at(now, ratification.opens_at, ratification.closes_at),
        household_mode=ratification.mode == "household",
        in_household=household is not None,
        counted=ratification.counted_at is not None,
    )
    rule = "conventions.vote" if channel == "online" else "conventions.enter_paper_vote"
    if not can(rule, actor, standing, subject):
        if channel == "paper":
            require(rule, actor, standing, subject)
        raise vote_refusal(actor, standing, subject)
    if channel == "paper" and subject.household_mode and household is None:
        raise Invalid(N_("Households vote on this convention, and this resident is not in one."))
    assert voter_id is not None
    key = ballot_key(cast(Mode, ratification.mode), voter_id, household)
    # Parallel first votes race on UNIQUE(ratification, voter_key): the loser updates instead.
    for _attempt in range(3):
        try:
            async with transaction() as conn:
                return await _upsert(
                    conn, community_id, ratification, actor, key, voter_id, choice, channel, now
                )
        except IntegrityError:
            continue
    raise Conflict()


async def _upsert(
    conn: BaseDBAsyncClient,
    community_id: int,
    ratification: Ratification,
    actor: Actor,
    key: str,
    voter_id: int,
    choice: str,
    channel: str,
    now: datetime,
) -> RatificationVote:
    # First a write on the ratification's row, taking its lock (and SQLite's write lock)
    # before anything is read: votes serialise with each other and with counting, and it
    # only succeeds while the vote is open and not yet counted.
    still_open = await (
        Ratification.filter(id=ratification.id, counted_at__isnull=True, closes_at__gt=now)
        .using_db(conn)
        .update(vote_count=F("vote_count"))
    )
    if not still_open:
        raise Invalid(N_("Voting has closed."))
    query = RatificationVote.filter(ratification_id=ratification.id, voter_key=key).using_db(conn)
    if is_postgres():
        query = query.select_for_update()
    existing = await query.first()
    if existing is not None and existing.channel != channel:
        if channel == "online":
            raise Conflict(PAPER_STANDS)
        raise Conflict(N_("This resident has already voted online; that vote stands."))
    entered_by = actor.user_id if channel == "paper" else None
    if existing is None:
        vote = await RatificationVote.create(
            ratification_id=ratification.id,
            voter_key=key,
            voter_id=voter_id,
            choice=choice,
            channel=channel,
            entered_by_id=entered_by,
            created_at=now,
            updated_at=now,
            using_db=conn,
        )
        await (
            Ratification.filter(id=ratification.id)
            .using_db(conn)
            .update(vote_count=F("vote_count") + 1)
        )
    else:
        existing.choice, existing.voter_id, existing.updated_at = choice, voter_id, now
        existing.entered_by_id = entered_by
        await existing.save(
            update_fields=["choice", "voter_id", "updated_at", "entered_by_id"], using_db=conn
        )
        vote = existing
    if channel == "paper":
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="conventions.enter_paper_vote",
            target=f"ratification:{ratification.id}",
            at=now,
            # The choice stays secret: the trail says whose vote, not what.
            after={"voter_id": voter_id, "replaced": existing is not None},
        )
    return vote


async def count_ratification(
    actor: Actor | None, community_id: int, ratification_id: int, *, now: datetime
) -> Ratification:
    """Count a closed vote, once (by the committee, or by the job when ``actor`` is None)."""
    ratification = await _ratification(community_id, ratification_id)
    if actor is not None:
        standing = await get_standing(actor.user_id, community_id)
        subject = RatificationSubject(
            window=window_at(now, ratification.opens_at, ratification.closes_at),
            counted=ratification.counted_at is not None,
        )
        require("conventions.count", actor, standing, subject)
    elif now < ratification.closes_at:
        raise Invalid(N_("Voting has not closed yet."))
    async with transaction() as conn:
        if not await claim_once(conn, Ratification, ratification.id, "counted_at", now):
            raise Conflict(N_("This vote has been counted already."))
        votes = (
            await RatificationVote.filter(ratification_id=ratification.id)
            .using_db(conn)
            .order_by("updated_at", "id")
            .values_list("voter_key", "choice")
        )
        people = await electorate(community_id, conn)
        eligible = people.households if ratification.mode == "household" else people.residents
        tally = tally_votes(votes, eligible)
        rule = RatificationRule(
            ratification.quorum_percent,
            cast(Majority, ratification.majority),
            cast(Mode, ratification.mode),
        )
        outcome = decide(rule, tally)
        await (
            Ratification.filter(id=ratification.id)
            .using_db(conn)
            .update(
                outcome=outcome.status,
                yes=tally.yes,
                no=tally.no,
                abstain=tally.abstain,
                eligible=eligible,
            )
        )
        convention = await locked_convention(conn, community_id, ratification.convention_id)
        convention.status = (
            Phase.ADOPTED if outcome.status == "adopted" else Phase.NOT_ADOPTED
        ).value
        if outcome.status == "adopted":
            convention.adopted_version_id = ratification.version_id
        convention.updated_at = now
        await convention.save(
            update_fields=["status", "adopted_version_id", "updated_at"], using_db=conn
        )
        for user_id in people.resident_ids:
            await notify(
                conn,
                user_id,
                "conventions.result",
                now=now,
                convention=convention.title,
                convention_id=convention.id,
            )
        await record(
            conn,
            actor_id=actor.user_id if actor else None,
            community_id=community_id,
            action="conventions.count_ratification",
            target=f"ratification:{ratification.id}",
            at=now,
            after={
                "outcome": outcome.status,
                "yes": tally.yes,
                "no": tally.no,
                "abstain": tally.abstain,
                "eligible": eligible,
            },
        )
    return await Ratification.get(id=ratification.id)


async def due_ratifications(now: datetime) -> list[tuple[int, int]]:
    """(community id, ratification id) of votes that have closed and are not counted."""
    rows = await Ratification.filter(closes_at__lte=now, counted_at__isnull=True).values_list(
        "convention__community_id", "id"
    )
    return [(int(c), int(r)) for c, r in rows]


CLOSING_SOON = timedelta(hours=24)


async def remind_closing(now: datetime) -> int:
    """Tell the eligible voters who have not voted yet that a vote closes within a day: once
    per vote (claimed), returns how many were told."""
    due = await Ratification.filter(
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + CLOSING_SOON,
        closing_notice_at__isnull=True,
        counted_at__isnull=True,
    ).select_related("convention")
    told = 0
    for ratification in due:
        convention = ratification.convention
        async with transaction() as conn:
            if not await claim_once(conn, Ratification, ratification.id, "closing_notice_at", now):
                continue
            voted = set(
                await RatificationVote.filter(ratification_id=ratification.id)
                .using_db(conn)
                .values_list("voter_key", flat=True)
            )
            people = await electorate(convention.community_id, conn)
            mode = cast(Mode, ratification.mode)
            for user_id in people.resident_ids:
                household = people.household_of.get(user_id)
                if mode == "household" and household is None:
                    continue
                if ballot_key(mode, user_id, household) in voted:
                    continue
                await notify(
                    conn,
                    user_id,
                    "conventions.vote_closing",
                    now=now,
                    convention=convention.title,
                    convention_id=convention.id,
                )
                told += 1
    return told
