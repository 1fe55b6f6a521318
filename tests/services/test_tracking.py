"""Tracking funded projects: progress percentage and milestones, kept by the team and the
committee, read by everyone."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEntry
from participation.core.errors import Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor
from participation.proposals import services, tracking
from participation.proposals.models import Milestone, Proposal
from participation.proposals.rules import Status
from tests.services.conftest import People
from tests.support import World, now


async def funded(world: World, people: People, status: Status = Status.SELECTED) -> Proposal:
    author = Actor(user_id=people.resident.id)
    committee = Actor(user_id=people.committee.id)
    data = services.ProposalInput(
        title="口袋花园", body="种花", category="greening", cost_yuan="800"
    )
    proposal = await services.create_proposal(author, world.community.id, data, now=now())
    await services.move_as_author(
        author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    path = [Status.ACCEPTED, Status.SELECTED, Status.IN_PROGRESS, Status.COMPLETED]
    for step in path[: path.index(status) + 1]:
        await services.review(
            committee, world.community.id, proposal.id, step, reason="", now=now()
        )
    return proposal


async def test_the_team_and_the_committee_keep_progress(world: World, people: People) -> None:
    proposal = await funded(world, people)
    author = Actor(user_id=people.resident.id)
    assert (
        await tracking.set_progress(author, world.community.id, proposal.id, "40", now=now()) == 40
    )
    committee = Actor(user_id=people.committee.id)
    assert (
        await tracking.set_progress(committee, world.community.id, proposal.id, "６０%", now=now())
        == 60
    )
    assert (await Proposal.get(id=proposal.id)).progress_percent == 60
    assert await AuditEntry.filter(action="proposals.set_progress").count() == 2
    listed = await tracking.funded_projects(world.community.id)
    assert [(f.id, f.progress_percent) for f in listed] == [(proposal.id, 60)]


@pytest.mark.parametrize("who", ["newcomer", "outsider", "other_committee"])
async def test_others_cannot_track(world: World, people: People, who: str) -> None:
    proposal = await funded(world, people)
    actor = Actor(user_id=getattr(people, who).id)
    with pytest.raises((NotAllowed, NotFound)):
        await tracking.set_progress(actor, world.community.id, proposal.id, "90", now=now())
    with pytest.raises((NotAllowed, NotFound)):
        await tracking.add_milestone(actor, world.community.id, proposal.id, "买土", "", now=now())
    assert (await Proposal.get(id=proposal.id)).progress_percent == 0
    assert await Milestone.all().count() == 0


@pytest.mark.parametrize("value", ["101", "-1", "abc", "²", "", "50.5"])
async def test_bad_percentages_are_refused(world: World, people: People, value: str) -> None:
    proposal = await funded(world, people)
    with pytest.raises(Invalid):
        await tracking.set_progress(
            Actor(user_id=people.resident.id), world.community.id, proposal.id, value, now=now()
        )


async def test_only_funded_projects_are_tracked(world: World, people: People) -> None:
    proposal = await funded(world, people, Status.ACCEPTED)
    with pytest.raises(Invalid):
        await tracking.set_progress(
            Actor(user_id=people.resident.id), world.community.id, proposal.id, "10", now=now()
        )
    assert await tracking.funded_projects(world.community.id) == []


async def test_milestones(world: World, people: People) -> None:
    proposal = await funded(world, people, Status.IN_PROGRESS)
    author = Actor(user_id=people.resident.id)
    first = await tracking.add_milestone(
        author, world.community.id, proposal.id, "买土和花苗", "2026-12-01", now=now()
    )
    await tracking.add_milestone(author, world.community.id, proposal.id, "周末种植", "", now=now())
    await tracking.mark_milestone(
        author, world.community.id, proposal.id, first.id, done=True, now=now()
    )
    listed = await tracking.list_milestones(proposal.id)
    assert [(m.title, m.done_at is not None) for m in listed] == [
        ("买土和花苗", True),
        ("周末种植", False),
    ]
    assert listed[0].due_on is not None and listed[0].due_on.isoformat() == "2026-12-01"
    for title, due in (("", ""), ("x" * 121, ""), ("浇水", "2026-13-40"), ("浇水\u202e", "")):
        with pytest.raises(Invalid):
            await tracking.add_milestone(
                author, world.community.id, proposal.id, title, due, now=now()
            )
    with pytest.raises(NotFound):  # another project's milestone id
        other = await funded(world, people)
        await tracking.mark_milestone(
            author, world.community.id, other.id, first.id, done=False, now=now()
        )
    assert await Milestone.all().count() == 2
