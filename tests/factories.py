"""Small factories: a neighbourhood of people, and the proposals, plots, teams and votes a test
adds to it, each made through the domain's services as the people themselves would (a resident
proposes, the committee reviews, a leader asks for a plot), never through the demo.

``make_neighbourhood`` builds 玉林东路社区 (``COMMUNITY_SLUG``) with the people the browser
tests sign in as: the committee member 王主任, three verified residents, a volunteer, and two
household codes printed and not yet used. The other factories take that ``Neighbourhood`` (its
community, its committee) and return ids; times default to now, and a test passes ``at`` for
what happened earlier (a care log last week, a vote that closed yesterday).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from participation.communities import services as communities
from participation.core.permissions import Actor
from participation.plots import adoption, care, teams
from participation.plots import services as plots
from participation.plots.plot_input import PlotInput
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting import queries as voting_queries
from participation.voting import services as voting
from participation.voting.open_data import ProposalUrl
from tests.support import make_committee, make_user, make_verified, now

COMMUNITY_SLUG = "yulin-east"
COMMUNITY_NAME = "玉林东路社区"


class Person(NamedTuple):
    subject: str  # what they type at the local provider to sign in
    name: str  # the name their neighbours see


COMMITTEE = Person("committee-wang", "王主任")
# Verified, each in a household of their own (RESIDENT_HOUSEHOLDS, in the same order).
RESIDENTS = (
    Person("tian-xiufang", "田秀芳"),
    Person("li-family", "李家"),
    Person("zhang-wei", "张伟"),
)
RESIDENT_HOUSEHOLDS = ("1栋1单元101", "2栋3单元302", "5栋1单元601")
VOLUNTEER = Person("chen-volunteer", "陈阿姨")  # a member with the volunteer role, in no team
# Households with a code printed for them that nobody has used yet.
HOUSEHOLD = "3栋2单元501"
SPARE_HOUSEHOLD = "9栋9单元909"

# Near 玉林东路: make_plot's north_east is counted from here.
CENTRE = (30.6340, 104.0510)


@dataclass(frozen=True)
class Neighbourhood:
    community_id: int
    committee: Actor
    residents: tuple[Actor, ...]  # in the order of RESIDENTS
    volunteer: Actor
    codes: Mapping[str, str]  # unused household code, by household (HOUSEHOLD, SPARE_HOUSEHOLD)


async def make_neighbourhood() -> Neighbourhood:
    """The community and its people; the household codes are issued last, as a committee
    prints them for newcomers."""
    at = now()
    community = await communities.create_community(
        None, slug=COMMUNITY_SLUG, name=COMMUNITY_NAME, street="玉林街道", district="武侯区", now=at
    )
    committee = await make_user(*COMMITTEE)
    await make_committee(community, committee)
    residents = []
    for person, household in zip(RESIDENTS, RESIDENT_HOUSEHOLDS, strict=True):
        resident = await make_user(*person)
        await make_verified(community, resident, household)
        residents.append(Actor(user_id=resident.id))
    volunteer = await make_user(*VOLUNTEER)
    await communities.set_role(None, community.id, volunteer.id, "volunteer", True, now=at)
    issued = await communities.issue_household_codes(
        None, community.id, [HOUSEHOLD, SPARE_HOUSEHOLD], now=at
    )
    return Neighbourhood(
        community_id=community.id,
        committee=Actor(user_id=committee.id),
        residents=tuple(residents),
        volunteer=Actor(user_id=volunteer.id),
        codes={code.household: code.code for code in issued},
    )


# --- proposals -----------------------------------------------------------------------------------


async def make_proposal(
    hood: Neighbourhood,
    author: Actor,
    title: str,
    *,
    body: str = "",
    path: Sequence[Status] = (Status.SUBMITTED,),
    cost_yuan: int = 2000,
    category: str = "greening",
    location: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> int:
    """A proposal by ``author``, moved along ``path``: the author submits or withdraws, the
    committee takes every other step (with ``reason`` where one is asked for). Returns its id."""
    when = at or now()
    text = body or f"{title}。详见社区公告栏。"
    data = proposals.ProposalInput(title, text, category, str(cost_yuan), location)
    proposal = await proposals.create_proposal(author, hood.community_id, data, now=when)
    for target in path:
        if target in (Status.SUBMITTED, Status.WITHDRAWN):
            await proposals.move_as_author(author, hood.community_id, proposal.id, target, now=when)
        else:
            await proposals.review(
                hood.committee, hood.community_id, proposal.id, target, reason=reason, now=when
            )
    return proposal.id


ACCEPTED = (Status.SUBMITTED, Status.ACCEPTED)  # on the list for the next vote
IN_PROGRESS = (*ACCEPTED, Status.SELECTED, Status.IN_PROGRESS)
COMPLETED = (*IN_PROGRESS, Status.COMPLETED)


# --- plots and teams -----------------------------------------------------------------------------


async def make_plot(
    hood: Neighbourhood,
    name: str,
    *,
    kind: str = "flowerbed",
    location: str = "",
    care_needs: str = "",
    north_east: tuple[int, int] | None = None,
    at: datetime | None = None,
) -> int:
    """A plot the committee adds; ``north_east`` (in 1/10,000 of a degree from ``CENTRE``)
    puts it on the map."""
    where = ("", "")
    if north_east is not None:
        north, east = north_east
        where = (f"{CENTRE[0] + north / 10_000:.6f}", f"{CENTRE[1] + east / 10_000:.6f}")
    data = PlotInput(
        name,
        kind,
        location=location,
        latitude=where[0],
        longitude=where[1],
        care_needs=care_needs,
    )
    plot = await plots.create_plot(hood.committee, hood.community_id, data, now=at or now())
    return plot.id


async def make_team(
    hood: Neighbourhood,
    leader: Actor,
    name: str,
    *,
    members: Sequence[Actor] = (),
    join_policy: str = "open",
    at: datetime | None = None,
) -> int:
    """A volunteer team ``leader`` founds; ``members`` join it (and are let in, when the team
    decides who joins). Returns its id."""
    when = at or now()
    team = await teams.found_team(
        leader,
        hood.community_id,
        teams.TeamInput(name, f"{name}，欢迎邻居加入。", join_policy),
        now=when,
    )
    for member in members:
        joined = await teams.join_team(member, hood.community_id, team.id, now=when)
        if joined == teams.PENDING:
            assert member.user_id is not None
            await teams.decide_join(
                leader, hood.community_id, team.id, member.user_id, True, now=when
            )
    return team.id


async def ask_to_adopt(
    hood: Neighbourhood,
    leader: Actor,
    team_id: int,
    plot_id: int,
    *,
    term_months: int = 6,
    at: datetime | None = None,
) -> int:
    """The team's leader asks for the plot (a request, or a place on the waiting list)."""
    made = await adoption.request_adoption(
        leader, hood.community_id, plot_id, team_id, term_months, now=at or now()
    )
    return made.id


