"""Tracking a funded project over HTTP: the team sets its progress and milestones on the
project page, the community page shows it, and other residents cannot change it."""

from __future__ import annotations

import html
import re

import httpx

from participation.communities.models import Community
from participation.core.permissions import Actor
from participation.proposals import services, tracking
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
from tests.web.helpers import ENGLISH, HTMX_PARTIAL
from web.core.i18n import translations

TAGS = re.compile(r"<[^>]+>")


async def selected_proposal(community_id: int, author_id: int, title: str = "拐角口袋花园") -> int:
    committee = await make_user("tracking-committee")
    await make_committee(await Community.get(id=community_id), committee)
    author, reviewer = Actor(user_id=author_id), Actor(user_id=committee.id)
    data = services.ProposalInput(title=title, body="种花", category="greening", cost_yuan="900")
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


def funded_cards(page: str) -> dict[str, str]:
    """The community page's funded projects: each card's HTML by its project's title."""
    section = page.split('<section id="funded">', 1)[1].split("</section>", 1)[0]
    cards = {}
    for card in section.split("<li>")[1:]:
        title = html.unescape(TAGS.sub("", card.split("</a>", 1)[0])).strip()
        cards[title] = card
    return cards


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(TAGS.sub(" ", fragment)).split())


async def test_progress_reads_as_progress_and_only_where_it_means_something(
    client: httpx.AsyncClient,
) -> None:
    """ "已完成 0%" beside "已完成" read as done: progress has its own word, and no percentage
    shows where it would mislead (nothing reported yet; a completed project)."""
    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author, household="1栋101")
    actor = Actor(user_id=author.id)
    committee = Actor(user_id=(await make_user("tracking-committee")).id)
    new = await selected_proposal(world.community.id, author.id, "刚入选的花箱")
    going = await selected_proposal(world.community.id, author.id, "正在种的花墙")
    done = await selected_proposal(world.community.id, author.id, "种好的花坛")
    for proposal_id in (going, done):
        await services.review(
            committee, world.community.id, proposal_id, Status.IN_PROGRESS, reason="", now=now()
        )
    await tracking.set_progress(actor, world.community.id, going, "40", now=now())
    await tracking.set_progress(actor, world.community.id, done, "60", now=now())
    await services.review(
        committee, world.community.id, done, Status.COMPLETED, reason="", now=now()
    )

    zh = translations("zh_Hans").gettext
    for headers, say in (({}, zh), (ENGLISH, lambda message: message)):
        cards = funded_cards((await client.get("/c/yulin", headers=headers)).text)
        assert set(cards) == {"刚入选的花箱", "正在种的花墙", "种好的花坛"}
        going_text = text_of(cards["正在种的花墙"])
        assert say("Progress %(percent)s%%") % {"percent": "40"} in going_text
        assert '<progress max="100" value="40"' in cards["正在种的花墙"]
        assert say("Completed") not in going_text, going_text
        new_text = text_of(cards["刚入选的花箱"])
        assert say("No progress reported yet") in new_text
        assert "%" not in new_text and "<progress" not in cards["刚入选的花箱"]
        done_text = text_of(cards["种好的花坛"])
        assert say("Completed") in done_text
        assert "%" not in done_text and "<progress" not in cards["种好的花坛"]

        pages = {
            proposal_id: text_of(
                (await client.get(f"/c/yulin/proposals/{proposal_id}", headers=headers))
                .text.split('<section id="progress"', 1)[1]
                .split("</section>", 1)[0]
            )
            for proposal_id in (new, going, done)
        }
        assert say("Progress %(percent)s%%") % {"percent": "40"} in pages[going]
        assert say("No progress reported yet") in pages[new]
        assert say("This project is completed.") in pages[done]
        for proposal_id in (new, done):
            # The team's own form still shows the stored number; the reading shows none.
            reading = pages[proposal_id].split(say("How far along, in %%").replace("%%", "%"))[0]
            assert "%" not in reading, reading
