from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from tests.support import BASE_URL, World, login, make_committee, make_settings, make_world
from tests.web.helpers import Scene, VotingScene, build_scene, build_voting_scene, client_for
from tests.web.rogue_idp import RogueIdP
from web.core.app import create_app
from web.demo_idp import RunningIdP


@pytest.fixture
async def app(database_url: str, idp: RunningIdP, tmp_path: Path) -> AsyncIterator[Starlette]:
    application = create_app(make_settings(database_url, idp, media_root=tmp_path / "media"))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def other_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser, with its own cookies."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def make_app(
    database_url: str, idp: RunningIdP, tmp_path: Path
) -> Callable[..., AbstractAsyncContextManager[Starlette]]:
    """Build and start an app with extra settings (e.g. ``MAX_BODY_BYTES=...``).

    Use it instead of ``app``, one app at a time: each start opens the ORM on this database.
    """

    @asynccontextmanager
    async def factory(
        *, extra_routes: list[Route] | None = None, **overrides: Any
    ) -> AsyncIterator[Starlette]:
        overrides.setdefault("media_root", tmp_path / "media")
        application = create_app(make_settings(database_url, idp, **overrides))
        application.router.routes.extend(extra_routes or [])
        async with application.router.lifespan_context(application):
            yield application

    return factory


@pytest.fixture
async def browsers(app: Starlette) -> AsyncIterator[Callable[[], httpx.AsyncClient]]:
    """More browsers for ``app``, each with its own cookies and client address."""
    async with AsyncExitStack() as stack:
        count = 0

        def new() -> httpx.AsyncClient:
            nonlocal count
            count += 1
            browser = client_for(app, f"198.51.100.{count}")
            stack.push_async_callback(browser.aclose)
            return browser

        yield new


@pytest.fixture
async def world(app: Starlette) -> World:
    """Two communities (``yulin`` and ``yulin-other``) in this test's database."""
    return await make_world()


@pytest.fixture(scope="session")
def rogue_idp() -> Iterator[RogueIdP]:
    provider = RogueIdP()
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
async def scene(world: World) -> Scene:
    return await build_scene(world)


@pytest.fixture
async def voting(scene: Scene) -> VotingScene:
    scene.voting = await build_voting_scene(scene.world)
    return scene.voting


@pytest.fixture
async def committee_client(client: httpx.AsyncClient, scene: Scene) -> httpx.AsyncClient:
    """The client signed in as a committee member of the scene's community."""
    user = await login(client, "committee-a")
    await make_committee(scene.world.community, user)
    return client
