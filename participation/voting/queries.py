"""Reading voting rounds: lists, a voter's own ballot, results, and the open data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import cast

from participation.communities.queries import community_by_id, member_household
from participation.core.clock import Window, window_at
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import Actor, Standing, can
from participation.moderation.queries import hidden_ids
from participation.proposals.queries import proposal_titles
from participation.voting import open_data, rules
from participation.voting.models import (
    Ballot,
    BallotChoice,
    PublishedBallots,
    RoundProject,
    RoundResult,
    VotingRound,
)
from participation.voting.rules import CountingBallot, RoundStatus, RoundSubject, VoteUnit

VISIBLE = tuple(s.value for s in RoundStatus if s is not RoundStatus.DRAFT)


async def list_rounds(actor: Actor, standing: Standing, community_id: int) -> list[VotingRound]:
    """The rounds this visitor may see (``voting.see``): drafts only for those who manage them."""
    query = VotingRound.filter(community_id=community_id)
    if not can("voting.see", actor, standing, RoundSubject(RoundStatus.DRAFT)):
        query = query.filter(status__in=VISIBLE)
    return await query.order_by("-opens_at", "-id")


async def get_round(community_id: int, round_id: int) -> VotingRound:
    """A round of this community, whatever its state (for those the caller has checked)."""
    found = await VotingRound.get_or_none(id=round_id, community_id=community_id)
    if found is None:
        raise NotFound()
    return found


async def visible_round(
    actor: Actor, standing: Standing, community_id: int, round_id: int
) -> VotingRound:
    """The round, if this visitor may see it (``voting.see``): one being prepared is, to
    anyone who does not manage rounds, the same 404 as a missing one."""
    found = await VotingRound.get_or_none(id=round_id, community_id=community_id)
    if found is None or not can("voting.see", actor, standing, round_subject(found)):
        raise NotFound()
    return found


async def counted_round(
    actor: Actor, standing: Standing, community_id: int, round_id: int
) -> VotingRound:
    """The round, if this visitor may see its results (``voting.see_results``): published, or
    counted for those who manage rounds; not found otherwise."""
    found = await visible_round(actor, standing, community_id, round_id)
    if not can("voting.see_results", actor, standing, round_subject(found)):
        raise NotFound()
    return found


async def round_to_edit(community_id: int, round_id: int) -> VotingRound:
    """A round whose rules may still change: one being prepared (the caller has checked
    ``voting.manage``)."""
    found = await get_round(community_id, round_id)
    if found.status != RoundStatus.DRAFT.value:
        raise Invalid(N_("An open round's rules cannot change."))
    return found


@dataclass(frozen=True)
class BallotProject:
    id: int  # round_project id
    proposal_id: int
    title: str
    cost_yuan: int
    votes: int
    funded: bool


async def ballot_projects(round_id: int) -> list[BallotProject]:
    projects = await RoundProject.filter(round_id=round_id).order_by("position")
    titles = await proposal_titles([p.proposal_id for p in projects])
    return [
        BallotProject(
            id=p.id,
            proposal_id=p.proposal_id,
            title=titles.get(p.proposal_id, ""),
            cost_yuan=p.cost_yuan,
            votes=p.vote_count,
            funded=p.funded,
        )
        for p in projects
    ]


@dataclass(frozen=True)
class MyBallot:
    ballot: Ballot | None  # the ballot that counts for this voter (theirs, or their household's)
    choices: frozenset[int]
    mine: bool  # cast by this voter (a household member's ballot is not theirs to change)
    in_household: bool = False  # the voter belongs to a household of the round's community


async def my_ballot(actor: Actor, voting: VotingRound) -> MyBallot:
    if actor.user_id is None:
        return MyBallot(None, frozenset(), mine=False)
    place = await member_household(actor.user_id, voting.community_id)
    if place is None:
        return MyBallot(None, frozenset(), mine=False)
    in_household = place.household_id is not None
    unit = VoteUnit(voting.vote_unit)
    if unit is VoteUnit.HOUSEHOLD and not in_household:
        return MyBallot(None, frozenset(), mine=False)
    key = rules.voter_key(unit, actor.user_id, place.household_id)
    ballot = await Ballot.get_or_none(round_id=voting.id, voter_key=key)
    if ballot is None:
        return MyBallot(None, frozenset(), mine=False, in_household=in_household)
    choices = cast(
        list[int],
        await BallotChoice.filter(ballot_id=ballot.id).values_list("round_project_id", flat=True),
    )
    return MyBallot(
        ballot,
        frozenset(choices),
        mine=ballot.voter_id == actor.user_id,
        in_household=in_household,
    )


def round_subject(
    voting: VotingRound, *, now: datetime | None = None, mine: MyBallot | None = None
) -> RoundSubject:
    """The round as its rules see it: at ``now`` (without it, voting is not open) and for the
    visitor whose ballot ``mine`` is."""
    window = (
        window_at(now, voting.opens_at, voting.closes_at) if now is not None else Window.NOT_YET
    )
    counting = (
        CountingBallot(mine.ballot.voter_id, mine.ballot.channel)
        if mine is not None and mine.ballot is not None
        else None
    )
    return RoundSubject(
        status=RoundStatus(voting.status),
        vote_unit=VoteUnit(voting.vote_unit),
        window=window,
        in_household=mine is not None and mine.in_household,
        ballot=counting,
    )


@dataclass(frozen=True)
class Explained:
    project: BallotProject
    funded: bool
    chosen_by: str | None
    budget_left_at_turn: int | None
    supporters_money_left_yuan: int | None
    supporters_paid_for: list[tuple[BallotProject, int]]  # project, whole yuan paid towards it


@dataclass(frozen=True)
class RoundResults:
    rule: str
    projects: list[Explained]  # in the order of votes, then cost
    spent_yuan: int
    left_over_yuan: int
    voters: int
    voters_with_a_funded_project: int
    other_rule: str
    funded_under_other_rule: frozenset[int]


async def round_results(voting: VotingRound) -> RoundResults | None:
    """The stored results under the round's rule, explained; None before they are counted."""
    stored = {r.rule: r for r in await RoundResult.filter(round_id=voting.id)}
    chosen = stored.get(voting.result_rule)
    if chosen is None:
        return None
    other_rule = next(rule for rule in stored if rule != voting.result_rule)
    by_id = {p.id: p for p in await ballot_projects(voting.id)}
    details: dict[str, dict[str, object]] = chosen.explanation["projects"]  # type: ignore[assignment]
    explained = []
    for project_id, project in by_id.items():
        detail = details.get(str(project_id), {})
        paid_for = [
            (by_id[int(str(item["project"]))], int(Fraction(str(item["amount"]))))
            for item in detail.get("supporters_paid_for", [])  # type: ignore[attr-defined]
            if int(str(item["project"])) in by_id
        ]
        explained.append(
            Explained(
                project=project,
                funded=project_id in chosen.winners,
                chosen_by=detail.get("chosen_by"),  # type: ignore[arg-type]
                budget_left_at_turn=detail.get("budget_left_at_turn"),  # type: ignore[arg-type]
                supporters_money_left_yuan=detail.get("supporters_money_left_yuan"),  # type: ignore[arg-type]
                supporters_paid_for=paid_for,
            )
        )
    explained.sort(key=lambda e: (not e.funded, -e.project.votes, e.project.cost_yuan))
    voters = int(str(chosen.explanation.get("voters", 0)))
    return RoundResults(
        rule=chosen.rule,
        projects=explained,
        spent_yuan=chosen.spent_yuan,
        left_over_yuan=voting.budget_yuan - chosen.spent_yuan,
        voters=voters,
        voters_with_a_funded_project=chosen.voters_with_a_funded_project,
        other_rule=other_rule,
        funded_under_other_rule=frozenset(stored[other_rule].winners),
    )


