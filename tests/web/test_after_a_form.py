"""After a form: post/redirect/get without JavaScript, and htmx navigations with it.

A successful form is answered by a 303 (a refresh then repeats nothing); what the answer shows
once, a ballot receipt or a sheet of household codes, sits behind the redirect for its own user
only, for an hour, until they sign out. Under htmx every redirect becomes a navigation that
htmx pushes to the address bar (web.htmx.HtmxRedirects).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.accounts.models import KeptResult
from participation.communities.models import HouseholdCode
from participation.voting.models import Ballot
from tests.support import (
    World,
    csrf_token,
    followed,
    hx_location,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
    post_form,
)
from tests.web.helpers import (
    ENGLISH,
    HTMX_PARTIAL,
    VOTING_COSTS,
    accept_proposals,
    client_for,
    open_voting_round,
    sqlite_only,
)
from web.core.kept import GONE
from web.core.templating import render

RECEIPT = re.compile(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>")
SLIP = re.compile(r'class="slip-code"[^>]*><code>([^<]+)</code>')
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true", "HX-Request-Type": "full"}


async def _open_round(world: World) -> tuple[str, list[int]]:
    committee = await make_user("prg-committee", "委员")
    await make_committee(world.community, committee)
    author = await make_user("prg-author", "作者")
    await make_verified(world.community, author, household="8栋801")
    proposals = await accept_proposals(
        world.community.id, author, committee, VOTING_COSTS, "口袋花园"
    )
    round_id, projects = await open_voting_round(world.community.id, committee, proposals)
    return f"/c/yulin/rounds/{round_id}", projects


async def _voter(client: httpx.AsyncClient, world: World, subject: str) -> None:
    user = await login(client, subject)
    await make_verified(world.community, user, household=f"6栋{user.id}")


async def test_a_refreshed_receipt_shows_the_same_code_and_casts_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    url, projects = await _open_round(world)
    await _voter(client, world, "refreshing-voter")
    posted = await post_form(
        client, f"{url}/ballot", {"projects": str(projects[1])}, token_from=url
    )
    assert posted.status_code == 303
    assert posted.headers["location"].startswith(f"{url}/receipt/")
    receipt = await followed(client, posted)
    [code] = RECEIPT.findall(receipt.text)
    assert receipt.headers["cache-control"] == "no-store"
    for _ in range(3):
        again = await client.get(posted.headers["location"])
        assert again.status_code == 200 and RECEIPT.findall(again.text) == [code]
    assert await Ballot.all().count() == 1
    [kept] = await KeptResult.all()
    assert code not in kept.sealed and code.replace("-", "") not in kept.sealed


async def test_a_receipt_is_its_voters_alone_and_gone_after_an_hour_or_sign_out(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient, world: World
) -> None:
    url, projects = await _open_round(world)
    await _voter(client, world, "owner-voter")
    await _voter(other_client, world, "nosy-neighbour")
    posted = await post_form(
        client, f"{url}/ballot", {"projects": str(projects[0])}, token_from=url
    )
    location = posted.headers["location"]
    token = location.rsplit("/", 1)[1]

    stranger = await other_client.get(location, headers=ENGLISH)
    assert stranger.status_code == 404 and GONE in stranger.text
    other_round = location.replace(url, "/c/yulin/rounds/987654")
    assert (await client.get(other_round)).status_code == 404
    async with client_for(app) as anonymous:
        assert (await anonymous.get(location)).status_code == 303

    assert (await client.get(location)).status_code == 200
    await KeptResult.filter(token=token).update(expires_at=now() - timedelta(seconds=1))
    expired = await client.get(location, headers=ENGLISH)
    assert expired.status_code == 404 and GONE in expired.text

    fresh = await post_form(client, f"{url}/ballot", {"projects": str(projects[2])}, token_from=url)
    assert (await client.get(fresh.headers["location"])).status_code == 200
    await post_form(client, "/logout")
    assert not await KeptResult.exists(user__display_name="owner-voter")
    await login(client, "owner-voter")
    assert (await client.get(fresh.headers["location"])).status_code == 404


async def test_a_code_sheet_refreshes_without_issuing_codes_again(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, world: World
) -> None:
    issuer = await login(client, "sheet-issuer")
    await make_committee(world.community, issuer)
    colleague = await login(other_client, "sheet-colleague")
    await make_committee(world.community, colleague)
    posted = await post_form(
        client, "/c/yulin/committee/codes", {"labels": "7栋701\n7栋702"}, token_from="/c/yulin"
    )
    assert posted.status_code == 303
    sheet = await followed(client, posted)
    codes = SLIP.findall(sheet.text)
    assert len(codes) == 2 and sheet.headers["cache-control"] == "no-store"
    again = await client.get(posted.headers["location"])
    assert SLIP.findall(again.text) == codes
    assert await HouseholdCode.all().count() == 2
    # Even a colleague on the committee never sees another member's sheet.
    assert (await other_client.get(posted.headers["location"])).status_code == 404


@sqlite_only
async def test_a_sheet_sealed_under_an_old_secret_key_is_gone_not_a_crash(
    make_app: Callable[..., AbstractAsyncContextManager[Starlette]], world: World
) -> None:
    async with make_app() as first, client_for(first) as client:
        issuer = await login(client, "rotating-issuer")
        await make_committee(world.community, issuer)
        posted = await post_form(client, "/c/yulin/committee/codes", {"labels": "1栋1"})
        location = posted.headers["location"]
        assert (await client.get(location)).status_code == 200
    rotated = make_app(SECRET_KEY="another-secret-key-that-is-long-enough-987654")
    async with rotated as second, client_for(second) as client:
        await login(client, "rotating-issuer")
        gone = await client.get(location, headers=ENGLISH)
        assert gone.status_code == 404 and GONE in gone.text


async def test_htmx_answers_a_redirect_with_a_navigation_to_its_target(
    client: httpx.AsyncClient, world: World
) -> None:
    """A fragment asked for by a visitor whose session ended: the sign-in page must replace
    the page, not land inside the fragment; a boosted form's target is pushed, anchor and
    all; a target on another site (the identity provider) is a full browser navigation."""
    fragment = await client.get("/c/yulin/verify", headers=HTMX_PARTIAL)
    assert hx_location(fragment) == "/login?next=/c/yulin/verify"
    assert "HX-Request" in fragment.headers["vary"]
    # Back to a page htmx had swapped in, after signing out: htmx sends only this header, and
    # the sign-in page takes that page's place in the history.
    restored = await client.get("/c/yulin/verify", headers={"HX-History-Restore-Request": "true"})
    assert json.loads(restored.headers["hx-location"])["replace"] == "/login?next=/c/yulin/verify"

    await login(client, "htmx-navigator")
    token = await csrf_token(client, "/c/yulin")
    joined = await client.post(
        "/c/yulin/join", data={"csrf_token": token}, headers={**BOOSTED, "X-CSRF-Token": token}
    )
    target = json.loads(joined.headers["hx-location"])
    assert target == {
        "path": "/c/yulin/verify",
        "target": "body",
        "swap": "innerHTML show:top",
        "push": "/c/yulin/verify",
    }

    signing_in = await client.get("/login/demo?next=/c/yulin", headers=BOOSTED)
    assert signing_in.status_code == 200 and "hx-location" not in signing_in.headers
    assert signing_in.headers["hx-redirect"].startswith("http://127.0.0.1:")


async def test_htmx_keeps_the_anchor_of_a_redirect_and_shows_the_page_from_there(
    client: httpx.AsyncClient, world: World
) -> None:
    """fetch() drops the #anchor of what it loads, and htmx pushes the URL it loaded: the
    anchor must be named in the push itself, and the page shown from the element it names, as
    a browser following the 303 does. The settings page's lower forms say their anchor in the
    redirect (a plain form would carry its action's #anchor over; htmx cannot)."""
    member = await login(client, "htmx-anchored")
    await make_committee(world.community, member)
    token = await csrf_token(client, "/c/yulin/committee/settings")
    saved = await client.post(
        "/c/yulin/committee/settings/proposals",
        data={"csrf_token": token, "support_threshold": "3"},
        headers={**BOOSTED, "X-CSRF-Token": token},
    )
    assert json.loads(saved.headers["hx-location"]) == {
        "path": "/c/yulin/committee/settings#proposal-settings",
        "target": "body",
        "swap": 'innerHTML show:top showTarget:"#proposal-settings"',
        "push": "/c/yulin/committee/settings#proposal-settings",
    }
    plain = await client.post(
        "/c/yulin/committee/settings/plots",
        data={"csrf_token": token, "lapse_days": "10", "lapse_grace_days": "5"},
    )
    assert plain.headers["location"] == "/c/yulin/committee/settings#plot-settings"


@sqlite_only
async def test_a_page_answering_a_plain_form_is_refused_in_favour_of_a_redirect(
    make_app: Callable[..., AbstractAsyncContextManager[Starlette]],
) -> None:
    """The guard behind post/redirect/get: rendering a page as the answer to a successful
    plain or boosted POST is a programming error (a refresh would repeat the form)."""

    async def careless(request: Request) -> Response:
        return render(
            request, "errors/error.html", {"status_code": 200, "title": "", "message": ""}
        )

    route = Route("/careless", careless, methods=["GET", "POST"])
    async with (
        make_app(extra_routes=[route]) as app,
        client_for(app, raise_app_exceptions=False) as client,
    ):
        assert (await client.get("/careless")).status_code == 200
        token = await csrf_token(client)
        plain = await client.post("/careless", data={"csrf_token": token})
        assert plain.status_code == 500
        boosted = await client.post(
            "/careless", data={"csrf_token": token}, headers={**BOOSTED, "X-CSRF-Token": token}
        )
        assert boosted.status_code == 500
        partial = await client.post("/careless", headers={**HTMX_PARTIAL, "X-CSRF-Token": token})
        assert partial.status_code == 500, "a partial answer needs a fragment to swap"