async def adopt(
    hood: Neighbourhood,
    leader: Actor,
    team_id: int,
    plot_id: int,
    *,
    term_months: int = 6,
    at: datetime | None = None,
) -> int:
    """The leader asks for the plot and the committee approves at once. Returns the adoption."""
    adoption_id = await ask_to_adopt(hood, leader, team_id, plot_id, term_months=term_months, at=at)
    await adoption.decide_adoption(
        hood.committee, hood.community_id, adoption_id, True, "", now=at or now()
    )
    return adoption_id


async def log_care(
    hood: Neighbourhood,
    member: Actor,
    plot_id: int,
    kind: str,
    minutes: int,
    *,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Care a member of the adopting team gives the plot (logged when it was given)."""
    data = care.CareInput(kind=kind, minutes=str(minutes), note=note)
    await care.log_care(member, hood.community_id, plot_id, data, now=at or now())


# --- votes ---------------------------------------------------------------------------------------


async def make_open_round(
    hood: Neighbourhood,
    title: str,
    proposal_ids: Sequence[int],
    *,
    budget_yuan: int,
    opens_at: datetime,
    closes_at: datetime,
) -> int:
    """A vote over accepted proposals, prepared by the committee and opened at ``opens_at``."""
    data = voting.RoundInput(
        title=title,
        description=f"{title}：社区基金 ¥{budget_yuan:,}。",
        budget_yuan=budget_yuan,
        opens_at=opens_at,
        closes_at=closes_at,
        proposal_ids=tuple(proposal_ids),
    )
    made = await voting.create_round(hood.committee, hood.community_id, data, now=opens_at)
    await voting.open_round(hood.committee, hood.community_id, made.id, now=opens_at)
    return made.id


async def make_published_round(
    hood: Neighbourhood,
    title: str,
    proposal_ids: Sequence[int],
    *,
    budget_yuan: int,
    ballots: Sequence[Sequence[int]],
    proposal_url: ProposalUrl,
    closed_at: datetime,
) -> int:
    """A vote that closed at ``closed_at``: each resident in turn cast one of ``ballots`` (the
    proposals they chose, by id); counted and published."""
    opens_at = closed_at - timedelta(days=14)
    round_id = await make_open_round(
        hood, title, proposal_ids, budget_yuan=budget_yuan, opens_at=opens_at, closes_at=closed_at
    )
    projects = {p.proposal_id: p.id for p in await voting_queries.ballot_projects(round_id)}
    for voter, chosen in zip(hood.residents, ballots, strict=False):
        picks = [projects[proposal_id] for proposal_id in chosen]
        await voting.cast_ballot(
            voter, hood.community_id, round_id, picks, now=opens_at + timedelta(days=1)
        )
    await voting.close_round(None, hood.community_id, round_id, now=closed_at)
    await voting.publish_round(
        hood.committee, hood.community_id, round_id, now=closed_at, proposal_url=proposal_url
    )
    return round_id