async def round_facts(voting: VotingRound) -> open_data.RoundFacts:
    community = await community_by_id(voting.community_id)
    return open_data.RoundFacts(
        round_id=voting.id,
        title=voting.title,
        community=community.name,
        community_slug=community.slug,
        district=community.district,
        budget_yuan=voting.budget_yuan,
        opens_at=voting.opens_at,
        closes_at=voting.closes_at,
        timezone=community.timezone,
        result_rule=voting.result_rule,
        min_projects=voting.min_projects,
        max_projects=voting.max_projects,
        min_spend_percent=voting.min_spend_percent,
        lot=tuple(voting.lot),
    )


# A project whose proposal moderation hides keeps its place, cost and votes in the open data
# (the count must add up), not its title.
HIDDEN_TITLE = "[hidden by moderation]"


async def open_titles(projects: Sequence[BallotProject]) -> dict[int, str]:
    """Each project's title as the open data gives it (round project id -> title)."""
    hidden = await hidden_ids("proposal", {p.proposal_id for p in projects})
    return {p.id: HIDDEN_TITLE if p.proposal_id in hidden else p.title for p in projects}


async def open_data_pb(voting: VotingRound, proposal_url: open_data.ProposalUrl | None) -> str:
    """The round's .pb file from its frozen ballots and counted result, with each project's
    proposal and its page; without ``proposal_url``, in the format from before they were
    added (for rounds published then)."""
    projects = await ballot_projects(voting.id)
    ballots = await Ballot.filter(round_id=voting.id).values_list("id", "receipt_hash")
    chosen: dict[int, list[int]] = {ballot_id: [] for ballot_id, _ in ballots}
    for ballot_id, project_id in await BallotChoice.filter(ballot__round_id=voting.id).values_list(
        "ballot_id", "round_project_id"
    ):
        chosen[ballot_id].append(project_id)
    result = await RoundResult.get_or_none(round_id=voting.id, rule=voting.result_rule)
    winners = frozenset(result.winners if result else ())
    facts = await round_facts(voting)
    titles = await open_titles(projects)
    return open_data.pabulib(
        facts,
        [
            open_data.ProjectFacts(
                p.id,
                titles[p.id],
                p.cost_yuan,
                p.votes,
                p.id in winners,
                proposal_id=p.proposal_id,
                url=proposal_url(facts.community_slug, p.proposal_id) if proposal_url else "",
            )
            for p in projects
        ],
        [
            open_data.BallotFacts(receipt_hash, tuple(chosen[ballot_id]))
            for ballot_id, receipt_hash in ballots
        ],
        with_proposals=proposal_url is not None,
    )


