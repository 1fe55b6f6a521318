"""A provider configured by explicit endpoints (plain OAuth2, like GitHub): no ID token,
the subject and name come from the userinfo endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from participation.accounts.models import Identity
from tests.support import BASE_URL, idp_authorize, make_settings
from web.core.app import create_app
from web.demo_idp import RunningIdP


@pytest.fixture
async def oauth2_client(
    database_url: str, idp: RunningIdP, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    provider = {
        "name": "plainoauth",
        "label": "Plain OAuth2",
        "client_id": "huakai-plain",
        "client_secret": "plain-secret",
        "authorize_url": f"{idp.url}/oauth2/authorize",
        "token_url": f"{idp.url}/oauth2/token",
        "userinfo_url": f"{idp.url}/userinfo",
        "scopes": "profile",
    }
    app = create_app(
        make_settings(
            database_url,
            idp,
            media_root=tmp_path / "media",
            OIDC_PROVIDERS=json.dumps([provider]),
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


async def test_plain_oauth2_provider_signs_in_through_userinfo(
    oauth2_client: httpx.AsyncClient,
) -> None:
    start = await oauth2_client.get("/login/plainoauth")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert "nonce" not in query  # no openid scope: no ID token to bind a nonce to
    callback = await idp_authorize(start.headers["location"], "github-user-42")
    parts = urlsplit(callback)
    done = await oauth2_client.get(f"{parts.path}?{parts.query}")
    assert done.status_code == 303, done.text[:500]
    identity = await Identity.get(provider="plainoauth", subject="github-user-42")
    assert identity.user_id
    home = await oauth2_client.get("/")
    assert "github-user-42" in home.text
