"""The voting pages end to end over HTTP: a committee prepares and opens a vote, residents vote
(over budget refused, the running total, the receipt), a paper ballot, closing, counting,
publishing, the explained results and the downloads."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import httpx
from starlette.applications import Starlette

from participation.core.permissions import Actor
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting.models import Ballot, RoundProject, VotingRound
from tests.support import (
    followed,
    login,
    make_committee,
    make_user,
    make_verified,
    make_world,
    now,
    post_form,
)
from tests.web.helpers import HTMX_PARTIAL

COSTS = (3000, 2000, 1500, 1000)


async def accepted(world_id: int, author_id: int, committee_id: int) -> list[int]:
    ids = []
    for index, cost in enumerate(COSTS):
        data = proposals.ProposalInput(
            title=f"口袋花园 {index}", body="种花", category="greening", cost_yuan=str(cost)
        )
        proposal = await proposals.create_proposal(
            Actor(user_id=author_id), world_id, data, now=now()
        )
        await proposals.move_as_author(
            Actor(user_id=author_id), world_id, proposal.id, Status.SUBMITTED, now=now()
        )
        await proposals.review(
            Actor(user_id=committee_id),
            world_id,
            proposal.id,
            Status.ACCEPTED,
            reason="",
            now=now(),
        )
        ids.append(proposal.id)
    return ids


async def test_a_vote_from_preparation_to_published_results(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    await make_verified(world.community, committee, household="1栋101")
    resident = await login(other_client, "resident")
    await make_verified(world.community, resident, household="2栋202")
    paper_voter = await make_user("grandma", "田奶奶")
    await make_verified(world.community, paper_voter, household="3栋303")
    proposal_ids = await accepted(world.community.id, resident.id, committee.id)

    start = now() - timedelta(minutes=5)
    form = {
        "title": "2026 年社区微基金",
        "description": "大家一起决定",
        "budget_yuan": "5,000",
        "opens_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (start + timedelta(days=7, hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "vote_unit": "resident",
        "result_rule": "equal_shares",
        "min_projects": "0",
        "max_projects": "0",
        "min_spend_percent": "0",
    }
    new = await client.get("/c/yulin/rounds/new")
    assert new.status_code == 200
    created = await client.post(
        "/c/yulin/rounds",
        data={
            "csrf_token": await _token(client),
            **form,
            "proposals": [str(i) for i in proposal_ids],
        },
    )
    assert created.status_code == 303, created.text[:500]
    round_url = created.headers["location"]
    voting = await VotingRound.get()
    assert voting.status == "draft" and voting.budget_yuan == 5000
    assert await RoundProject.filter(round_id=voting.id).count() == 4
    # Residents do not see drafts.
    assert (await other_client.get(round_url)).status_code == 404

    opened = await post_form(client, f"{round_url}/open", {})
    assert opened.status_code == 303
    page = await other_client.get(round_url)
    assert page.status_code == 200 and 'name="projects"' in page.text
    projects = [p.id for p in await RoundProject.filter(round_id=voting.id).order_by("position")]

    total = await other_client.get(
        f"{round_url}/ballot/total",
        params=[("projects", str(p)) for p in projects[:3]],
        headers=HTMX_PARTIAL,
    )
    assert total.status_code == 200 and "6,500" in total.text and "<html" not in total.text

    token = await _token(other_client, round_url)
    over = await other_client.post(
        f"{round_url}/ballot",
        data={"csrf_token": token, "projects": [str(p) for p in projects[:3]]},
    )
    assert over.status_code == 422 and "6,500" in over.text
    assert await Ballot.all().count() == 0
    posted = await other_client.post(
        f"{round_url}/ballot",
        data={"csrf_token": token, "projects": [str(projects[0]), str(projects[3])]},
    )
    cast = await followed(other_client, posted)
    assert cast.status_code == 200 and cast.headers["cache-control"] == "no-store"
    again = await other_client.get(posted.headers["location"])
    assert again.text == cast.text, "a refresh shows the same receipt and casts nothing"
    assert await Ballot.all().count() == 1
    code = re.search(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", cast.text)
    assert code, cast.text[:800]

    paper = await client.post(
        f"{round_url}/paper",
        data={
            "csrf_token": await _token(client, f"{round_url}/paper"),
            "voter_id": str(paper_voter.id),
            "projects": [str(projects[1])],
        },
    )
    assert paper.status_code == 303, paper.text[:500]
    assert await Ballot.filter(channel="paper").count() == 1

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=str(client.base_url)
    ) as anonymous:
        seen = (await anonymous.get(round_url, headers={"Accept-Language": "en"})).text
    assert "2 ballots so far" in seen
    assert "<svg" not in seen and 'id="results"' not in seen  # participation only, while open

    # Time passes: voting closes.
    await VotingRound.filter(id=voting.id).update(closes_at=now() - timedelta(seconds=1))
    closed = await post_form(client, f"{round_url}/close", {})
    assert closed.status_code == 303
    assert (await other_client.get(f"{round_url}/ballots.pb")).status_code == 404  # not yet public
    published = await post_form(client, f"{round_url}/publish", {})
    assert published.status_code == 303
    results = await other_client.get(round_url)
    assert "<svg" in results.text and "<table>" in results.text
    pb = await other_client.get(f"{round_url}/ballots.pb")
    assert pb.status_code == 200
    digest = hashlib.sha256(pb.content).hexdigest()
    assert digest in results.text
    assert hashlib.sha256(code.group(1).encode()).hexdigest() in pb.text
    assert (
        "田奶奶" not in pb.text
        and str(paper_voter.id) not in pb.text.split("VOTES")[1].split(";")[0]
    )
    found = await post_form(
        other_client,
        f"{round_url}/find-my-ballot",
        {"code": code.group(1).lower().replace("-", " ")},
    )
    assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
    assert "口袋花园 0" in found.text and "口袋花园 3" in found.text
    assert "口袋花园 1" not in found.text
    missing = await post_form(other_client, f"{round_url}/find-my-ballot", {"code": "AAAAA-AAAAA"})
    assert missing.status_code == 200 and "口袋花园 0" not in missing.text
    assert (await other_client.get(f"{round_url}/results.csv")).status_code == 200
    assert (await other_client.get(f"{round_url}/results.json")).status_code == 200


async def _token(client: httpx.AsyncClient, path: str = "/") -> str:
    from tests.support import csrf_token

    return await csrf_token(client, path)
