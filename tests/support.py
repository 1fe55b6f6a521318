"""Helpers for tests: settings, the real OIDC login walk, hostile text, and seeding."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from participation.accounts.models import Identity, User
from participation.accounts.services import create_offline_users
from participation.communities import services as communities
from participation.communities.models import Community
from participation.core.permissions import Actor
from web.core.settings import Settings, demo_provider, load_settings
from web.demo_idp import RunningIdP

BASE_URL = "http://127.0.0.1:8000"
SECRET = "test-secret-key-that-is-long-enough-0123456789"

# Every text field in factories carries something that must render inert.
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}'
HOSTILE_HTMX = '<div hx-get=/admin hx-trigger=load hx-on:click="alert(3)">x</div>'
HOSTILE_SHORT = "<b onmouseover=alert(1)>{{7*7}}"  # fits a 40-character display name


def make_settings(
    database_url: str, idp: RunningIdP, *, media_root: Path, **overrides: Any
) -> Settings:
    """Test settings; uploads go to ``media_root`` (under the test's tmp_path: a run of the
    suite leaves nothing behind)."""
    settings = load_settings(
        {},
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "BASE_URL": BASE_URL,
            "DEMO": True,
            "LOGIN_TIMEOUT_SECONDS": 3,
            "MEDIA_ROOT": str(media_root),
            **overrides,
        },
    )
    return settings.replace(oidc_providers=(demo_provider(idp.url), *settings.oidc_providers))


def now() -> datetime:
    return datetime.now(UTC)


def proposal_url(slug: str, proposal_id: int) -> str:
    """A proposal page's address as the site builds it (web.links.proposal_url), for tests
    below the web tier that publish a round; the web tier's tests use the app's own."""
    return f"{BASE_URL}/c/{slug}/proposals/{proposal_id}"


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def csrf_token(client: httpx.AsyncClient, path: str = "/") -> str:
    response = await client.get(path)
    return csrf_from(response.text)


async def post_form(
    client: httpx.AsyncClient,
    path: str,
    data: dict[str, str] | None = None,
    *,
    token_from: str = "/",
    **kwargs: Any,
) -> httpx.Response:
    """POST a form the way a browser would: with the page's CSRF field."""
    fields = {"csrf_token": await csrf_token(client, token_from), **(data or {})}
    return await client.post(path, data=fields, **kwargs)


async def idp_authorize(authorize_url: str, subject: str, action: str | None = None) -> str:
    """Submit the provider's login form; returns where it redirects the browser."""
    form = {"sub": subject}
    if action:
        form["action"] = action
    async with httpx.AsyncClient() as browser:
        response = await browser.post(authorize_url, data=form)
    assert response.status_code in (302, 303), response.text[:500]
    return response.headers["location"]


async def start_login(client: httpx.AsyncClient, next_path: str = "/") -> str:
    response = await client.get("/login/demo", params={"next": next_path})
    assert response.status_code in (302, 303, 307), response.text[:500]
    return response.headers["location"]


async def login(client: httpx.AsyncClient, subject: str, next_path: str = "/") -> User:
    """The full OIDC round trip against the local provider; returns the signed-in user."""
    authorize_url = await start_login(client, next_path)
    callback = await idp_authorize(authorize_url, subject)
    parts = urlsplit(callback)
    response = await client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 303, response.text[:800]
    identity = await Identity.get(provider="demo", subject=subject).prefetch_related("user")
    return identity.user


@dataclass
class World:
    community: Community
    other: Community


async def make_world(slug: str = "yulin", name: str = "玉林东路社区") -> World:
    community = await communities.create_community(None, slug=slug, name=name, now=now())
    other = await communities.create_community(
        None, slug=f"{slug}-other", name="黉门街社区", now=now()
    )
    return World(community=community, other=other)


async def make_user(subject: str, name: str | None = None) -> User:
    from participation.accounts.services import sign_in

    return await sign_in(provider="demo", subject=subject, display_name=name or subject, now=now())


async def make_verified(community: Community, user: User, household: str = "1栋101") -> None:
    actor = Actor(user_id=user.id)
    [issued] = await communities.issue_household_codes(None, community.id, [household], now=now())
    await communities.redeem_household_code(actor, community.id, issued.code, now=now())


async def make_neighbours(community_id: int, names: list[str], households: list[str]) -> list[User]:
    """Verified residents who never sign in, each in a household of their own, written in bulk
    (tests that need many voters or team members). ``names`` are unique."""
    user_ids = await create_offline_users(names, now=now())
    residents = list(zip(user_ids, households, strict=True))
    await communities.enrol_verified_residents(community_id, residents, now=now())
    by_id = {user.id: user for user in await User.filter(id__in=user_ids)}
    return [by_id[user_id] for user_id in user_ids]


async def make_committee(community: Community, user: User) -> None:
    await communities.set_role(None, community.id, user.id, "committee", True, now=now())


async def followed(client: httpx.AsyncClient, response: httpx.Response) -> httpx.Response:
    """Where a browser lands after a form: the answer must be a 303, and this is its target."""
    assert response.status_code == 303, (response.status_code, response.text[:300])
    return await client.get(response.headers["location"])


def hx_location(response: httpx.Response) -> str:
    """The path an htmx answer navigates to (web.htmx.HtmxRedirects)."""
    assert response.status_code == 200 and "location" not in response.headers
    target = json.loads(response.headers["hx-location"])
    assert target["target"] == "body", target
    path: str = target["path"]
    return path
