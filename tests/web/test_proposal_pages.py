"""Proposal pages through HTTP: propose, submit, support (plain and htmx), review, list."""

from __future__ import annotations

import re

import httpx

from participation.proposals.models import Proposal, Support
from tests.support import HOSTILE, login, make_committee, make_verified, make_world, post_form

HX_PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


async def test_proposal_lifecycle_through_the_pages(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    base = f"/c/{world.community.slug}/proposals"
    author = await login(client, "author")
    await make_verified(world.community, author)
    created = await post_form(
        client,
        base,
        {
            "title": "口袋花园 " + HOSTILE[:60],
            "body": "种花\n\n" + HOSTILE,
            "category": "pocket_garden",
            "cost_yuan": "3,000",
            "location": "3栋北侧",
            "author_id": "999",
            "status": "accepted",
            "support_count": "500",
        },
        token_from=f"{base}/new",
    )
    assert created.status_code == 303, created.text[:500]
    detail_url = created.headers["location"]
    proposal = await Proposal.get(community_id=world.community.id)
    assert (proposal.status, proposal.author_id, proposal.support_count) == ("draft", author.id, 0)
    page = await client.get(detail_url)
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    assert page.headers["cache-control"] == "no-store"

    neighbour = await login(other_client, "neighbour")
    await make_verified(world.community, neighbour, "2栋202")
    assert (await other_client.get(detail_url)).status_code == 404

    submitted = await post_form(client, f"{detail_url}/submit", token_from=detail_url)
    assert submitted.status_code == 303
    token = (await other_client.get(detail_url)).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', token)
    assert csrf
    supported = await other_client.post(
        f"{detail_url}/support",
        data={"csrf_token": csrf.group(1), "action": "add"},
        headers=HX_PARTIAL,
    )
    assert supported.status_code == 200
    assert "<html" not in supported.text and 'id="support"' in supported.text
    assert "HX-Request" in supported.headers.get("vary", "")
    assert await Support.filter(proposal_id=proposal.id).count() == 1

    committee_user = await login(client, "committee")
    await make_committee(world.community, committee_user)
    queue = await client.get(f"/c/{world.community.slug}/committee/proposals")
    assert queue.status_code == 200 and "口袋花园" in queue.text
    reviewed = await post_form(
        client,
        f"{detail_url}/review",
        {"decision": "accept", "reason": "", "committee_cost_yuan": "3200"},
        token_from=detail_url,
    )
    assert reviewed.status_code == 303
    assert (await Proposal.get(id=proposal.id)).status == "accepted"

    listing = await other_client.get(base, params={"q": "口袋", "sort": "supported"})
    assert listing.status_code == 200 and "口袋花园" in listing.text
    fragment = await other_client.get(base, params={"q": "口袋"}, headers=HX_PARTIAL)
    assert "<html" not in fragment.text and 'id="results"' in fragment.text


async def test_resident_cannot_review_and_other_community_id_is_404(
    client: httpx.AsyncClient,
) -> None:
    world = await make_world()
    author = await login(client, "author")
    await make_verified(world.community, author)
    base = f"/c/{world.community.slug}/proposals"
    created = await post_form(
        client,
        base,
        {"title": "花墙", "body": "种花", "category": "greening", "cost_yuan": "100"},
        token_from=f"{base}/new",
    )
    detail_url = created.headers["location"]
    await post_form(client, f"{detail_url}/submit", token_from=detail_url)
    denied = await post_form(
        client, f"{detail_url}/review", {"decision": "accept"}, token_from=detail_url
    )
    assert denied.status_code == 403
    proposal = await Proposal.get(community_id=world.community.id)
    assert proposal.status == "submitted"
    elsewhere = await client.get(f"/c/{world.other.slug}/proposals/{proposal.id}")
    assert elsewhere.status_code == 404
    assert (await client.get(f"/c/{world.community.slug}/proposals/99999")).status_code == 404
    assert (await client.get(f"{detail_url}/submit")).status_code == 405


async def test_comments_replies_edit_and_delete(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    from participation.comments.models import Comment

    world = await make_world()
    base = f"/c/{world.community.slug}/proposals"
    author = await login(client, "author")
    await make_verified(world.community, author)
    created = await post_form(
        client,
        base,
        {"title": "花墙", "body": "种花", "category": "greening", "cost_yuan": "100"},
        token_from=f"{base}/new",
    )
    detail_url = created.headers["location"]
    await post_form(client, f"{detail_url}/submit", token_from=detail_url)
    posted = await post_form(
        client, f"{detail_url}/comments", {"body": HOSTILE}, token_from=detail_url
    )
    assert posted.status_code == 303
    first = await Comment.get(thread__startswith="proposal:")
    neighbour = await login(other_client, "neighbour")
    await make_verified(world.community, neighbour, "2栋202")
    page = (await other_client.get(detail_url)).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    reply = await other_client.post(
        f"{detail_url}/comments",
        data={"csrf_token": csrf.group(1), "body": "同意！", "parent_id": str(first.id)},
        headers=HX_PARTIAL,
    )
    assert reply.status_code == 200 and 'id="comments"' in reply.text
    assert "<html" not in reply.text and "同意！" in reply.text
    assert "&lt;script&gt;" in reply.text and "<script>alert" not in reply.text
    # Each comment says how long ago it was posted ("刚刚": just now), the exact time in the title.
    times = re.findall(
        r'· <time datetime="[^"]+" title="(\d{4}年[^"]+)">([^<]+)</time>', reply.text
    )
    assert [when for _title, when in times] == ["刚刚", "刚刚"], times
    assert all(re.fullmatch(r"\d{4}年\d+月\d+日 \d\d:\d\d", title) for title, _when in times)
    stolen = await other_client.post(
        f"{detail_url}/comments/{first.id}/delete", data={"csrf_token": csrf.group(1)}
    )
    assert stolen.status_code == 403
    edited = await post_form(
        client, f"{detail_url}/comments/{first.id}/edit", {"body": "改好了"}, token_from=detail_url
    )
    assert edited.status_code == 303
    deleted = await post_form(
        client, f"{detail_url}/comments/{first.id}/delete", token_from=detail_url
    )
    assert deleted.status_code == 303
    after = (await other_client.get(detail_url)).text
    assert "改好了" not in after and "同意！" in after
    assert await Comment.filter(thread__startswith="proposal:").count() == 2
