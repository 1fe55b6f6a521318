"""Moderation under attack over HTTP: forged, malformed and other-community ids are 404s
(HOSTILE 19), injected fields are ignored (18), 20 parallel reports are one (21), appeal and
report text render inert on the committee's queue (13), and residents reach no queue action
(20)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

import participation.capabilities  # noqa: F401 - the content kinds moderation knows
from participation.communities.models import Membership
from participation.core.permissions import Actor
from participation.moderation import services
from participation.moderation.models import ModeratedItem, Report
from participation.proposals import comments
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from tests.support import (
    HOSTILE,
    HOSTILE_HTMX,
    csrf_token,
    login,
    make_committee,
    make_verified,
    make_world,
    now,
)
from tests.web.helpers import assert_inert, snapshot

# Parallel requests racing for one row, or SQL that differs per backend: on both.
pytestmark = pytest.mark.both_backends


async def _member(browsers, world, subject: str, *, committee: bool = False, place=None):  # type: ignore[no-untyped-def]
    browser = browsers()
    user = await login(browser, subject)
    community = place or world.community
    await make_verified(community, user, household=f"{subject}栋")
    await Membership.filter(user_id=user.id).update(joined_at=now() - timedelta(days=5))
    if committee:
        await make_committee(community, user)
    return browser, user.id


async def _comment(world, author_id: int, community_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    here = community_id or world.community.id
    by = Actor(user_id=author_id)
    data = proposals.ProposalInput(title="花坛", body="种花", category="greening", cost_yuan="500")
    proposal = await proposals.create_proposal(by, here, data, now=now())
    await proposals.move_as_author(by, here, proposal.id, Status.SUBMITTED, now=now())
    return (await comments.post_comment(by, here, proposal.id, "随便说说", now=now())).id


async def test_ids_fields_parallel_reports_and_hostile_text(
    browsers: Callable[[], httpx.AsyncClient],
) -> None:
    world = await make_world()
    _author, author_id = await _member(browsers, world, "h-author")
    reporter, reporter_id = await _member(browsers, world, "h-reporter")
    committee, committee_id = await _member(browsers, world, "h-committee", committee=True)
    _stranger, stranger_id = await _member(browsers, world, "h-stranger", place=world.other)
    here = await _comment(world, author_id)
    elsewhere = await _comment(world, stranger_id, world.other.id)
    token = await csrf_token(reporter, "/c/yulin/moderation")
    before = await snapshot()

    # 19: another community's comment, unknown kinds, malformed and over-range ids.
    for path in (
        f"/c/yulin/report/proposal_comment/{elsewhere}",
        f"/c/yulin/report/nonsense/{here}",
        "/c/yulin/report/proposal_comment/abc",
        "/c/yulin/report/proposal_comment/99999999999",
        "/c/yulin/moderation/999/appeal",
    ):
        assert (await reporter.get(path)).status_code == 404, path
        posted = await reporter.post(
            path, data={"csrf_token": token, "reason": "spam", "text": "x"}
        )
        assert posted.status_code == 404, path
    assert await snapshot() == before

    # 18 and 21: injected fields ignored; twenty at once are one report.
    fields = {
        "csrf_token": token,
        "reason": "offensive",
        "text": HOSTILE,
        "reporter_id": str(author_id),
        "counts": "0",
        "hidden": "1",
        "community_id": str(world.other.id),
    }
    sent = await asyncio.gather(
        *(reporter.post(f"/c/yulin/report/proposal_comment/{here}", data=fields) for _ in range(20))
    )
    assert {r.status_code for r in sent} == {303}
    [report] = await Report.all()
    assert (report.reporter_id, report.counts) == (reporter_id, True)
    item = await ModeratedItem.get(kind="proposal_comment", item_id=here)
    assert (item.community_id, item.hidden, item.open_reports) == (world.community.id, False, 1)

    # 20: a resident reaches no queue action.
    for path, data in (
        (f"/c/yulin/committee/moderation/items/{item.id}", {"action": "hide", "reason": "spam"}),
        ("/c/yulin/committee/moderation/appeals/1", {"outcome": "overturn", "reason": "x"}),
    ):
        refused = await reporter.post(path, data={"csrf_token": token, **data})
        assert refused.status_code == 403, path
    assert (await reporter.get("/c/yulin/committee/moderation")).status_code == 403

    # 13: the author's appeal text and the report text are inert on the queue.
    entry = await services.act(
        Actor(user_id=committee_id),
        world.community.id,
        item.id,
        services.Action.HIDE,
        reason="offensive",
        now=now(),
    )
    assert entry is not None
    await services.appeal(
        Actor(user_id=author_id), world.community.id, entry.id, HOSTILE_HTMX, now=now()
    )
    queue = await committee.get("/c/yulin/committee/moderation")
    assert_inert(queue.text, "x")
