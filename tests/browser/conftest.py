"""The browser tier: real Chromium (Debian's) against a real server on a free port.

Each test gets its own SQLite database copied from the migrated template, seeded with the
neighbourhood of tests/factories.py (``make_neighbourhood``: 玉林东路社区 and the people who sign
in), and its own uvicorn server in a background thread; the local OpenID provider is shared by
the session. A test that needs more (proposals, plots, a vote) makes it with the factories
through ``live_server.in_database`` before its first page; only test_walk_the_demo.py, which
tests the demo itself, seeds the demo. Everything runs on 127.0.0.1, never localhost: the
provider takes its issuer from the Host header.

Playwright's sync API keeps an event loop in the main thread, so database work here runs in a
thread of its own (``asyncio.run`` there), and this tier runs in its own pytest invocation.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import BrowserContext, Page, Route
from starlette.applications import Starlette

from participation.core import db
from participation.voting.open_data import ProposalUrl
from tests.browser.support import LiveServer, OpenPage, in_own_thread
from tests.conftest import _migrate
from tests.factories import Neighbourhood, make_neighbourhood
from tests.support import make_settings
from web.cli import server_for
from web.core.app import create_app
from web.demo_idp import RunningIdP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000

BROWSER_TIER = Path(__file__).resolve().parent

T = TypeVar("T")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this tier ``browser`` and run it last when a wider run (``pytest tests``) collects it.

    Playwright's sync API leaves an event loop behind, which breaks async tests run after it.
    """
    ours = [item for item in items if BROWSER_TIER in item.path.parents]
    for item in ours:
        item.add_marker(pytest.mark.browser)
    if ours and len(ours) < len(items):
        others = [item for item in items if BROWSER_TIER not in item.path.parents]
        items[:] = others + ours


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright cannot download browsers here: use Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        # Playwright turns the back/forward cache off; residents' browsers have it on.
        "ignore_default_args": ["--disable-back-forward-cache"],
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Each test has its own server: the base URL is set per browser context."""
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """As in tests/conftest.py, but migrated in a thread of its own (see the module doc)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    in_own_thread(lambda: _migrate(f"sqlite://{path}"))
    return path


def _seed(database_url: str) -> Neighbourhood:
    async def work() -> Neighbourhood:
        await db.connect(database_url)
        try:
            return await make_neighbourhood()
        finally:
            await db.disconnect()

    return asyncio.run(work())


@contextmanager
def running_server(
    database_url: str,
    idp: RunningIdP,
    media_root: Path,
    *,
    before_start: Callable[[Starlette], T] | None = None,
    **overrides: Any,
) -> Iterator[tuple[str, T | None]]:
    """The app under uvicorn on a free port of 127.0.0.1, in a thread; yields its base URL
    and what ``before_start`` (run in a thread of its own with the built app, before it
    serves: seeding that needs the app's addresses) returned."""
    # The server gets a socket already bound to a free port, not a port number that another
    # process (another xdist worker's server) could take before the server binds it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    base_url = f"http://127.0.0.1:{port}"
    settings = make_settings(
        database_url, idp, media_root=media_root, BASE_URL=base_url, **overrides
    )
    app = create_app(settings)
    prepared = in_own_thread(lambda: before_start(app)) if before_start else None
    server = server_for(app, host="127.0.0.1", port=port)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        yield base_url, prepared
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """Settings the live server gets on top of the test defaults; a test parametrises this
    (``@pytest.mark.parametrize("server_settings", [{...}])``) to run against other settings."""
    return {}


@pytest.fixture
def live_server(
    tmp_path: Path, sqlite_template: Path, idp: RunningIdP, server_settings: dict[str, Any]
) -> Iterator[LiveServer]:
    """The app on a free port of 127.0.0.1, with the neighbourhood seeded (tests/factories.py)."""
    path = tmp_path / "huakai.sqlite3"
    shutil.copy(sqlite_template, path)
    database_url = f"sqlite://{path}"
    media_root = tmp_path / "media"
    media_root.mkdir()

    def seed(app: Starlette) -> tuple[Neighbourhood, ProposalUrl]:
        return _seed(database_url), app.state.proposal_url

    with running_server(database_url, idp, media_root, before_start=seed, **server_settings) as (
        base_url,
        seeded,
    ):
        assert seeded is not None
        neighbourhood, proposal_url = seeded
        yield LiveServer(
            url=base_url,
            database_url=database_url,
            proposal_url=proposal_url,
            neighbourhood=neighbourhood,
        )


def _local_only(route: Route) -> None:
    """The provider's page links a CDN stylesheet; nothing leaves this machine."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


# With JavaScript on, every page says when the address bar and the page it shows disagree
# (after an htmx navigation): main[data-path] is the path the page was rendered for.
ADDRESS_CHECK = """
(() => {
  const check = () => {
    const main = document.querySelector("main[data-path]");
    if (main && main.dataset.path !== decodeURIComponent(location.pathname)) {
      console.error("huakai-address: the address is " + location.pathname
        + " but the page shown is " + main.dataset.path);
    }
  };
  document.addEventListener("DOMContentLoaded", check);
  // htmx updates the history before it swaps: right after a swap, both must agree.
  document.addEventListener("htmx:after:swap", check);
})();
"""
ADDRESS_MISMATCH = "huakai-address:"


def open_context(
    new_context: Callable[..., BrowserContext], base_url: str, **context_args: Any
) -> tuple[BrowserContext, list[str]]:
    """A browser of its own on ``base_url``; the list collects address mismatches."""
    args: dict[str, Any] = {"base_url": base_url, "locale": "zh-CN", **context_args}
    context = new_context(**args)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", _local_only)
    context.add_init_script(ADDRESS_CHECK)
    mismatches: list[str] = []

    def watch(page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                mismatches.append(message.text)
                if message.text.startswith(ADDRESS_MISMATCH)
                else None
            ),
        )

    context.on("page", watch)
    return context, mismatches


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> Iterator[OpenPage]:
    """A page in a browser of its own (own cookies): a resident in Chengdu, zh-CN Chromium.

    Every test with JavaScript on also checks, after each htmx navigation, that the address
    bar names the page shown (the test fails at its end otherwise)."""
    found_lists: list[list[str]] = []

    def _open(**context_args: Any) -> Page:
        context, mismatches = open_context(new_context, live_server.url, **context_args)
        found_lists.append(mismatches)
        return context.new_page()

    yield _open
    found = [text for mismatches in found_lists for text in mismatches]
    assert not found, "the address bar did not follow the page:\n" + "\n".join(found)


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    return open_page()
