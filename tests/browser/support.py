"""Helpers for the browser tier: the live server and its database, translated labels, signing
in through the IdP's page, axe."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from participation.core import db
from participation.voting.open_data import ProposalUrl
from tests.factories import Neighbourhood
from web.core.i18n import translations
from web.core.settings import DEMO_PROVIDER_LABEL

AXE = Axe()
CODE_RE = re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a fresh thread, and so outside Playwright's event loop (its sync API
    keeps one in the main thread: ``asyncio.run`` there would fail)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            errors.append(exc)

    thread = threading.Thread(target=target, name="seed")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@dataclass(frozen=True)
class LiveServer:
    """The running app: its URL, its database, and the neighbourhood seeded in it
    (tests/factories.py: ``make_neighbourhood``)."""

    url: str
    database_url: str
    proposal_url: ProposalUrl  # the app's own (web/core/links.py), for a round a test publishes
    neighbourhood: Neighbourhood

    def in_database(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work`` (a test's factories, or a look at what is stored) against the server's
        database, in a thread and ORM context of its own: the server holds the global one.

        A test adds its data before it asks for its first page: the page cache has nothing
        to serve from before then."""

        async def session() -> T:
            await db.connect(self.database_url, global_fallback=False)
            try:
                return await work()
            finally:
                await db.disconnect()

        return in_own_thread(lambda: asyncio.run(session()))


OpenPage = Callable[..., Page]  # open_page(**browser_context_args) -> a page in a new browser


def zh(message: str, **params: object) -> str:
    """What a resident reads in Chinese: the zh_Hans catalog's translation of ``message``."""
    text = translations("zh_Hans").gettext(message)
    return text % params if params else text


def en(message: str) -> str:
    """What an English reader sees: English is the source language, so the msgid itself."""
    return message


def html_lang(page: Page) -> str | None:
    # Not page.evaluate: with JavaScript disabled it never returns.
    return page.locator("html").get_attribute("lang")


def account_nav(page: Page, text: Callable[[str], str] = zh) -> Locator:
    return page.get_by_role("navigation", name=text("Account"))


def sign_in(
    page: Page,
    subject: str,
    *,
    shown_as: str | None = None,
    axe: bool = True,
    text: Callable[[str], str] = zh,
) -> None:
    """Click 登录 in the header, choose the demo provider, type ``subject`` at the provider.

    Comes back to the page it started from, signed in, with ``shown_as`` (a new user's name is
    the subject) in the header. axe checks our sign-in page, not the provider's, which is not
    ours; pass ``axe=False`` when JavaScript is off.
    """
    start = page.url
    account_nav(page, text).get_by_role("link", name=text("Sign in"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=text("Sign in"))).to_be_visible()
    if axe:
        assert_accessible(page)
    page.get_by_role("link", name=text(DEMO_PROVIDER_LABEL)).click()
    subject_field = page.locator("input[name=sub]")
    expect(subject_field).to_be_visible()
    subject_field.fill(subject)
    page.get_by_role("button", name="Authorize").click()
    name = shown_as or subject
    expect(account_nav(page, text).get_by_role("link", name=name, exact=True)).to_be_visible()
    # The way back is a full page load: let its deferred scripts (htmx) run before the next click.
    page.wait_for_load_state("load")
    assert page.url == start, f"signed in, but landed on {page.url} instead of {start}"


def expect_htmx_ready(page: Page) -> None:
    """htmx has processed the page: it marks what it boosts with ``data-htmx-powered``.

    Clicking before that would make a plain request, and the test would not test htmx.
    """
    expect(page.locator("body [data-htmx-powered]").first).to_be_attached()


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the current page (every rule axe runs by default).

    axe runs as page script: it needs JavaScript on (page.evaluate hangs without it).
    """
    results = AXE.run(page)
    violations = results.response["violations"]
    assert not violations, f"axe violations on {page.url}:\n{_describe(violations)}"


def assert_no_horizontal_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"
