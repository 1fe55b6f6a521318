"""Numbers typed or put in URLs with Unicode digits: superscripts and other scripts' digits
are refused with a 4xx (they were 500s: str.isdigit accepts them, int() does not); full-width
digits, which Chinese keyboards type, are read as numbers."""

from __future__ import annotations

import httpx
import pytest

from participation.proposals.models import Proposal
from tests.support import login, make_verified, make_world, post_form
from tests.web.helpers import sqlite_only

pytestmark = sqlite_only


@pytest.mark.parametrize("digits", ["²", "①", "٣", "𝟚"])
async def test_odd_digits_in_urls_are_not_found_or_ignored(
    client: httpx.AsyncClient, digits: str
) -> None:
    await make_world()
    assert (await client.get(f"/c/yulin/proposals/{digits}")).status_code == 404
    listed = await client.get("/c/yulin/proposals", params={"page": digits})
    assert listed.status_code == 200


async def test_cost_in_full_width_digits_is_read_and_superscripts_are_refused(
    client: httpx.AsyncClient,
) -> None:
    world = await make_world()
    user = await login(client, "resident")
    await make_verified(world.community, user)
    form = {"title": "口袋花园", "body": "种花", "category": "greening", "location": ""}
    refused = await post_form(client, "/c/yulin/proposals", {**form, "cost_yuan": "²"})
    assert refused.status_code == 422
    assert await Proposal.all().count() == 0
    saved = await post_form(client, "/c/yulin/proposals", {**form, "cost_yuan": "３，０００"})
    assert saved.status_code == 303
    assert (await Proposal.get()).cost_yuan == 3000
