"""The residency requests page asks the rule the decision enforces: a committee member who
has asked to be verified themselves sees no buttons on their own request, only that another
member must decide it; the decision itself is refused the same way."""

from __future__ import annotations

import re

import httpx

from participation.communities import services
from participation.communities.models import VerificationRequest
from participation.core.permissions import Actor
from tests.support import World, login, make_committee, make_user, now, post_form
from tests.web.helpers import ENGLISH


async def _asks(world: World, user_id: int, label: str) -> int:
    request = await services.request_verification(
        Actor(user_id=user_id), world.community.id, household_label=label, note="", now=now()
    )
    return request.id


def _decide_forms(page: str) -> set[int]:
    """The requests whose decision form the page shows."""
    return {int(n) for n in re.findall(r'action="/c/yulin/committee/requests/(\d+)/decide"', page)}


async def test_a_committee_members_own_request_shows_no_buttons_and_cannot_be_decided(
    client: httpx.AsyncClient, world: World
) -> None:
    me = await login(client, "requests-committee")
    await make_committee(world.community, me)
    own = await _asks(world, me.id, "3栋301")
    theirs = await _asks(world, (await make_user("requests-neighbour")).id, "5栋501")

    page = await client.get("/c/yulin/committee/requests", headers=ENGLISH)
    assert page.status_code == 200
    assert _decide_forms(page.text) == {theirs}
    assert "Another committee member must decide your own request." in page.text

    refused = await post_form(
        client,
        f"/c/yulin/committee/requests/{own}/decide",
        {"decision": "approve"},
        token_from="/c/yulin/committee/requests",
        headers=ENGLISH,
    )
    assert refused.status_code == 403
    assert "Another committee member must decide your own request." in refused.text
    assert (await VerificationRequest.get(id=own)).status == "pending"