async def ballots_file(voting: VotingRound, proposal_url: open_data.ProposalUrl) -> str:
    """The .pb file to download: a published round's exactly as it was published (its SHA-256
    is on the results page); a counted one, for its committee, as it would be published now."""
    if voting.status == RoundStatus.PUBLISHED.value:
        kept = await PublishedBallots.get_or_none(round_id=voting.id)
        if kept is not None:
            return kept.text
        # Published before files were kept (migration 0009): its file was the one written from
        # the database then, in the format of the time, which this writes again.
        return await open_data_pb(voting, None)
    return await open_data_pb(voting, proposal_url)


@dataclass(frozen=True)
class FoundBallot:
    receipt_hash: str
    paper: bool
    projects: list[BallotProject]


async def ballot_by_receipt(voting: VotingRound, receipt_hash: str) -> FoundBallot | None:
    ballot = await Ballot.get_or_none(round_id=voting.id, receipt_hash=receipt_hash)
    if ballot is None:
        return None
    chosen = set(
        await BallotChoice.filter(ballot_id=ballot.id).values_list("round_project_id", flat=True)
    )
    return FoundBallot(
        receipt_hash=receipt_hash,
        paper=ballot.channel == "paper",
        projects=[p for p in await ballot_projects(voting.id) if p.id in chosen],
    )


async def community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these rounds (for notices' links)."""
    rows = await VotingRound.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}
