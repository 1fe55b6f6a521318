"""The committee's micro-project settings page, and what residents then see."""

from __future__ import annotations

import html

import httpx

from participation.communities.models import Community
from tests.support import (
    HOSTILE_SHORT,
    login,
    make_committee,
    make_verified,
    make_world,
    post_form,
)
from tests.web.helpers import HTMX_PARTIAL, assert_inert

SETTINGS = "/c/yulin/committee/settings"


async def test_committee_offers_own_categories_that_residents_then_choose(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    resident = await login(other_client, "resident")
    await make_verified(world.community, resident)

    offered = {f"offer_{key}": "1" for key in ("pocket_garden", "greening", "cleanup")}
    saved = await post_form(
        client,
        f"{SETTINGS}/proposals",
        {**offered, "support_threshold": "3", "custom_categories": "垃圾分类\n停车"},
    )
    assert saved.status_code == 303
    page = (await client.get(SETTINGS)).text
    assert 'name="offer_greening" value="1" checked' in page
    assert 'name="offer_culture" value="1"' in page
    assert 'name="offer_culture" value="1" checked' not in page
    assert ">垃圾分类\n停车</textarea>" in page
    assert 'value="3"' in page

    form = (await other_client.get("/c/yulin/proposals/new")).text
    assert '<option value="x:垃圾分类"' in form and '<option value="greening"' in form
    assert '<option value="culture"' not in form
    created = await post_form(
        other_client,
        "/c/yulin/proposals",
        {"title": "分类亭", "body": "北门", "category": "x:停车", "cost_yuan": "500"},
    )
    assert created.status_code == 303
    detail = (await other_client.get(created.headers["location"])).text
    assert "停车" in detail
    refused = await post_form(
        other_client,
        "/c/yulin/proposals",
        {"title": "文化墙", "body": "画墙", "category": "culture", "cost_yuan": "500"},
    )
    assert refused.status_code == 422

    listing = (await client.get("/c/yulin/proposals")).text
    assert '<option value="x:停车"' in listing


async def test_bad_settings_are_shown_again_with_the_error(client: httpx.AsyncClient) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    typed = f"垃圾分类\n{HOSTILE_SHORT}"  # over 20 characters on its line
    for headers in ({}, {**HTMX_PARTIAL}):
        response = await post_form(
            client,
            f"{SETTINGS}/proposals",
            {"support_threshold": "2", "custom_categories": typed},
            headers=headers,
        )
        assert response.status_code == 422
        assert 'role="alert"' in response.text
        assert html.escape(typed, quote=False) in response.text
        assert "<b onmouseover" not in response.text
    community = await Community.get(id=world.community.id)
    assert (community.support_threshold, community.custom_categories) == (0, [])


async def test_hostile_category_names_are_shown_as_text(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    committee = await login(client, "committee")
    await make_committee(world.community, committee)
    name = "<b>{{7*7}}</b>"
    saved = await post_form(
        client, f"{SETTINGS}/proposals", {"support_threshold": "0", "custom_categories": name}
    )
    assert saved.status_code == 303
    await login(other_client, "resident")
    listing = (await other_client.get("/c/yulin/proposals")).text
    assert "&lt;b&gt;{{7*7}}&lt;/b&gt;" in listing
    # On the elements, never "49" anywhere: the page's random CSRF token may contain it. The
    # filter form's own hx-get and hx-trigger are the page's.
    filters = (("hx-get", "/c/yulin/proposals"), ("hx-trigger", "change, submit"))
    assert_inert(listing, name, own=filters)
