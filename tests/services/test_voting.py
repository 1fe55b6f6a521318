"""Voting rounds: preparing and opening a round, ballots online and on paper, the voting window,
one ballot per voter under parallel requests, counting and publishing. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from participation.accounts.models import KeptResult
from participation.audit.models import AuditEntry
from participation.core.codes import hash_code
from participation.core.errors import Conflict, DomainError, Invalid, NotAllowed
from participation.core.permissions import Actor
from participation.notifications.models import Notification
from participation.proposals import services as proposals
from participation.proposals.models import Proposal
from participation.proposals.rules import Status
from participation.voting import queries, services
from participation.voting.models import Ballot, BallotChoice, RoundProject, RoundResult, VotingRound
from participation.voting.rules import RoundStatus
from tests.services.conftest import People
from tests.support import World, make_neighbours, make_user, make_verified, now, proposal_url

COSTS = (3000, 2000, 1500, 1000)  # the ballot: four projects
BUDGET = 5000


@dataclass
class Scene:
    world: World
    committee: Actor
    round: VotingRound
    projects: list[RoundProject]  # in ballot order
    opens_at: datetime
    closes_at: datetime


async def accepted_proposals(world: World, people: People, costs: tuple[int, ...]) -> list[int]:
    author = Actor(user_id=people.resident.id)
    committee = Actor(user_id=people.committee.id)
    ids = []
    for index, cost in enumerate(costs):
        data = proposals.ProposalInput(
            title=f"项目 {index}", body="种花", category="greening", cost_yuan=str(cost)
        )
        proposal = await proposals.create_proposal(author, world.community.id, data, now=now())
        await proposals.move_as_author(
            author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
        )
        await proposals.review(
            committee, world.community.id, proposal.id, Status.ACCEPTED, reason="", now=now()
        )
        ids.append(proposal.id)
    return ids


def round_input(opens_at: datetime, closes_at: datetime, **changes: object) -> services.RoundInput:
    values: dict[str, object] = {
        "title": "2026 年度微更新基金",
        "description": "社区基金投票",
        "budget_yuan": BUDGET,
        "opens_at": opens_at,
        "closes_at": closes_at,
        **changes,
    }
    return services.RoundInput(**values)  # type: ignore[arg-type]


async def open_scene(world: World, people: People, **changes: object) -> Scene:
    committee = Actor(user_id=people.committee.id)
    proposal_ids = await accepted_proposals(world, people, COSTS)
    opens_at = now() - timedelta(hours=1)
    closes_at = now() + timedelta(days=7)
    data = round_input(opens_at, closes_at, proposal_ids=tuple(proposal_ids), **changes)
    created = await services.create_round(committee, world.community.id, data, now=now())
    opened = await services.open_round(committee, world.community.id, created.id, now=now())
    projects = await RoundProject.filter(round_id=created.id).order_by("position")
    return Scene(world, committee, opened, projects, opens_at, closes_at)


@pytest.fixture
async def scene(world: World, people: People) -> Scene:
    return await open_scene(world, people)


def ids(scene: Scene, *positions: int) -> list[int]:
    return [scene.projects[i].id for i in positions]


async def voters(world: World, count: int, prefix: str = "voter") -> list[Actor]:
    """``count`` verified residents, each in a household of their own, written in bulk."""
    names = [f"{prefix}{i}" for i in range(count)]
    households = [f"{prefix}-{i}" for i in range(count)]
    users = await make_neighbours(world.community.id, names, households)
    return [Actor(user_id=u.id) for u in users]


def outcomes(results: list[object]) -> Counter[str]:
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return Counter(type(r).__name__ if isinstance(r, BaseException) else "ok" for r in results)


# --- preparing and opening -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["resident", "newcomer", "outsider", "other_committee"])
async def test_only_the_committee_prepares_rounds(world: World, people: People, who: str) -> None:
    with pytest.raises(NotAllowed):
        await services.create_round(
            Actor(user_id=getattr(people, who).id),
            world.community.id,
            round_input(now(), now() + timedelta(days=1)),
            now=now(),
        )
    assert await VotingRound.all().count() == 0


async def test_only_accepted_proposals_of_this_community_go_on_the_ballot(
    world: World, people: People
) -> None:
    committee = Actor(user_id=people.committee.id)
    [accepted] = await accepted_proposals(world, people, (1000,))
    draft = await proposals.create_proposal(
        Actor(user_id=people.resident.id),
        world.community.id,
        proposals.ProposalInput(title="草稿", body="x", category="greening", cost_yuan="10"),
        now=now(),
    )
    start = now()
    with pytest.raises(Invalid):  # the whole form is refused: no round, no projects
        await services.create_round(
            committee,
            world.community.id,
            round_input(start, start + timedelta(days=1), proposal_ids=(accepted, draft.id)),
            now=now(),
        )
    assert await VotingRound.all().count() == 0 and await RoundProject.all().count() == 0
    created = await services.create_round(
        committee, world.community.id, round_input(start, start + timedelta(days=1)), now=now()
    )
    with pytest.raises(Invalid):  # an empty ballot cannot open
        await services.open_round(committee, world.community.id, created.id, now=now())
    with pytest.raises(Invalid):  # a round that never opened cannot be closed
        await services.close_round(
            committee, world.community.id, created.id, now=start + timedelta(days=2)
        )
    assert (await VotingRound.get(id=created.id)).status == RoundStatus.DRAFT.value


async def test_opening_fixes_costs_draws_a_lot_and_is_audited(scene: Scene) -> None:
    assert scene.round.status == RoundStatus.OPEN.value
    assert sorted(scene.round.lot) == sorted(p.id for p in scene.projects)
    assert [p.cost_yuan for p in scene.projects] == list(COSTS)
    assert await AuditEntry.filter(action="voting.open_round").count() == 1
    with pytest.raises(Invalid):
        await services.edit_round(
            scene.committee,
            scene.world.community.id,
            scene.round.id,
            round_input(scene.opens_at, scene.closes_at, budget_yuan=1),
            now=now(),
        )
    assert (await VotingRound.get(id=scene.round.id)).budget_yuan == BUDGET


async def test_bad_round_settings_are_refused(world: World, people: People) -> None:
    committee = Actor(user_id=people.committee.id)
    start = now()
    for changes in (
        {"budget_yuan": 0},
        {"opens_at": start + timedelta(days=1)},  # opens when it closes
        {"min_projects": 3, "max_projects": 2},
        {"min_spend_percent": 101},
        {"vote_unit": "family"},
        {"result_rule": "dictator"},
        {"title": "  "},
    ):
        with pytest.raises(Invalid):
            await services.create_round(
                committee,
                world.community.id,
                round_input(
                    **{"opens_at": start, "closes_at": start + timedelta(days=1), **changes}
                ),
                now=now(),
            )
    assert await VotingRound.all().count() == 0


# --- ballots -------------------------------------------------------------------------------------


async def test_a_ballot_within_budget_gets_a_receipt(scene: Scene, people: People) -> None:
    voter = Actor(user_id=people.resident.id)
    receipt = await services.cast_ballot(
        voter, scene.world.community.id, scene.round.id, ids(scene, 0, 1), now=now()
    )
    ballot = await Ballot.get(id=receipt.ballot_id)
    assert ballot.receipt_hash == hash_code(receipt.code) and ballot.total_cost == 5000
    assert (ballot.channel, ballot.voter_key) == ("online", f"user:{people.resident.id}")
    assert not receipt.replaced
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 1


async def test_the_receipt_is_kept_in_the_ballots_own_transaction(
    scene: Scene, people: People
) -> None:
    """Kept for its page (web/kept.py seals it) in the same transaction as the ballot: both
    or neither, so a ballot never lacks the receipt page its answer redirects to."""
    voter = Actor(user_id=people.resident.id)
    sealed: list[dict[str, object]] = []

    def seal(shown: dict[str, object]) -> str:
        sealed.append(shown)
        return "sealed:" + str(shown["ballot_id"])

    receipt = await services.cast_ballot(
        voter, scene.world.community.id, scene.round.id, ids(scene, 0), now=now(), seal=seal
    )
    [kept] = await KeptResult.filter(token=receipt.kept)
    assert (kept.user_id, kept.kind, kept.sealed) == (
        people.resident.id,
        services.RECEIPT_KIND,
        f"sealed:{receipt.ballot_id}",
    )
    assert sealed == [receipt.shown()] and "kept" not in sealed[0]

    def broken_seal(shown: dict[str, object]) -> str:
        raise RuntimeError("the seal failed")

    before = await Ballot.get(id=receipt.ballot_id)
    with pytest.raises(RuntimeError):
        await services.cast_ballot(
            voter, scene.world.community.id, scene.round.id, ids(scene, 1), now=now(),
            seal=broken_seal,
        )  # fmt: skip
    after = await Ballot.get(id=receipt.ballot_id)
    assert after.receipt_hash == before.receipt_hash, "the changed ballot was rolled back"
    assert await KeptResult.all().count() == 1


async def test_over_budget_and_foreign_projects_are_refused(scene: Scene, people: People) -> None:
    voter = Actor(user_id=people.resident.id)
    with pytest.raises(Invalid) as caught:
        await services.cast_ballot(
            voter, scene.world.community.id, scene.round.id, ids(scene, 0, 1, 3), now=now()
        )
    assert "6,000" in caught.value.params["total"] or caught.value.params["total"] == "6,000"
    with pytest.raises(Invalid):
        await services.cast_ballot(
            voter, scene.world.community.id, scene.round.id, [*ids(scene, 3), 999_999], now=now()
        )
    assert await Ballot.all().count() == 0


@pytest.mark.parametrize("who", ["newcomer", "outsider", "other_committee", "admin"])
async def test_only_verified_residents_vote(scene: Scene, people: People, who: str) -> None:
    with pytest.raises(NotAllowed):
        await services.cast_ballot(
            Actor(user_id=getattr(people, who).id),
            scene.world.community.id,
            scene.round.id,
            ids(scene, 3),
            now=now(),
        )
    assert await Ballot.all().count() == 0


async def test_the_server_clock_decides_the_window(scene: Scene, people: People) -> None:
    voter = Actor(user_id=people.resident.id)
    community = scene.world.community.id
    for moment in (scene.opens_at - timedelta(seconds=1), scene.closes_at + timedelta(seconds=1)):
        with pytest.raises(Invalid):
            await services.cast_ballot(voter, community, scene.round.id, ids(scene, 3), now=moment)
    with pytest.raises(Invalid):  # closing time itself is already too late
        await services.cast_ballot(
            voter, community, scene.round.id, ids(scene, 3), now=scene.closes_at
        )
    assert await Ballot.all().count() == 0
    await services.cast_ballot(voter, community, scene.round.id, ids(scene, 3), now=scene.opens_at)
    assert await Ballot.all().count() == 1


async def test_changing_a_ballot_keeps_one_and_gives_a_new_receipt(
    scene: Scene, people: People
) -> None:
    voter = Actor(user_id=people.resident.id)
    first = await services.cast_ballot(
        voter, scene.world.community.id, scene.round.id, ids(scene, 0), now=now()
    )
    second = await services.cast_ballot(
        voter, scene.world.community.id, scene.round.id, ids(scene, 2, 3), now=now()
    )
    assert second.replaced and second.ballot_id == first.ballot_id
    ballot = await Ballot.get(id=first.ballot_id)
    assert ballot.receipt_hash == hash_code(second.code) != hash_code(first.code)
    chosen = await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    )
    assert sorted(chosen) == sorted(ids(scene, 2, 3))
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 1


async def test_one_ballot_per_household(world: World, people: People) -> None:
    scene = await open_scene(world, people, vote_unit="household")
    partner = await make_user("partner", "老伴")
    await make_verified(world.community, partner, household="9栋909")  # the resident's household
    await services.cast_ballot(
        Actor(user_id=people.resident.id),
        world.community.id,
        scene.round.id,
        ids(scene, 3),
        now=now(),
    )
    with pytest.raises(Conflict):
        await services.cast_ballot(
            Actor(user_id=partner.id), world.community.id, scene.round.id, ids(scene, 2), now=now()
        )
    assert await Ballot.all().count() == 1


async def test_paper_and_online_whichever_came_first_stands(scene: Scene, people: People) -> None:
    community = scene.world.community.id
    resident = Actor(user_id=people.resident.id)
    paper = await services.enter_paper_ballot(
        scene.committee, community, scene.round.id, people.resident.id, ids(scene, 1), now=now()
    )
    assert (await Ballot.get(id=paper.ballot_id)).channel == "paper"
    with pytest.raises(Conflict):
        await services.cast_ballot(resident, community, scene.round.id, ids(scene, 0), now=now())
    entry = await AuditEntry.get(action="voting.enter_paper_ballot")
    assert entry.actor_id == scene.committee.user_id
    assert entry.after == {"voter_id": people.resident.id, "replaced": False}

    online = await make_user("online-first", "先投的人")
    await make_verified(scene.world.community, online, household="3栋301")
    await services.cast_ballot(
        Actor(user_id=online.id), community, scene.round.id, ids(scene, 3), now=now()
    )
    with pytest.raises(Conflict):
        await services.enter_paper_ballot(
            scene.committee, community, scene.round.id, online.id, ids(scene, 0), now=now()
        )
    choices = await BallotChoice.filter(ballot__voter_id=online.id).values_list(
        "round_project_id", flat=True
    )
    assert list(choices) == ids(scene, 3)


async def test_residents_cannot_enter_paper_ballots(scene: Scene, people: People) -> None:
    with pytest.raises(NotAllowed):
        await services.enter_paper_ballot(
            Actor(user_id=people.resident.id),
            scene.world.community.id,
            scene.round.id,
            people.resident.id,
            ids(scene, 3),
            now=now(),
        )
    assert await Ballot.all().count() == 0


# --- concurrency (HOSTILE 21-23) -----------------------------------------------------------------


async def test_fifty_parallel_submissions_by_one_voter_leave_one_ballot_within_budget(
    scene: Scene, people: People
) -> None:
    voter = Actor(user_id=people.resident.id)
    # Each submission fits; any two together would not.
    choices = [ids(scene, 0, 1), ids(scene, 0, 2), ids(scene, 1, 2, 3), ids(scene, 0, 3)]
    results = await asyncio.gather(
        *(
            services.cast_ballot(
                voter, scene.world.community.id, scene.round.id, choices[i % 4], now=now()
            )
            for i in range(50)
        ),
        return_exceptions=True,
    )
    assert set(outcomes(list(results))) <= {"ok", "Busy", "Conflict"}
    [ballot] = await Ballot.all()
    chosen = await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    )
    costs = {p.id: p.cost_yuan for p in scene.projects}
    assert sorted(chosen) in [sorted(c) for c in choices]
    assert sum(costs[c] for c in chosen) == ballot.total_cost <= BUDGET
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 1


async def test_two_hundred_voters_at_once_each_have_one_ballot_and_the_count_matches(
    scene: Scene,
) -> None:
    everyone = await voters(scene.world, 200)
    results = await asyncio.gather(
        *(
            services.cast_ballot(
                voter,
                scene.world.community.id,
                scene.round.id,
                ids(scene, i % 4) if i % 3 else ids(scene, 1, 3),
                now=now(),
            )
            for i, voter in enumerate(everyone)
        ),
        return_exceptions=True,
    )
    busy = [v for v, r in zip(everyone, results, strict=True) if isinstance(r, BaseException)]
    assert set(outcomes(list(results))) <= {"ok", "Busy"}
    for voter in busy:  # a busy database asks the voter to retry; the retry counts once
        await services.cast_ballot(
            voter, scene.world.community.id, scene.round.id, ids(scene, 3), now=now()
        )
    assert await Ballot.all().count() == 200
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 200
    assert await Ballot.filter(total_cost__gt=BUDGET).count() == 0

    expected = Counter(
        c for c in await BallotChoice.all().values_list("round_project_id", flat=True)
    )
    closed = await services.close_round(
        scene.committee, scene.world.community.id, scene.round.id, now=scene.closes_at
    )
    assert closed.status == RoundStatus.TALLIED.value
    counted = {p.id: p.vote_count for p in await RoundProject.filter(round_id=scene.round.id)}
    assert counted == {p.id: expected[p.id] for p in scene.projects}


async def test_a_process_killed_halfway_through_a_ballot_leaves_none_and_a_retry_leaves_one(
    scene: Scene, people: People, database: str
) -> None:
    """HOSTILE, faults: SIGKILL after the ballot row and the count are written, before the
    choices. SQLite only: the process holds the file, as the one worker on SQLite does."""
    if not database.startswith("sqlite"):
        pytest.skip("PostgreSQL rolls back a dropped connection's transaction by itself")
    world, voter = scene.world, people.resident
    killed = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.services.kill_mid_ballot",
        database,
        str(voter.id),
        str(world.community.id),
        str(scene.round.id),
        cwd=str(Path(__file__).resolve().parents[2]),
        stderr=asyncio.subprocess.PIPE,
    )
    _out, errors = await killed.communicate()
    assert killed.returncode == -signal.SIGKILL, errors.decode()[-2000:]
    assert await Ballot.all().count() == 0
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 0
    receipt = await services.cast_ballot(
        Actor(user_id=voter.id), world.community.id, scene.round.id, ids(scene, 2), now=now()
    )
    [ballot] = await Ballot.all()
    assert ballot.id == receipt.ballot_id and not receipt.replaced
    assert await BallotChoice.filter(ballot_id=ballot.id).count() == 1
    assert (await VotingRound.get(id=scene.round.id)).ballot_count == 1


# --- counting and publishing ---------------------------------------------------------------------


async def test_counting_waits_for_closing_time_then_stores_both_rules(
    scene: Scene, people: People
) -> None:
    community = scene.world.community.id
    await services.cast_ballot(
        Actor(user_id=people.resident.id), community, scene.round.id, ids(scene, 0, 1), now=now()
    )
    with pytest.raises(Invalid):
        await services.close_round(scene.committee, community, scene.round.id, now=now())
    assert (await VotingRound.get(id=scene.round.id)).status == RoundStatus.OPEN.value

    closed = await services.close_round(
        scene.committee, community, scene.round.id, now=scene.closes_at
    )
    assert closed.status == RoundStatus.TALLIED.value
    results = {r.rule: r for r in await RoundResult.filter(round_id=scene.round.id)}
    assert set(results) == {"equal_shares", "greedy"}
    # One vote each: the cheaper project's turn comes first.
    assert results["greedy"].winners == ids(scene, 1, 0)
    assert results["greedy"].spent_yuan == 5000
    assert results["equal_shares"].voters_with_a_funded_project == 1
    # Counting again changes nothing; late ballots are refused.
    again = await services.close_round(
        scene.committee, community, scene.round.id, now=scene.closes_at
    )
    assert again.status == RoundStatus.TALLIED.value
    assert await RoundResult.filter(round_id=scene.round.id).count() == 2
    with pytest.raises(Invalid):
        await services.cast_ballot(
            Actor(user_id=people.resident.id), community, scene.round.id, ids(scene, 3), now=now()
        )


async def test_publishing_funds_the_winners_and_tells_their_authors(
    scene: Scene, people: People
) -> None:
    community = scene.world.community.id
    await services.cast_ballot(
        Actor(user_id=people.resident.id), community, scene.round.id, ids(scene, 2, 3), now=now()
    )
    with pytest.raises(Invalid):  # not counted yet
        await services.publish_round(
            scene.committee, community, scene.round.id, now=now(), proposal_url=proposal_url
        )
    await services.close_round(None, community, scene.round.id, now=scene.closes_at)
    with pytest.raises(NotAllowed):
        await services.publish_round(
            Actor(user_id=people.resident.id),
            community,
            scene.round.id,
            now=now(),
            proposal_url=proposal_url,
        )
    published = await services.publish_round(
        scene.committee, community, scene.round.id, now=now(), proposal_url=proposal_url
    )
    assert published.status == RoundStatus.PUBLISHED.value
    pb = await queries.ballots_file(published, proposal_url)
    assert published.pb_sha256 == hashlib.sha256(pb.encode()).hexdigest()
    funded = await RoundProject.filter(round_id=scene.round.id, funded=True)
    assert sorted(p.id for p in funded) == sorted(ids(scene, 2, 3))
    statuses = dict(await Proposal.all().values_list("id", "status"))
    for project in scene.projects:
        expected = Status.SELECTED if project.id in ids(scene, 2, 3) else Status.ACCEPTED
        assert statuses[project.proposal_id] == expected.value
    assert await Notification.filter(kind="voting.funded").count() == 2
    assert await AuditEntry.filter(action="voting.publish_round").count() == 1
