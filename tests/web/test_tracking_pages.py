"""Tracking a funded project over HTTP: the team sets its progress and milestones on the
project page, the community page shows it, and other residents cannot change it."""

from __future__ import annotations

import httpx

from participation.communities.models import Community
from participation.permissions import Actor
from participation.proposals import services
from participation.proposals.models import Milestone, Proposal
from participation.proposals.rules import Status
from tests.support import (
    HOSTILE,
    login,
    make_committee,
    make_user,
    make_verified,
    make_world,
    now,
    post_form,
)
from tests.web.helpers import HTMX_PARTIAL


async def selected_proposal(community_id: int, author_id: int) -> int:
    committee = await make_user("tracking-committee")
    await make_committee(await Community.get(id=community_id), committee)
    author, reviewer = Actor(user_id=author_id), Actor(user_id=committee.id)
    data = services.ProposalInput(
        title="拐角口袋花园", body="种花", category="greening", cost_yuan="900"
    )
    proposal = await services.create_proposal(author, community_id, data, now=now())
    await services.move_as_author(author, community_id, proposal.id, Status.SUBMITTED, now=now())
    for step in (Status.ACCEPTED, Status.SELECTED):
        await services.review(reviewer, community_id, proposal.id, step, reason="", now=now())
    return proposal.id


async def test_the_team_tracks_and_everyone_sees_it(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author, household="1栋101")
    proposal_id = await selected_proposal(world.community.id, author.id)
    page = f"/c/yulin/proposals/{proposal_id}"

    saved = await post_form(client, f"{page}/progress-percent", {"progress_percent": "35"})
    assert saved.status_code == 303
    added = await post_form(
        client, f"{page}/milestones", {"title": f"买花苗 {HOSTILE}", "due_on": "2026-12-20"}
    )
    assert added.status_code == 303
    milestone = await Milestone.get()
    done = await post_form(client, f"{page}/milestones/{milestone.id}", {"done": "1"})
    assert done.status_code == 303
    shown = (await client.get(page)).text
    assert 'value="35"' in shown and "<script>alert(1)" not in shown and "&lt;script&gt;" in shown
    assert (await Milestone.get()).done_at is not None

    neighbour = await login(other_client, "neighbour")
    await make_verified(world.community, neighbour, household="2栋202")
    for path, data in (
        (f"{page}/progress-percent", {"progress_percent": "100"}),
        (f"{page}/milestones", {"title": "别人加的"}),
        (f"{page}/milestones/{milestone.id}", {"done": "0"}),
    ):
        refused = await post_form(other_client, path, data)
        assert refused.status_code == 403, path
        partial = await post_form(other_client, path, data, headers=HTMX_PARTIAL)
        assert partial.status_code == 403 and "<html" not in partial.text
    assert (await Proposal.get(id=proposal_id)).progress_percent == 35
    assert await Milestone.all().count() == 1 and (await Milestone.get()).done_at is not None

    community = (await other_client.get("/c/yulin")).text
    assert "拐角口袋花园" in community and 'value="35"' in community

    bad = await post_form(client, f"{page}/progress-percent", {"progress_percent": "120"})
    assert bad.status_code == 422
    assert (await Proposal.get(id=proposal_id)).progress_percent == 35
