"""What pages show: HOSTILE cases 13 (hostile text renders inert), 15 (private pages are not
stored) and 16 (fragments and Vary)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from participation.communities.models import Community, HouseholdCode, VerificationRequest
from participation.communities.services import create_community
from tests.support import (
    HOSTILE,
    HOSTILE_HTMX,
    HOSTILE_SHORT,
    World,
    csrf_token,
    followed,
    hx_location,
    login,
    make_committee,
    now,
    post_form,
)
from tests.web.helpers import (
    HTMX_PARTIAL,
    Scene,
    assert_inert,
    is_fragment,
    sqlite_only,
)
from web.demo_idp import RunningIdP

# A display name that tries to break out of an attribute (profile form, member table).
HOSTILE_ATTR = "\"'><svg/onload=alert(4)>{{7*7}}"
SLIP_CODE = re.compile(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>")


async def name_at_idp(idp: RunningIdP, subject: str, name: str) -> None:
    """Register the ``name`` claim the provider will send for ``subject``."""
    async with httpx.AsyncClient() as http:
        response = await http.put(f"{idp.url}/users/{subject}", json={"name": name})
    assert response.status_code == 204


@dataclass
class Hostile:
    committee: httpx.AsyncClient  # named HOSTILE_SHORT through the provider's name claim
    applicant: httpx.AsyncClient  # renamed HOSTILE_ATTR on the profile page; asked to verify
    redeemer: httpx.AsyncClient  # named HOSTILE_SHORT too; redeemed the code of household HOSTILE
    request_id: int


@pytest.fixture
async def hostile(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    browsers: Callable[[], httpx.AsyncClient],
    idp: RunningIdP,
) -> Hostile:
    """Every text field a user or operator can fill, filled with hostile text."""
    redeemer = browsers()
    await create_community(
        None, slug="yulin", name=HOSTILE, street=HOSTILE_HTMX, district=HOSTILE_SHORT, now=now()
    )
    await create_community(None, slug="yulin-other", name=HOSTILE_HTMX, now=now())
    community = await Community.get(slug="yulin")

    suffix = uuid.uuid4().hex[:8]
    await name_at_idp(idp, f"hostile-committee-{suffix}", HOSTILE_SHORT)
    member = await login(client, f"hostile-committee-{suffix}")
    assert member.display_name == HOSTILE_SHORT
    await make_committee(community, member)

    await login(other_client, f"hostile-applicant-{suffix}")
    renamed = await post_form(
        other_client, "/profile", {"display_name": HOSTILE_ATTR, "locale": "zh_Hans"}
    )
    assert renamed.status_code == 303
    asked = await post_form(
        other_client,
        "/c/yulin/verify/request",
        {"household_label": HOSTILE_HTMX, "note": HOSTILE + HOSTILE_HTMX},
    )
    assert asked.status_code == 303

    sheet = await followed(
        client, await post_form(client, "/c/yulin/committee/codes", {"labels": HOSTILE})
    )
    assert sheet.status_code == 200
    assert_inert(sheet.text, HOSTILE)
    [code] = SLIP_CODE.findall(sheet.text)

    await name_at_idp(idp, f"hostile-redeemer-{suffix}", HOSTILE_SHORT)
    await login(redeemer, f"hostile-redeemer-{suffix}")
    redeemed = await post_form(redeemer, "/c/yulin/verify/code", {"code": code})
    assert redeemed.status_code == 303
    welcome = await redeemer.get(redeemed.headers["location"])
    assert_inert(welcome.text, HOSTILE)  # the flash names the community

    request = await VerificationRequest.get(household_label=HOSTILE_HTMX)
    return Hostile(
        committee=client, applicant=other_client, redeemer=redeemer, request_id=request.id
    )


async def test_hostile_text_renders_inert_for_the_committee(hostile: Hostile) -> None:
    pages = {
        "/": [HOSTILE, HOSTILE_HTMX, HOSTILE_SHORT],
        "/c/yulin": [HOSTILE, HOSTILE_HTMX, HOSTILE_SHORT],
        "/c/yulin-other": [HOSTILE_HTMX],
        "/c/yulin/committee/members": [HOSTILE, HOSTILE_SHORT, HOSTILE_ATTR],
        "/c/yulin/committee/codes": [HOSTILE, HOSTILE_SHORT],
        "/c/yulin/committee/requests": [
            HOSTILE,
            HOSTILE_ATTR,
            HOSTILE_HTMX,
            HOSTILE + HOSTILE_HTMX,
        ],
        "/profile": [HOSTILE_SHORT],
    }
    for path, shown in pages.items():
        page = await hostile.committee.get(path)
        assert page.status_code == 200, path
        assert_inert(page.text, *shown)
    for path in ("/c/yulin/committee/members", "/c/yulin/committee/requests"):
        fragment = await hostile.committee.get(path, headers=HTMX_PARTIAL)
        assert is_fragment(fragment.text)
        assert_inert(fragment.text, HOSTILE_ATTR)


@sqlite_only
async def test_hostile_text_renders_inert_for_residents(hostile: Hostile) -> None:
    applicant_pages = {
        "/": [HOSTILE, HOSTILE_ATTR],
        "/profile": [HOSTILE_ATTR],
        "/c/yulin/verify": [HOSTILE, HOSTILE_HTMX, HOSTILE + HOSTILE_HTMX],
    }
    for path, shown in applicant_pages.items():
        page = await hostile.applicant.get(path)
        assert_inert(page.text, *shown)
    verify = await hostile.redeemer.get("/c/yulin/verify")
    assert_inert(verify.text, HOSTILE, HOSTILE_SHORT)
    fragment = await hostile.redeemer.get("/c/yulin/verify", headers=HTMX_PARTIAL)
    assert_inert(fragment.text, HOSTILE)


@sqlite_only
async def test_hostile_rejection_reason_is_stored_and_nothing_renders_live(
    hostile: Hostile,
) -> None:
    decided = await post_form(
        hostile.committee,
        f"/c/yulin/committee/requests/{hostile.request_id}/decide",
        {"decision": "reject", "reason": HOSTILE},
    )
    assert decided.status_code == 303
    request = await VerificationRequest.get(id=hostile.request_id)
    assert (request.status, request.reason) == ("rejected", HOSTILE)
    for browser, path in [
        (hostile.applicant, "/c/yulin/verify"),
        (hostile.applicant, "/"),
        (hostile.committee, "/c/yulin/committee/requests"),
        (hostile.committee, "/c/yulin/committee/members"),
    ]:
        assert_inert((await browser.get(path)).text)


@sqlite_only
async def test_hostile_input_echoed_in_invalid_forms_renders_inert(
    client: httpx.AsyncClient, world: World
) -> None:
    user = await login(client, "echo")
    community = await Community.get(slug="yulin")
    await make_committee(community, user)
    long_label = HOSTILE + HOSTILE_HTMX  # too long for a household label: echoed back

    code = await post_form(client, "/c/yulin/verify/code", {"code": HOSTILE})
    assert code.status_code == 422
    assert_inert(code.text, HOSTILE)

    token = await csrf_token(client)
    partial = await client.post(
        "/c/yulin/verify/code",
        data={"code": HOSTILE_HTMX},
        headers={**HTMX_PARTIAL, "X-CSRF-Token": token},
    )
    assert partial.status_code == 422
    assert is_fragment(partial.text)
    assert_inert(partial.text, HOSTILE_HTMX)

    asked = await post_form(
        client, "/c/yulin/verify/request", {"household_label": long_label, "note": HOSTILE}
    )
    assert asked.status_code == 422
    assert_inert(asked.text, long_label, HOSTILE)

    issued = await post_form(client, "/c/yulin/committee/codes", {"labels": long_label})
    assert issued.status_code == 422
    assert_inert(issued.text, long_label)
    assert not await HouseholdCode.exists()

    renamed = await post_form(client, "/profile", {"display_name": long_label, "locale": "en"})
    assert renamed.status_code == 422
    assert_inert(renamed.text)

    role = await post_form(
        client,
        f"/c/yulin/committee/members/{user.id}/roles",
        {"role": HOSTILE, "granted": "1"},
    )
    assert role.status_code == 422
    assert_inert(role.text)


@sqlite_only
async def test_hostile_next_renders_inert_on_the_sign_in_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/login", params={"next": f'/"><script>alert(1)</script>{HOSTILE}'})
    assert page.status_code == 200
    assert_inert(page.text)


async def test_nul_characters_are_dropped_from_form_text(
    client: httpx.AsyncClient, world: World
) -> None:
    """PostgreSQL refuses NUL in text; the form reader removes it instead of failing."""
    user = await login(client, "nul-sender")
    renamed = await post_form(client, "/profile", {"display_name": "小\x00王", "locale": "en"})
    assert renamed.status_code == 303
    asked = await post_form(
        client, "/c/yulin/verify/request", {"household_label": "1栋\x00101", "note": "a\x00b"}
    )
    assert asked.status_code == 303
    request = await VerificationRequest.get(membership__user_id=user.id)
    assert (request.household_label, request.note) == ("1栋101", "ab")


# --- 15. private pages are never stored ----------------------------------------------------------


async def test_pages_for_a_signed_in_user_are_no_store(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    user = await login(client, "private-eye")
    await make_committee(scene.world.community, user)
    for path in (
        "/",
        "/profile",
        "/login",
        "/c/yulin",
        "/c/yulin/verify",
        "/c/yulin/committee/members",
        "/c/yulin/committee/codes",
        "/c/yulin/committee/requests",
        "/no-such-page",
    ):
        for headers in ({}, HTMX_PARTIAL, {"HX-Request": "true", "HX-Boosted": "true"}):
            response = await client.get(path, headers=headers)
            assert "no-store" in response.headers.get("cache-control", ""), (path, headers)
    sheet = await followed(
        client, await post_form(client, "/c/yulin/committee/codes", {"labels": "7栋701"})
    )
    assert sheet.status_code == 200
    assert SLIP_CODE.search(sheet.text)
    assert "no-store" in sheet.headers["cache-control"], "the print sheet holds plain codes"


async def test_after_sign_out_nothing_private_is_served(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    user = await login(client, "leaving-committee")
    await make_committee(scene.world.community, user)
    assert (await client.get("/c/yulin/committee/requests")).status_code == 200
    await post_form(client, "/logout")
    for path in ("/profile", "/c/yulin/verify", "/c/yulin/committee/requests"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")
        restored = await client.get(
            path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert hx_location(restored).startswith("/login"), path
    home = await client.get("/")
    assert "leaving-committee" not in home.text


@sqlite_only
async def test_household_codes_are_shown_only_once(client: httpx.AsyncClient, scene: Scene) -> None:
    user = await login(client, "code-printer")
    await make_committee(scene.world.community, user)
    sheet = await followed(
        client, await post_form(client, "/c/yulin/committee/codes", {"labels": "7栋702"})
    )
    [code] = SLIP_CODE.findall(sheet.text)
    listing = await client.get("/c/yulin/committee/codes")
    assert code not in listing.text
    stored = await HouseholdCode.get(household__label="7栋702")
    assert code.endswith(stored.hint) and len(stored.hint) <= 4
    assert f"…{stored.hint}" in listing.text, "only a short hint remains, for reference"
    assert code not in stored.code_hash


# --- 16. fragments and Vary ----------------------------------------------------------------------

FRAGMENT_PAGES = {
    "/c/yulin/verify": '<div id="verify">',
    "/c/yulin/committee/members": '<div id="members">',
    "/c/yulin/committee/requests": '<div id="requests">',
}


async def test_partial_htmx_gets_the_fragment_and_other_requests_the_page(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    user = await login(client, "fragment-fan")
    await make_committee(scene.world.community, user)
    for path, opening in FRAGMENT_PAGES.items():
        full = await client.get(path)
        partial = await client.get(path, headers=HTMX_PARTIAL)
        boosted = await client.get(
            path, headers={"HX-Request": "true", "HX-Request-Type": "full", "HX-Boosted": "true"}
        )
        restore = await client.get(path, headers={"HX-Request": "true"})
        assert full.status_code == partial.status_code == boosted.status_code == 200
        assert partial.text.lstrip().startswith(opening), path
        assert is_fragment(partial.text), path
        for page in (full, boosted, restore):
            assert "<html" in page.text, path
            assert opening in page.text, path
        for response in (full, partial, boosted):
            assert "hx-request" in response.headers["vary"].lower(), path


@sqlite_only
async def test_every_page_url_renders_a_whole_page(client: httpx.AsyncClient, scene: Scene) -> None:
    """A URL htmx pushed to history may be reloaded: with or without htmx it is a full page."""
    user = await login(client, "history-walker")
    await make_committee(scene.world.community, user)
    for path in (
        "/",
        "/login",
        "/profile",
        "/c/yulin",
        "/c/yulin/verify",
        "/c/yulin/committee/members",
        "/c/yulin/committee/codes",
        "/c/yulin/committee/requests",
    ):
        for headers in ({}, {"HX-Request": "true", "HX-Boosted": "true"}):
            page = await client.get(path, headers=headers)
            assert page.status_code == 200, path
            assert page.text.lstrip().startswith("<!doctype html>"), (path, headers)
