"""Through a real server on a socket, started as `huakai demo` and `huakai serve` start it:
what uvicorn does before the app sees a request counts too."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from participation.ratelimit.models import RateLimitWindow
from tests.support import make_settings
from tests.web.helpers import sqlite_only
from web.cli import server_for
from web.core.app import create_app
from web.demo_idp import RunningIdP

LOGIN_LIMIT = 20


@pytest.fixture
async def served(database_url: str, idp: RunningIdP, tmp_path: Path) -> AsyncIterator[str]:
    """The app under uvicorn on a free port of 127.0.0.1; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    base_url = f"http://127.0.0.1:{port}"
    server = server_for(
        create_app(
            make_settings(database_url, idp, media_root=tmp_path / "media", BASE_URL=base_url)
        ),
        host="127.0.0.1",
        port=port,
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.02)
        yield base_url
    finally:
        server.should_exit = True
        await task
        listener.close()


@sqlite_only
async def test_a_spoofed_forwarded_for_does_not_pass_the_sign_in_limit(served: str) -> None:
    """Without a trusted proxy configured, X-Forwarded-For from 127.0.0.1 is a header like any
    other: every sign-in start counts for the one real address."""
    async with httpx.AsyncClient(base_url=served) as browser:
        statuses = []
        for attempt in range(2 * LOGIN_LIMIT + 1):
            response = await browser.get(
                "/login/demo", headers={"X-Forwarded-For": f"192.0.2.{attempt}"}
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
    assert statuses[-1] == 429, statuses
    assert LOGIN_LIMIT <= len(statuses) - 1 <= 2 * LOGIN_LIMIT
    keys = set(await RateLimitWindow.all().values_list("key", flat=True))
    assert keys == {"login:127.0.0.1"}, "no forged address reached the rate-limit table"


@sqlite_only
async def test_the_server_announces_no_software_version(served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as browser:
        response = await browser.get("/")
    assert response.status_code == 200 and "server" not in response.headers
