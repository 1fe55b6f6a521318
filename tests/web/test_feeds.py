"""Atom feeds over HTTP: a community's news, a proposal's progress, a voting round, a plot's
care and the moderation log parse with feedparser (no bozo flag) with the elements RFC 4287
requires; ids are stable tag URIs; a hidden item leaves them; a reader asking again with
what it has gets a 304; the pages name their feed with <link rel="alternate">."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import feedparser
import httpx

from participation.moderation.services import actions
from participation.plots.models import CareLog
from participation.proposals import progress
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting.queries import ballot_projects
from tests.factories import (
    ACCEPTED,
    COMMUNITY_SLUG,
    IN_PROGRESS,
    adopt,
    log_care,
    make_neighbourhood,
    make_plot,
    make_proposal,
    make_published_round,
    make_team,
)
from tests.support import BASE_URL, now
from tests.web.helpers import sqlite_only

SLUG = COMMUNITY_SLUG
TAG = "tag:127.0.0.1,2026:"


def url(slug: str, proposal_id: int) -> str:
    return f"{BASE_URL}/c/{slug}/proposals/{proposal_id}"


async def parsed(client: httpx.AsyncClient, path: str) -> feedparser.FeedParserDict:
    """The feed at ``path``, checked for what RFC 4287 requires of it and of each entry."""
    response = await client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    assert feed.feed.id.startswith(TAG) and feed.feed.title and feed.feed.updated
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)), path
    for entry in feed.entries:
        assert entry.id.startswith(TAG) and entry.title and entry.updated
        assert entry.link.startswith(f"{BASE_URL}/c/{SLUG}/")
    return feed


def titles(feed: feedparser.FeedParserDict) -> list[str]:
    return [entry.title for entry in feed.entries]


@sqlite_only
async def test_every_feed_parses_and_leaves_out_what_is_hidden(
    client: httpx.AsyncClient,
) -> None:
    hood = await make_neighbourhood()
    tian, li = hood.residents[0], hood.residents[1]
    garden = await make_proposal(hood, tian, "东门口袋花园", path=ACCEPTED)
    balcony = await make_proposal(hood, li, "点亮我家小阳台", path=IN_PROGRESS)
    await progress.post_update(
        hood.committee, hood.community_id, balcony, "第一批花箱装好了 & <b>很漂亮</b>", now=now()
    )
    round_id = await make_published_round(
        hood,
        "2026年春季微更新",
        [garden],
        budget_yuan=10_000,
        ballots=[[garden]],
        proposal_url=url,
        closed_at=now() - timedelta(days=1),
    )
    plot_id = await make_plot(hood, "银杏树下花坛")
    team_id = await make_team(hood, tian, "护花使者")
    await adopt(hood, tian, team_id, plot_id)
    await log_care(hood, tian, plot_id, "watering", 30, note="浇透了")
    await log_care(hood, tian, plot_id, "weeding", 20, note="拔草")

    news = await parsed(client, f"/c/{SLUG}/news.atom")
    assert "新微项目：东门口袋花园" in titles(news)
    assert "护花使者认领了银杏树下花坛。" in titles(news)
    assert "投票“2026年春季微更新”的结果已公布。" in titles(news)
    assert f"{TAG}proposal/{garden}" in [e.id for e in news.entries]
    updates = await parsed(client, f"/c/{SLUG}/proposals/{balcony}/progress.atom")
    (update,) = updates.entries
    assert update.summary == "第一批花箱装好了 & <b>很漂亮</b>"  # text, not markup
    round_feed = await parsed(client, f"/c/{SLUG}/rounds/{round_id}/feed.atom")
    assert len(round_feed.entries) == 3  # opened, closed, published
    care = await parsed(client, f"/c/{SLUG}/plots/{plot_id}/care.atom")
    assert sorted(e.summary for e in care.entries) == sorted(["浇透了", "拔草"])

    # Hidden by moderation: gone from the news, the care feed and no progress feed at all.
    await actions.hide_directly(
        hood.committee,
        hood.community_id,
        "proposal",
        balcony,
        hidden=True,
        reason="offensive",
        now=now(),
    )
    watered = await CareLog.get(note="浇透了")
    await actions.hide_directly(
        hood.committee,
        hood.community_id,
        "care_log",
        watered.id,
        hidden=True,
        reason="offensive",
        now=now(),
    )
    # Withdrawn by its author: gone as well.
    corner = await make_proposal(hood, tian, "拐角花箱")
    assert "新微项目：拐角花箱" in titles(await parsed(client, f"/c/{SLUG}/news.atom"))
    await proposals.move_as_author(tian, hood.community_id, corner, Status.WITHDRAWN, now=now())
    news = await parsed(client, f"/c/{SLUG}/news.atom")
    assert "新微项目：点亮我家小阳台" not in titles(news)
    assert "新微项目：拐角花箱" not in titles(news)
    assert (await client.get(f"/c/{SLUG}/proposals/{balcony}/progress.atom")).status_code == 404
    care = await parsed(client, f"/c/{SLUG}/plots/{plot_id}/care.atom")
    assert [e.summary for e in care.entries] == ["拔草"]
    log = await parsed(client, f"/c/{SLUG}/moderation.atom")
    assert len(log.entries) == 2 and "浇透了" not in str(log)

    # Pages name their feeds.
    for page, feed in [
        (f"/c/{SLUG}", f"/c/{SLUG}/news.atom"),
        (f"/c/{SLUG}/proposals/{garden}", f"/c/{SLUG}/proposals/{garden}/progress.atom"),
        (f"/c/{SLUG}/rounds/{round_id}", f"/c/{SLUG}/rounds/{round_id}/feed.atom"),
        (f"/c/{SLUG}/plots/{plot_id}", f"/c/{SLUG}/plots/{plot_id}/care.atom"),
        (f"/c/{SLUG}/moderation", f"/c/{SLUG}/moderation.atom"),
    ]:
        html = (await client.get(page)).text
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html, page
    assert await ballot_projects(round_id)


@sqlite_only
async def test_a_reader_asking_again_with_what_it_has_gets_a_304(
    client: httpx.AsyncClient,
) -> None:
    hood = await make_neighbourhood()
    await make_proposal(hood, hood.residents[0], "东门口袋花园", path=ACCEPTED)
    path = f"/c/{SLUG}/news.atom"
    first = await client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = await client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == etag
    since = await client.get(path, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    older = format_datetime(now() - timedelta(days=30), usegmt=True)
    assert (await client.get(path, headers={"If-Modified-Since": older})).status_code == 200
    # A new entry: the old ETag no longer matches.
    await make_proposal(hood, hood.residents[1], "点亮我家小阳台", path=ACCEPTED)
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    bad = await client.get(path, headers={"If-Modified-Since": "not a date"})
    assert bad.status_code == 200
