"""CSRF and htmx: HOSTILE cases 10 (cross-origin writes), 11 (htmx token) and 12 (GET → 405)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from participation.accounts.models import User
from participation.communities.models import HouseholdCode, Membership, VerificationRequest
from tests.support import BASE_URL, csrf_token, hx_location, login, make_committee
from tests.web.helpers import (
    HTMX_PARTIAL,
    Scene,
    csrf_of,
    is_fragment,
    snapshot,
    sqlite_only,
)


@dataclass
class Write:
    name: str
    path: str
    data: dict[str, str]
    done: Callable[[Scene, User], Awaitable[bool]]


async def _member_of_other(scene: Scene, user: User) -> bool:
    return await Membership.exists(user_id=user.id, community_id=scene.world.other.id)


async def _verified(scene: Scene, user: User) -> bool:
    return await Membership.exists(
        user_id=user.id, community_id=scene.world.community.id, verified_at__isnull=False
    )


async def _requested(scene: Scene, user: User) -> bool:
    return await VerificationRequest.exists(membership__user_id=user.id, status="pending")


async def _target_is_volunteer(scene: Scene, user: User) -> bool:
    return await Membership.exists(user_id=scene.target.id, is_volunteer=True)


async def _codes_issued(scene: Scene, user: User) -> bool:
    return await HouseholdCode.exists(household__label="8栋801")


async def _code_revoked(scene: Scene, user: User) -> bool:
    return await HouseholdCode.exists(id=scene.code_id, revoked_at__isnull=False)


async def _request_decided(scene: Scene, user: User) -> bool:
    return await VerificationRequest.exists(id=scene.request_id, status="rejected")


async def _renamed(scene: Scene, user: User) -> bool:
    return (await User.get(id=user.id)).display_name == "新名字"


async def _english(scene: Scene, user: User) -> bool:
    return (await User.get(id=user.id)).locale == "en"


async def _signed_out(scene: Scene, user: User) -> bool:
    return (await User.get(id=user.id)).session_version != user.session_version


def writes(scene: Scene) -> list[Write]:
    """Every state-changing endpoint, with a form the signed-in committee member may send."""
    return [
        Write("join", "/c/yulin-other/join", {}, _member_of_other),
        Write(
            "request",
            "/c/yulin/verify/request",
            {"household_label": "5栋501", "note": "新来的"},
            _requested,
        ),
        Write("redeem", "/c/yulin/verify/code", {"code": scene.code}, _verified),
        Write(
            "set_role",
            f"/c/yulin/committee/members/{scene.target.id}/roles",
            {"role": "volunteer", "granted": "1"},
            _target_is_volunteer,
        ),
        Write("issue", "/c/yulin/committee/codes", {"labels": "8栋801"}, _codes_issued),
        Write("revoke", f"/c/yulin/committee/codes/{scene.code_id}/revoke", {}, _code_revoked),
        Write(
            "decide",
            f"/c/yulin/committee/requests/{scene.request_id}/decide",
            {"decision": "reject", "reason": "地址不对"},
            _request_decided,
        ),
        Write("profile", "/profile", {"display_name": "新名字", "locale": "zh_Hans"}, _renamed),
        Write("language", "/language", {"locale": "en", "next": "/"}, _english),
        Write("logout", "/logout", {}, _signed_out),
    ]


@pytest.fixture
async def committee(client: httpx.AsyncClient, scene: Scene) -> User:
    user = await login(client, "csrf-committee")
    await make_committee(scene.world.community, user)
    return user


ATTACKS = {
    "evil-origin": {"Origin": "https://evil.example"},
    "null-origin": {"Origin": "null"},
    "origin-without-port": {"Origin": "http://127.0.0.1"},
    "other-port-origin": {"Origin": "http://127.0.0.1:9999"},
    "sec-fetch-cross-site": {"Sec-Fetch-Site": "cross-site"},
}


async def test_cross_origin_writes_are_403_and_write_nothing(
    client: httpx.AsyncClient, scene: Scene, committee: User
) -> None:
    token = await csrf_token(client)
    before = await snapshot()
    for attack, headers in ATTACKS.items():
        for write in writes(scene):
            response = await client.post(
                write.path, data={"csrf_token": token, **write.data}, headers=headers
            )
            assert response.status_code == 403, (attack, write.name)
            assert "<html" in response.text
    assert await snapshot() == before
    assert (await client.get("/profile")).status_code == 200, "still signed in"


async def test_writes_without_this_sessions_token_are_403(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    browsers: Callable[[], httpx.AsyncClient],
    scene: Scene,
    committee: User,
) -> None:
    other_user = browsers()
    await login(other_user, "csrf-other-user")
    tokens = {
        "missing": None,
        "empty": "",
        "other-browser": await csrf_of(other_client),
        "other-user": await csrf_of(other_user),
        "forged": "A" * 43,
    }
    before = await snapshot()
    for how, token in tokens.items():
        for write in writes(scene):
            # As a plain form field ...
            data = dict(write.data) if token is None else {"csrf_token": token, **write.data}
            response = await client.post(write.path, data=data)
            assert response.status_code == 403, (how, write.name)
            # ... and as htmx's header.
            headers = {**HTMX_PARTIAL, **({} if token is None else {"X-CSRF-Token": token})}
            response = await client.post(write.path, data=write.data, headers=headers)
            assert response.status_code == 403, (how, write.name)
            assert is_fragment(response.text), "an htmx request gets the error fragment"
    assert await snapshot() == before


async def test_writes_with_this_sessions_token_succeed(
    client: httpx.AsyncClient, scene: Scene, committee: User
) -> None:
    """The control for the two tests above: the same requests with the right token work."""
    await _write_everything(client, scene, committee, "form-field")


@sqlite_only
@pytest.mark.parametrize("how", ["htmx-header", "boosted-form", "same-origin"])
async def test_htmx_and_same_origin_writes_succeed(
    client: httpx.AsyncClient, scene: Scene, committee: User, how: str
) -> None:
    await _write_everything(client, scene, committee, how)


async def _write_everything(
    client: httpx.AsyncClient, scene: Scene, committee: User, how: str
) -> None:
    token = await csrf_token(client)
    for write in writes(scene):
        if how == "htmx-header":
            response = await client.post(
                write.path, data=write.data, headers={**HTMX_PARTIAL, "X-CSRF-Token": token}
            )
        elif how == "boosted-form":
            response = await client.post(
                write.path,
                data={"csrf_token": token, **write.data},
                headers={"HX-Request": "true", "HX-Boosted": "true", "X-CSRF-Token": token},
            )
        else:
            headers = {"Origin": BASE_URL, "Sec-Fetch-Site": "same-origin"}
            response = await client.post(
                write.path,
                data={"csrf_token": token, **write.data},
                headers=headers if how == "same-origin" else {},
            )
        if how in ("htmx-header", "boosted-form"):
            assert hx_location(response).startswith("/"), write.name
        else:
            assert response.status_code == 303, (write.name, response.text[:300])
        assert await write.done(scene, committee), write.name


async def test_token_survives_boosted_navigation_and_error_pages(
    client: httpx.AsyncClient, scene: Scene, committee: User
) -> None:
    token = await csrf_token(client)
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    for path in ("/c/yulin", "/c/yulin/verify", "/c/yulin/committee/members", "/no-such-page"):
        page = await client.get(path, headers=boosted)
        assert f'"X-CSRF-Token": "{token}"' in page.text, path
    response = await client.post(
        "/c/yulin/verify/request",
        data={"household_label": "6栋601"},
        headers={**HTMX_PARTIAL, "X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert await _requested(scene, committee)


async def test_htmx_post_with_a_bad_code_returns_the_form_fragment(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    await login(client, "htmx-redeemer")
    token = await csrf_token(client)
    response = await client.post(
        "/c/yulin/verify/code",
        data={"code": "AAAAA-AAAAA"},
        headers={**HTMX_PARTIAL, "X-CSRF-Token": token},
    )
    assert response.status_code == 422
    assert is_fragment(response.text)
    assert response.text.lstrip().startswith('<div id="verify">')
    assert "hx-request" in response.headers["vary"].lower()


# --- 12. GET (and other methods) on state-changing routes ---------------------------------------


def post_only_paths(app: Starlette) -> list[str]:
    routes = [r for r in app.routes if isinstance(r, Route)]
    readable = {r.path for r in routes if "GET" in (r.methods or ())}
    paths = sorted({r.path for r in routes if r.methods and r.path not in readable})
    # Every path parameter gets a plausible value: the community's slug, or an id.
    return [re.sub(r"\{slug\}", "yulin", re.sub(r"\{(?!slug\})\w+\}", "1", p)) for p in paths]


@sqlite_only
async def test_the_app_has_the_post_only_routes_we_expect(app: Starlette) -> None:
    assert set(post_only_paths(app)) >= {
        "/language",
        "/logout",
        "/c/yulin/join",
        "/c/yulin/verify/code",
        "/c/yulin/verify/request",
        "/c/yulin/committee/members/1/roles",
        "/c/yulin/committee/codes/1/revoke",
        "/c/yulin/committee/requests/1/decide",
    }


async def test_get_on_every_post_only_route_is_405(
    app: Starlette, client: httpx.AsyncClient, scene: Scene, committee: User
) -> None:
    before = await snapshot()
    for path in post_only_paths(app):
        for method in ("GET", "HEAD"):
            response = await client.request(method, path)
            assert response.status_code == 405, (method, path)
            assert "POST" in response.headers["allow"]
    assert await snapshot() == before


@sqlite_only
async def test_other_methods_are_405_even_with_a_token(
    app: Starlette, client: httpx.AsyncClient, scene: Scene, committee: User
) -> None:
    token = await csrf_token(client)
    before = await snapshot()
    paths = [*post_only_paths(app), "/profile", "/c/yulin/committee/codes"]
    for path in paths:
        for method in ("PUT", "DELETE", "PATCH"):
            response = await client.request(method, path, headers={"X-CSRF-Token": token})
            assert response.status_code == 405, (method, path)
            assert "POST" in response.headers["allow"], (method, path)
            # ... and without one: no route takes the method, whoever asks.
            assert (await client.request(method, path)).status_code == 405
    assert await snapshot() == before
