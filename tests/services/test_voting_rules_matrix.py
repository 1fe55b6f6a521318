"""The voting rules as a matrix: every kind of actor × the round's state, each answer read
through the database (standing, round and the ballot that counts for the visitor, as the pages
and services load them) on SQLite and PostgreSQL. The table is the policy: a widened
permission must change it. Below it, the services refuse where the table refuses, and a
refusal changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.queries import get_standing
from participation.core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from participation.core.permissions import ANONYMOUS, Actor, can
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting import queries, services
from participation.voting.models import Ballot, RoundProject, VotingRound
from participation.voting.rules import RoundSubject
from tests.support import make_committee, make_user, make_verified, make_world, now, proposal_url
from tests.web.helpers import snapshot

ACTORS = (
    "anonymous",
    "member",  # joined, not verified
    "verified",  # verified resident, household 1栋101
    "volunteer",  # verified resident and volunteer, household 2栋201
    "committee",  # on the committee, verified, household 3栋301
    "admin",  # platform admin, member of nothing
    "disabled",  # verified resident whose account is disabled
    "other_member",  # verified resident of another community
    "other_committee",  # committee of another community
)
STATES = ("draft", "open", "household_voted", "counted", "published")
_ = False
Y = True

# fmt: off
# (rule, round state): one answer per actor, in the order of ACTORS. "household_voted": an
# open round where each household votes once, and the verified resident's partner has voted.
#                                                     anon mem ver vol com adm dis oth ocm
MATRIX: dict[tuple[str, str], tuple[bool, ...]] = {
    ("voting.manage", "open"):                         (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("voting.enter_paper_ballot", "open"):             (_,  _,  _,  _,  Y,  _,  _,  _,  _),
    ("voting.see", "draft"):                           (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("voting.see", "open"):                            (Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y),
    ("voting.see", "counted"):                         (Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y),
    ("voting.see_results", "open"):                    (_,  _,  _,  _,  _,  _,  _,  _,  _),
    ("voting.see_results", "counted"):                 (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("voting.see_results", "published"):               (Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y,  Y),
    ("voting.vote", "draft"):                          (_,  _,  _,  _,  _,  _,  _,  _,  _),
    ("voting.vote", "open"):                           (_,  _,  Y,  Y,  Y,  _,  _,  _,  _),
    ("voting.vote", "household_voted"):                (_,  _,  _,  Y,  Y,  _,  _,  _,  _),
    ("voting.vote", "counted"):                        (_,  _,  _,  _,  _,  _,  _,  _,  _),
    ("voting.vote", "published"):                      (_,  _,  _,  _,  _,  _,  _,  _,  _),
}
# fmt: on


@dataclass
class Scene:
    actors: dict[str, Actor]
    community_id: int
    rounds: dict[str, VotingRound]  # by state


async def _accepted(community_id: int, author: Actor, committee: Actor, count: int) -> list[int]:
    ids = []
    for index in range(count):
        data = proposals.ProposalInput(
            title=f"矩阵项目 {index}", body="种花", category="greening", cost_yuan="1000"
        )
        proposal = await proposals.create_proposal(author, community_id, data, now=now())
        await proposals.move_as_author(
            author, community_id, proposal.id, Status.SUBMITTED, now=now()
        )
        await proposals.review(
            committee, community_id, proposal.id, Status.ACCEPTED, reason="", now=now()
        )
        ids.append(proposal.id)
    return ids


async def _scene() -> Scene:
    world = await make_world()
    here = world.community
    users = {name: await make_user(f"vm-{name}") for name in ACTORS if name != "anonymous"}
    await communities.join_community(Actor(user_id=users["member"].id), here.id, now=now())
    for name, household in (
        ("verified", "1栋101"),
        ("volunteer", "2栋201"),
        ("committee", "3栋301"),
        ("disabled", "4栋401"),
    ):
        await make_verified(here, users[name], household=household)
    partner = await make_user("vm-partner")
    await make_verified(here, partner, household="1栋101")  # the verified resident's household
    await communities.set_role(None, here.id, users["volunteer"].id, "volunteer", True, now=now())
    await make_committee(here, users["committee"])
    await make_verified(world.other, users["other_member"], household="9栋901")
    await make_committee(world.other, users["other_committee"])
    await set_user_access(None, users["admin"].id, admin=True, now=now())

    committee = Actor(user_id=users["committee"].id)
    proposal_ids = tuple(await _accepted(here.id, Actor(user_id=partner.id), committee, 2))
    rounds: dict[str, VotingRound] = {}
    for state in STATES:
        unit = "household" if state == "household_voted" else "resident"
        data = services.RoundInput(
            title=f"矩阵 {state}",
            description="",
            budget_yuan=5000,
            opens_at=now() - timedelta(hours=1),
            closes_at=now() + timedelta(days=7),
            vote_unit=unit,
            proposal_ids=proposal_ids,
        )
        rounds[state] = await services.create_round(committee, here.id, data, now=now())
    for state in ("open", "household_voted", "counted", "published"):
        await services.open_round(committee, here.id, rounds[state].id, now=now())
    first = await RoundProject.filter(round_id=rounds["household_voted"].id).first()
    assert first is not None
    await services.cast_ballot(
        Actor(user_id=partner.id), here.id, rounds["household_voted"].id, [first.id], now=now()
    )
    for state in ("counted", "published"):
        await VotingRound.filter(id=rounds[state].id).update(closes_at=now() - timedelta(minutes=1))
        await services.close_round(None, here.id, rounds[state].id, now=now())
    await services.publish_round(
        committee, here.id, rounds["published"].id, now=now(), proposal_url=proposal_url
    )
    await set_user_access(None, users["disabled"].id, disabled=True, now=now())

    actors = {"anonymous": ANONYMOUS}
    for name, user in users.items():
        fresh = await user.__class__.get(id=user.id)
        actors[name] = Actor(user_id=fresh.id, is_admin=fresh.is_admin, disabled=fresh.disabled)
    fresh_rounds = {state: await VotingRound.get(id=r.id) for state, r in rounds.items()}
    return Scene(actors, here.id, fresh_rounds)


async def _subject(scene: Scene, state: str, actor: Actor) -> RoundSubject:
    """The round as the round page builds it for this visitor, now."""
    voting = scene.rounds[state]
    return queries.round_subject(voting, now=now(), mine=await queries.my_ballot(actor, voting))


async def test_the_voting_rules_answer_as_the_matrix_says(database: str) -> None:
    scene = await _scene()
    assert [r.status for r in scene.rounds.values()] == [
        "draft",
        "open",
        "open",
        "tallied",
        "published",
    ]
    wrong = []
    for (rule, state), row in MATRIX.items():
        for actor_name, expected in zip(ACTORS, row, strict=True):
            actor = scene.actors[actor_name]
            standing = await get_standing(actor.user_id, scene.community_id)
            subject = await _subject(scene, state, actor)
            if can(rule, actor, standing, subject) is not expected:
                wrong.append(f"{rule} on a {state} round, {actor_name}: expected {expected}")
    assert not wrong, "\n".join(wrong)


def _allowed(rule: str, state: str) -> list[str]:
    return [name for name, yes in zip(ACTORS, MATRIX[(rule, state)], strict=True) if yes]


def _refused(rule: str, state: str) -> list[str]:
    return [name for name, yes in zip(ACTORS, MATRIX[(rule, state)], strict=True) if not yes]


async def test_casting_refuses_exactly_where_the_table_refuses_and_changes_nothing(
    database: str,
) -> None:
    """Every actor tries to vote in every round: refused where ``voting.vote`` says no (a round
    they cannot see is not found), with nothing written; counted where it says yes."""
    scene = await _scene()
    wrong = []
    for state in STATES:
        voting = scene.rounds[state]
        first = await RoundProject.filter(round_id=voting.id).first()
        assert first is not None
        allowed = _allowed("voting.vote", state)
        for actor_name in ACTORS:
            actor = scene.actors[actor_name]
            before = await snapshot()
            try:
                await services.cast_ballot(
                    actor, scene.community_id, voting.id, [first.id], now=now()
                )
            except DomainError as refusal:
                if actor_name in allowed:
                    wrong.append(f"{actor_name} in the {state} round: refused ({refusal!r})")
                expected: tuple[type[DomainError], ...] = (NotAllowed, Invalid, Conflict)
                # A round one may not see is not found (an anonymous visitor is refused
                # before any round is looked up).
                if (
                    state == "draft"
                    and actor_name not in _allowed("voting.see", "draft")
                    and actor_name != "anonymous"
                ):
                    expected = (NotFound,)
                if not isinstance(refusal, expected):
                    wrong.append(f"{actor_name} in the {state} round: {refusal!r}")
                if await snapshot() != before:
                    wrong.append(f"{actor_name} in the {state} round: a refusal changed data")
            else:
                if actor_name not in allowed:
                    wrong.append(f"{actor_name} in the {state} round: the ballot was taken")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("actor_name", _refused("voting.manage", "open"))
async def test_only_those_who_manage_rounds_prepare_open_and_count_them(
    database: str, actor_name: str
) -> None:
    scene = await _scene()
    actor = scene.actors[actor_name]
    draft, counted = scene.rounds["draft"], scene.rounds["counted"]
    before = await snapshot()
    data = services.RoundInput(
        title="不该有的投票",
        description="",
        budget_yuan=100,
        opens_at=now(),
        closes_at=now() + timedelta(days=1),
    )
    for attempt in (
        services.create_round(actor, scene.community_id, data, now=now()),
        services.edit_round(actor, scene.community_id, draft.id, data, now=now()),
        services.open_round(actor, scene.community_id, draft.id, now=now()),
        services.close_round(actor, scene.community_id, counted.id, now=now()),
        services.publish_round(
            actor, scene.community_id, counted.id, now=now(), proposal_url=proposal_url
        ),
    ):
        with pytest.raises(NotAllowed):
            await attempt
    assert await snapshot() == before


@pytest.mark.parametrize("actor_name", _refused("voting.enter_paper_ballot", "open"))
async def test_only_the_committee_enters_paper_ballots(database: str, actor_name: str) -> None:
    scene = await _scene()
    voting = scene.rounds["open"]
    first = await RoundProject.filter(round_id=voting.id).first()
    assert first is not None
    voter = scene.actors["verified"].user_id
    assert voter is not None
    before = await snapshot()
    with pytest.raises(NotAllowed):
        await services.enter_paper_ballot(
            scene.actors[actor_name], scene.community_id, voting.id, voter, [first.id], now=now()
        )
    assert await snapshot() == before
    assert not await Ballot.exists(round_id=voting.id, voter_id=voter)


async def test_rounds_and_results_are_found_exactly_where_the_table_lets_see_them(
    database: str,
) -> None:
    """The pages' reads ask the same rules: a round one may not see, or results one may not
    see yet, are not found."""
    scene = await _scene()
    wrong = []
    for actor_name in ACTORS:
        actor = scene.actors[actor_name]
        standing = await get_standing(actor.user_id, scene.community_id)
        for state, voting in scene.rounds.items():
            for read, rule in (
                (queries.visible_round, "voting.see"),
                (queries.counted_round, "voting.see_results"),
            ):
                if (rule, state) not in MATRIX:
                    continue
                expected = MATRIX[(rule, state)][ACTORS.index(actor_name)]
                try:
                    await read(actor, standing, scene.community_id, voting.id)
                    found = True
                except NotFound:
                    found = False
                if found is not expected:
                    wrong.append(f"{read.__name__} of the {state} round, {actor_name}: {found}")
        listed = {r.id for r in await queries.list_rounds(actor, standing, scene.community_id)}
        sees_drafts = MATRIX[("voting.see", "draft")][ACTORS.index(actor_name)]
        if (scene.rounds["draft"].id in listed) is not sees_drafts:
            wrong.append(f"the list of rounds, {actor_name}: draft listed {not sees_drafts}")
    assert not wrong, "\n".join(wrong)
