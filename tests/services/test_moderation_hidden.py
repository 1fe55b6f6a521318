"""A hidden item is left out wherever it would be shown to others, on SQLite and PostgreSQL:
the proposals list and search, a round's open data (the project keeps its votes, not its
title), the notices that mention it, a proposal's progress timeline, a plot's care timeline.
(Feeds come with the feeds issue: they are built on the same queries.)"""

from __future__ import annotations

from datetime import timedelta

import participation.capabilities  # noqa: F401 - the content kinds moderation knows
from participation.core.db import transaction
from participation.moderation.services import actions
from participation.notifications.queries import ABOUT_HIDDEN, latest_notices
from participation.notifications.services import notify
from participation.proposals import progress
from participation.proposals.queries import ListFilters, list_proposals
from participation.voting import queries as voting_queries
from participation.voting.models import VotingRound
from tests.factories import (
    ACCEPTED,
    COMPLETED,
    make_neighbourhood,
    make_proposal,
    make_published_round,
)
from tests.support import now


def url(slug: str, proposal_id: int) -> str:
    return f"https://huakai.test/c/{slug}/proposals/{proposal_id}"


async def test_a_hidden_proposal_leaves_lists_search_open_data_and_notices(database: str) -> None:
    hood = await make_neighbourhood()
    author, supporter = hood.residents[0], hood.residents[1]
    shown = await make_proposal(hood, author, "东门口袋花园", path=ACCEPTED)
    hidden = await make_proposal(hood, author, "骂人的花园标题", path=ACCEPTED)
    round_id = await make_published_round(
        hood,
        "2026年微更新",
        [shown, hidden],
        budget_yuan=10_000,
        ballots=[[shown, hidden], [hidden]],
        proposal_url=url,
        closed_at=now() - timedelta(days=1),
    )
    assert supporter.user_id is not None
    async with transaction() as conn:
        await notify(conn, supporter.user_id, "proposal.status", now=now(), proposal_id=hidden)

    await actions.hide_directly(
        hood.committee,
        hood.community_id,
        "proposal",
        hidden,
        hidden=True,
        reason="offensive",
        now=now(),
    )

    listed = await list_proposals(hood.community_id, ListFilters(status="selected"))
    everything = await list_proposals(hood.community_id, ListFilters())
    assert hidden not in [c.id for c in listed.items + everything.items]
    found = await list_proposals(hood.community_id, ListFilters(query="花园"))
    assert [c.id for c in found.items] == [shown]

    voting = await VotingRound.get(id=round_id)
    pb = await voting_queries.open_data_pb(voting, url)
    assert "骂人的花园标题" not in pb and voting_queries.HIDDEN_TITLE in pb
    assert "东门口袋花园" in pb
    projects = await voting_queries.ballot_projects(round_id)
    assert {p.votes for p in projects} == {1, 2}  # the count still adds up

    (notice,) = await latest_notices(supporter.user_id)
    assert (notice.message, notice.params, notice.link) == (ABOUT_HIDDEN, {}, None)

    # Shown again: everything is back.
    await actions.hide_directly(
        hood.committee, hood.community_id, "proposal", hidden, hidden=False, now=now()
    )
    assert "骂人的花园标题" in await voting_queries.open_data_pb(voting, url)
    (notice,) = await latest_notices(supporter.user_id)
    assert notice.link is not None and notice.message != ABOUT_HIDDEN


async def test_a_hidden_progress_update_is_marked_for_its_page(database: str) -> None:
    hood = await make_neighbourhood()
    proposal = await make_proposal(hood, hood.residents[0], "花坛修好了", path=COMPLETED)
    # A resident's update (without a photo: published at once).
    update = await progress.post_update(
        hood.residents[0], hood.community_id, proposal, "已经种上了月季", now=now()
    )
    await actions.hide_directly(
        hood.committee,
        hood.community_id,
        "progress_update",
        update.id,
        hidden=True,
        reason="misinformation",
        now=now(),
    )
    (view,) = await progress.list_updates(proposal, include_pending=False)
    assert (view.id, view.hidden) == (update.id, True)
