"""The convention pages end to end over HTTP: the committee pastes a text and saves its split,
residents amend and support, the committee decides, versions compare, a vote is scheduled,
cast online and on paper, counted, and the adopted text is printed and downloaded."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import httpx

from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    Ratification,
    RatificationVote,
)
from tests.support import (
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    make_world,
    now,
    post_form,
)
from tests.web.helpers import ENGLISH

PASTED = """为了建设美丽家园，全体居民共同制定本公约。

第一条 爱护公共绿地，不践踏花草。
第二条 垃圾分类投放，不乱扔杂物。
第三条 晚上十点以后不大声喧哗。
第四条 宠物外出要牵绳，及时清理粪便。
第五条 电动车不进楼道，不私拉电线充电。
"""


async def post_pairs(
    client: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]], *, token_from: str
) -> httpx.Response:
    """A form with repeated fields (one ``article`` per article), as a browser sends it."""
    fields = [("csrf_token", await csrf_token(client, token_from)), *pairs]
    return await client.post(
        path,
        content=urlencode(fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def local(moment) -> str:  # type: ignore[no-untyped-def]
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


async def test_a_convention_from_pasted_text_to_adopted_print(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    await make_verified(world.community, committee, household="1栋101")
    resident = await login(other_client, "resident")
    await make_verified(world.community, resident, household="2栋202")
    elder = await make_user("elder", "田奶奶")
    await make_verified(world.community, elder, household="3栋303")
    base = "/c/yulin/conventions"

    review = await post_form(
        client, f"{base}/new", {"title": "幸福小区公约", "text": PASTED}, token_from=f"{base}/new"
    )
    assert review.status_code == 200, review.text
    assert "5 articles" in review.text or "5 条" in review.text
    assert review.text.count('name="article"') == 6  # five articles and an empty one
    bodies = re.findall(
        r'<textarea id="article-\d+" name="article" rows="3">([^<]*)</textarea>', review.text
    )
    assert bodies[0] == "爱护公共绿地，不践踏花草。"
    empty = await post_form(client, base, {"title": "幸福小区公约"}, token_from=f"{base}/new")
    assert empty.status_code == 422  # no articles posted
    saved = await post_pairs(
        client,
        base,
        [
            ("title", "幸福小区公约"),
            ("preamble", "序言"),
            *[("article", b) for b in bodies],
            ("article", ""),
        ],
        token_from=f"{base}/new",
    )
    assert saved.status_code == 303, saved.text
    convention = await Convention.get(title="幸福小区公约")
    url = saved.headers["location"]
    assert url == f"{base}/{convention.id}"

    page = await other_client.get(url)
    assert page.status_code == 200
    assert 'id="article-5"' in page.text
    form = await other_client.get(f"{url}/amend?article=3&kind=change")
    assert form.status_code == 200, form.text
    preview = await post_form(
        other_client,
        f"{url}/amendments",
        {
            "article_key": "3",
            "kind": "change",
            "body": "晚上九点以后不大声喧哗。",
            "rationale": "老人睡得早",
            "preview": "1",
        },
        token_from=url,
    )
    assert preview.status_code == 200
    assert "<del>" in preview.text and "<ins>" in preview.text
    proposed = await post_form(
        other_client,
        f"{url}/amendments",
        {
            "article_key": "3",
            "kind": "change",
            "body": "晚上九点以后不大声喧哗。",
            "rationale": "老人睡得早",
        },
        token_from=url,
    )
    assert proposed.status_code == 303, proposed.text
    change = await Amendment.get(article_key=3)
    said = await post_form(
        client,
        f"{url}/amendments/{change.id}/comments",
        {"body": "九点太早了吧？"},
        token_from=url,
    )
    assert said.status_code == 303
    page = await other_client.get(url)
    assert "九点太早了吧？" in page.text and f'id="amendment-{change.id}-discussion"' in page.text
    support = await post_form(
        client, f"{url}/amendments/{change.id}/support", {"supported": "1"}, token_from=url
    )
    assert support.status_code == 303
    assert await AmendmentSupport.exists(amendment_id=change.id, user_id=committee.id)

    decide = await post_form(
        client,
        f"{url}/decide",
        {f"decision-{change.id}": "accept", f"reason-{change.id}": "同意"},
        token_from=f"{url}/decide",
    )
    assert decide.status_code == 303, decide.text
    compared = await client.get(f"{url}/compare?old=1&new=2")
    assert compared.status_code == 200
    assert "<del>" in compared.text

    sched = await post_form(
        client,
        f"{url}/vote",
        {
            "quorum_percent": "30",
            "majority": "two_thirds",
            "opens_at": local(now() - timedelta(minutes=5)),
            "closes_at": local(now() + timedelta(days=3)),
        },
        token_from=f"{url}/vote/new",
    )
    assert sched.status_code == 303, sched.text
    vote = await Ratification.get(convention_id=convention.id)
    page = await other_client.get(url)
    assert 'id="vote-form"' in page.text, page.text
    cast = await post_form(
        other_client, f"{url}/votes/{vote.id}", {"choice": "yes"}, token_from=url
    )
    assert cast.status_code == 303
    paper = await post_form(
        client,
        f"{url}/votes/{vote.id}/paper",
        {"voter_id": str(elder.id), "choice": "yes"},
        token_from=f"{url}/votes/{vote.id}/paper",
    )
    assert paper.status_code == 303, paper.text
    assert await RatificationVote.filter(ratification_id=vote.id).count() == 2
    await Ratification.filter(id=vote.id).update(closes_at=now() - timedelta(minutes=1))
    counted = await post_form(client, f"{url}/votes/{vote.id}/count", {}, token_from=url)
    assert counted.status_code == 303, counted.text
    page = await client.get(url, headers=ENGLISH)
    assert "Adopted on" in page.text, page.text
    printed = await client.get(f"{url}/print", headers=ENGLISH)
    assert printed.status_code == 200
    assert "2 of 3 households" in printed.text
    data = json.loads((await client.get(f"{url}/convention.json")).text)
    assert data["status"] == "adopted" and len(data["versions"]) == 2


async def test_who_votes_is_the_communitys_setting_kept_by_each_vote(
    client: httpx.AsyncClient,
) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    settings = "/c/yulin/committee/settings"
    refused = await post_form(
        client, f"{settings}/conventions", {"convention_vote_mode": "everyone"}, token_from=settings
    )
    assert refused.status_code == 422 and 'id="convention-settings-error"' in refused.text
    saved = await post_form(
        client, f"{settings}/conventions", {"convention_vote_mode": "resident"}, token_from=settings
    )
    assert saved.headers["location"].endswith("#convention-settings")
    base = "/c/yulin/conventions"
    created = await post_form(
        client, base, {"title": "公约", "article": "爱护花草。"}, token_from=f"{base}/new"
    )
    url = created.headers["location"]
    form = await client.get(f"{url}/vote/new", headers=ENGLISH)
    assert "Who votes: One vote per verified resident" in form.text
    scheduled = await post_form(
        client,
        f"{url}/vote",
        {
            "mode": "household",  # not the form's to choose: ignored
            "quorum_percent": "30",
            "majority": "simple",
            "opens_at": local(now()),
            "closes_at": local(now() + timedelta(days=3)),
        },
        token_from=f"{url}/vote/new",
    )
    assert scheduled.status_code == 303, scheduled.text
    await post_form(
        client,
        f"{settings}/conventions",
        {"convention_vote_mode": "household"},
        token_from=settings,
    )
    [vote] = await Ratification.all()
    assert vote.mode == "resident"  # the vote keeps the setting it was scheduled with
