"""Conventions under attack over HTTP: hostile text in every field renders inert (HOSTILE 13),
oversized text is refused whole, forged and other-community ids are 404s (19), writes need the
session's CSRF token (11), parallel supports and votes make one row each (21), and the server
clock decides when voting opens and closes (24)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    Ratification,
    RatificationVote,
)
from tests.support import (
    HOSTILE,
    HOSTILE_HTMX,
    csrf_token,
    login,
    make_committee,
    make_verified,
    make_world,
    now,
    post_form,
)
from tests.web.convention_scene import ConventionScene, build_convention_scene
from tests.web.helpers import ENGLISH, assert_inert, snapshot
from web.core.forms import ID_MAX

# Parallel requests racing for one row, or SQL that differs per backend: on both.
pytestmark = pytest.mark.both_backends

BASE = "/c/yulin/conventions"


async def _committee(client: httpx.AsyncClient, world) -> None:  # type: ignore[no-untyped-def]
    user = await login(client, "hostile-committee")
    await make_committee(world.community, user)
    await make_verified(world.community, user, household="5栋501")


async def _resident(client: httpx.AsyncClient, world, subject: str = "hostile-resident"):  # type: ignore[no-untyped-def]
    user = await login(client, subject)
    await make_verified(world.community, user, household=f"6栋{len(subject)}{subject[-1]}")
    return user


def _one(convention_id: int) -> str:
    return f"{BASE}/{convention_id}"


# --- 13. hostile text ----------------------------------------------------------------------------


async def test_hostile_text_renders_inert_on_every_convention_page(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    await _committee(client, world)
    await _resident(other_client, world)
    pasted = f"{HOSTILE}\n第一条 {HOSTILE}\n第二条 {HOSTILE_HTMX}\n第三条 爱护花草。"
    review = await post_form(
        client, f"{BASE}/new", {"title": HOSTILE[:100], "text": pasted}, token_from=f"{BASE}/new"
    )
    assert review.status_code == 200
    assert_inert(review.text, HOSTILE, HOSTILE_HTMX)
    token = await csrf_token(client, f"{BASE}/new")
    saved = await client.post(
        BASE,
        content=httpx.QueryParams(
            [
                ("csrf_token", token),
                ("title", HOSTILE[:100]),
                ("preamble", HOSTILE),
                ("article", HOSTILE),
                ("article", HOSTILE_HTMX),
                ("article", "爱护花草。"),
            ]
        ).__str__(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert saved.status_code == 303, saved.text
    url = saved.headers["location"]
    convention = await Convention.get(title=HOSTILE[:100])
    proposed = await post_form(
        other_client,
        f"{url}/amendments",
        {"article_key": "3", "kind": "change", "body": HOSTILE, "rationale": HOSTILE_HTMX},
        token_from=url,
    )
    assert proposed.status_code == 303, proposed.text
    preview = await post_form(
        other_client,
        f"{url}/amendments",
        {
            "article_key": "1",
            "kind": "change",
            "body": HOSTILE_HTMX,
            "rationale": HOSTILE,
            "preview": "1",
        },
        token_from=url,
    )
    assert_inert(preview.text, HOSTILE)
    amendment = await Amendment.get(convention_id=convention.id)
    decided = await post_form(
        client,
        f"{url}/decide",
        {f"decision-{amendment.id}": "accept", f"reason-{amendment.id}": HOSTILE},
        token_from=f"{url}/decide",
    )
    assert decided.status_code == 303, decided.text
    for path in (
        BASE,
        url,
        f"{url}/print",
        f"{url}/compare?old=1&new=2",
        f"{url}/versions/1",
        f"{url}/decide",
        f"{url}/amend?article=1&kind=change",
    ):
        page = await client.get(path, headers=ENGLISH)
        assert page.status_code == 200, path
        assert_inert(page.text, HOSTILE[:100])


# --- Oversized text is refused whole -------------------------------------------------------------


async def test_oversized_articles_and_amendments_are_refused_and_nothing_is_saved(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    await _committee(client, world)
    await _resident(other_client, world)
    review = await post_form(
        client,
        f"{BASE}/new",
        {"title": "太长的公约", "text": "第一条 " + "长" * 2001},
        token_from=f"{BASE}/new",
    )
    assert review.status_code == 200
    assert 'id="review-problems"' in review.text
    too_long = await post_form(
        client, BASE, {"title": "太长的公约", "article": "长" * 2001}, token_from=f"{BASE}/new"
    )
    assert too_long.status_code == 422 and 'id="review-error"' in too_long.text
    assert not await Convention.exists()

    saved = await post_form(
        client, BASE, {"title": "正常的公约", "article": "爱护花草。"}, token_from=f"{BASE}/new"
    )
    url = saved.headers["location"]
    before = await snapshot()
    for fields in (
        {"body": "长" * 2001, "rationale": "理由"},
        {"body": "新的文字", "rationale": "长" * 1001},
        {"body": "新的文字", "rationale": ""},
    ):
        refused = await post_form(
            other_client,
            f"{url}/amendments",
            {"article_key": "1", "kind": "change", **fields},
            token_from=url,
        )
        assert refused.status_code == 422, fields
        assert 'id="amend-error"' in refused.text
    # Beyond the form limit the body is not even read.
    huge = await post_form(
        other_client,
        f"{url}/amendments",
        {"article_key": "1", "kind": "change", "body": "x" * 200_000, "rationale": "r"},
        token_from=url,
    )
    assert huge.status_code == 413
    assert await snapshot() == before


# --- 19. forged, malformed and other-community ids -----------------------------------------------


async def test_forged_ids_are_the_same_404_as_missing_ones(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    scene: ConventionScene = await build_convention_scene(world)
    await _committee(client, world)
    await _resident(other_client, world)
    token = await csrf_token(other_client, BASE)
    committee_token = await csrf_token(client, BASE)
    before = await snapshot()
    for bad in (str(scene.other_id), "999999", str(ID_MAX + 1), "-1", "1e3", "abc"):
        for suffix in ("", "/print", "/compare", "/versions/1", "/convention.json", "/amend"):
            assert (await other_client.get(f"{BASE}/{bad}{suffix}")).status_code == 404
        assert (await client.get(f"{BASE}/{bad}/decide")).status_code == 404
        posted = await other_client.post(
            f"{BASE}/{bad}/amendments",
            data={"csrf_token": token, "article_key": "1", "kind": "delete", "rationale": "r"},
        )
        assert posted.status_code == 404, bad
    # Another convention's amendment or vote, paired with this convention's id.
    support = await other_client.post(
        f"{_one(scene.ready_id)}/amendments/{scene.amendment_id}/support",
        data={"csrf_token": token, "supported": "1"},
    )
    assert support.status_code == 404
    vote = await other_client.post(
        f"{_one(scene.drafting_id)}/votes/{scene.vote_id}",
        data={"csrf_token": token, "choice": "yes"},
    )
    assert vote.status_code == 404
    counted = await client.post(
        f"{_one(scene.voting_id)}/votes/{scene.over_vote_id}/count",
        data={"csrf_token": committee_token},
    )
    assert counted.status_code == 404
    for path in (
        f"{_one(scene.drafting_id)}/versions/9",
        f"{_one(scene.drafting_id)}/compare?old=1&new=9",
        f"{_one(scene.drafting_id)}/compare?old=x",
        f"{_one(scene.drafting_id)}/amend?article=99",
        f"{_one(scene.drafting_id)}/amend?article=x",
        f"/c/yulin-other/conventions/{scene.drafting_id}",
    ):
        assert (await other_client.get(path)).status_code == 404, path
    assert await snapshot() == before


# --- 11. CSRF ------------------------------------------------------------------------------------


async def test_writes_without_the_sessions_token_are_403_and_write_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    scene = await build_convention_scene(world)
    await _resident(client, world)
    await _resident(other_client, world, "hostile-other")
    stolen = await csrf_token(other_client, BASE)
    before = await snapshot()
    for path, data in (
        (f"{_one(scene.drafting_id)}/amendments/{scene.amendment_id}/support", {"supported": "1"}),
        (f"{_one(scene.voting_id)}/votes/{scene.vote_id}", {"choice": "yes"}),
        (
            f"{_one(scene.drafting_id)}/amendments",
            {"article_key": "1", "kind": "delete", "rationale": "r"},
        ),
    ):
        for token in ("", stolen):
            response = await client.post(
                path, data={"csrf_token": token, **data} if token else data
            )
            assert response.status_code == 403, (path, token)
        cross = await client.post(
            path,
            data={"csrf_token": await csrf_token(client, BASE), **data},
            headers={"origin": "https://evil.example"},
        )
        assert cross.status_code == 403
    assert await snapshot() == before


# --- 21. parallel supports and votes -------------------------------------------------------------


async def test_fifty_parallel_supports_and_votes_make_one_row_each(
    client: httpx.AsyncClient,
) -> None:
    world = await make_world()
    scene = await build_convention_scene(world)
    voter = await _resident(client, world)
    token = await csrf_token(client, BASE)
    support_url = f"{_one(scene.drafting_id)}/amendments/{scene.amendment_id}/support"
    supports = await asyncio.gather(
        *(client.post(support_url, data={"csrf_token": token, "supported": "1"}) for _ in range(50))
    )
    assert {r.status_code for r in supports} == {303}
    assert await AmendmentSupport.filter(amendment_id=scene.amendment_id).count() == 1
    assert (await Amendment.get(id=scene.amendment_id)).support_count == 1

    vote_url = f"{_one(scene.voting_id)}/votes/{scene.vote_id}"
    votes = await asyncio.gather(
        *(
            client.post(vote_url, data={"csrf_token": token, "choice": choice})
            for choice in ("yes", "no") * 25
        )
    )
    assert {r.status_code for r in votes} == {303}
    assert (
        await RatificationVote.filter(ratification_id=scene.vote_id, voter_id=voter.id).count() == 1
    )
    assert (await Ratification.get(id=scene.vote_id)).vote_count == 1


# --- 24. the server clock decides ----------------------------------------------------------------


async def test_a_vote_a_second_before_opening_or_after_closing_is_refused(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    scene = await build_convention_scene(world)
    await _resident(client, world)
    await _committee(other_client, world)
    token = await csrf_token(client, BASE)
    committee_token = await csrf_token(other_client, BASE)
    vote_url = f"{_one(scene.voting_id)}/votes/{scene.vote_id}"
    before = await snapshot()

    await Ratification.filter(id=scene.vote_id).update(opens_at=now() + timedelta(seconds=1))
    early = await client.post(
        vote_url, data={"csrf_token": token, "choice": "yes"}, headers=ENGLISH
    )
    assert early.status_code == 422 and "Voting has not opened yet." in early.text

    await Ratification.filter(id=scene.vote_id).update(
        opens_at=now() - timedelta(hours=1), closes_at=now() - timedelta(seconds=1)
    )
    late = await client.post(vote_url, data={"csrf_token": token, "choice": "yes"}, headers=ENGLISH)
    assert late.status_code == 422 and "Voting has closed." in late.text
    paper = await other_client.post(
        f"{vote_url}/paper",
        data={
            "csrf_token": committee_token,
            "voter_id": str(scene.paper_voter_id),
            "choice": "yes",
        },
        headers=ENGLISH,
    )
    assert paper.status_code == 422 and "Voting has closed." in paper.text

    after = await snapshot()
    assert {k: v for k, v in after.items() if k != "ratification"} == {
        k: v for k, v in before.items() if k != "ratification"
    }
    assert not await RatificationVote.exists(ratification_id=scene.vote_id)


async def test_unverified_and_other_community_members_cannot_vote(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    scene = await build_convention_scene(world)
    await login(client, "hostile-unverified")
    outsider = await login(other_client, "hostile-outsider")
    await make_verified(world.other, outsider, household="9栋999")
    vote_url = f"{_one(scene.voting_id)}/votes/{scene.vote_id}"
    for browser in (client, other_client):
        refused = await browser.post(
            vote_url,
            data={"csrf_token": await csrf_token(browser, BASE), "choice": "yes"},
            headers=ENGLISH,
        )
        assert refused.status_code == 403
        assert "Only verified residents of this community vote on its convention." in refused.text
    assert not await RatificationVote.exists(ratification_id=scene.vote_id)


# --- 18 and 23: injected fields, and the same amendment posted twice at once ------------------


async def test_injected_fields_are_ignored_and_a_double_submit_makes_one_amendment(
    client: httpx.AsyncClient,
) -> None:
    world = await make_world()
    scene = await build_convention_scene(world)
    proposer = await _resident(client, world)
    token = await csrf_token(client, BASE)
    url = f"{_one(scene.ready_id)}/amendments"
    fields = {
        "csrf_token": token,
        "article_key": "2",
        "kind": "change",
        "body": "垃圾分类投放，定时定点。",
        "rationale": "更清楚",
        # Injected: none of these is the form's to set.
        "author_id": str(scene.paper_voter_id),
        "status": "accepted",
        "support_count": "99",
        "community_id": str(world.other.id),
        "convention_id": str(scene.other_id),
        "result_version_id": "1",
    }
    posted = await asyncio.gather(*(client.post(url, data=fields) for _ in range(10)))
    assert {r.status_code for r in posted} == {303}
    assert len({r.headers["location"] for r in posted}) == 1
    [amendment] = await Amendment.filter(convention_id=scene.ready_id)
    assert amendment.author_id == proposer.id
    assert (amendment.status, amendment.support_count) == ("open", 0)
    assert amendment.result_version_id is None
    assert not await Amendment.filter(convention_id=scene.other_id).exists()

    # Injected into the committee's decision and the vote: ignored as well.
    await _committee(client, world)
    decided = await client.post(
        f"{_one(scene.ready_id)}/decide",
        data={
            "csrf_token": await csrf_token(client, BASE),
            f"decision-{amendment.id}": "accept",
            f"reason-{amendment.id}": "好",
            "decided_by_id": str(proposer.id),
            f"decision-{scene.amendment_id}": "accept",  # another convention's: refused whole
        },
    )
    assert decided.status_code == 404
    assert (await Amendment.get(id=amendment.id)).status == "open"
