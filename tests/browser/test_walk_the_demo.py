"""Every page of the demo a visitor can reach by links from the home page, walked in Chromium
as an anonymous visitor, a resident and the committee, on a 360 px phone and a 1280 px screen.

A page fails the walk if it scrolls sideways, logs a console error, shows English on a Chinese
page outside what people wrote (everything stored in the database is "what people wrote"),
answers 4xx/5xx, or links to something that does. After htmx navigations the address bar
must name the page shown (conftest's address check).

This is the one browser test of the demo itself (participation/demo/, what ``make demo``
shows a newcomer): it is seeded here, by ``demo_server``; every other browser test builds the
data it needs with tests/factories.py.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page
from starlette.applications import Starlette
from tortoise import Tortoise

from participation.core import db
from participation.demo.seed import (
    COMMITTEE_NAME,
    COMMITTEE_SUBJECT,
    RESIDENTS,
    DemoSite,
    seed_demo,
)
from participation.media.storage import LocalStorage
from tests.browser.conftest import open_context, running_server
from tests.browser.support import en, sign_in
from tests.support import now
from web.core.settings import DEMO_PROVIDER_NAME
from web.demo_idp import RunningIdP

PHONE = {"width": 360, "height": 740}
SCREEN = {"width": 1280, "height": 800}
MAX_PAGES = 250  # the demo has about a hundred per visitor; more means a link loop

# Downloads and media are fetched, not opened; sign-in starts leave for the provider.
FETCHED = re.compile(r"\.(csv|json|pb|atom|webp|png|jpg|ico)$|^/media/")
LEFT_ALONE = re.compile(r"^/(auth|login)/|^/static/")
# Names of formats and standards, written the same in Chinese text.
TECHNICAL = {
    "JPEG",
    "PNG",
    "WebP",
    "CSV",
    "UTF",
    "JSON",
    "PDF",
    "SHA",
    "pabulib",
    "pb",
    "A4",
    "ID",
    "Atom",
    "UTC",
    "ISO",
    "WGS",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


@dataclass(frozen=True)
class Demo:
    url: str
    slug: str
    stored_text: tuple[str, ...]  # what people wrote: every stored text with Latin letters


def _what_people_wrote(database_url: str) -> tuple[str, ...]:
    """Every stored text with a Latin letter in it, longest first."""

    async def work() -> tuple[str, ...]:
        await db.connect(database_url)
        try:
            apps = Tortoise.apps
            assert apps is not None
            texts: set[str] = set()
            for model in apps.get_models_iterable():
                for row in await model.all().values():
                    for value in row.values():
                        if isinstance(value, list | dict):
                            value = re.findall(r"[^\"',\[\]{}:]+", str(value))
                        for piece in value if isinstance(value, list) else [value]:
                            if isinstance(piece, str) and LATIN_WORD.search(piece):
                                texts.add(piece.strip())
            return tuple(sorted(texts, key=len, reverse=True))
        finally:
            await db.disconnect()

    return asyncio.run(work())


def _seed_the_demo(database_url: str, site: DemoSite) -> str:
    """The whole demo, as ``huakai demo`` seeds it; returns its community's slug."""

    async def work() -> str:
        await db.connect(database_url)
        try:
            facts = await seed_demo(DEMO_PROVIDER_NAME, now(), site)
            return facts.community_slug
        finally:
            await db.disconnect()

    return asyncio.run(work())


@pytest.fixture(scope="module")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, idp: RunningIdP
) -> Iterator[Demo]:
    """The demo that ``make demo`` shows (participation/demo/: projects in every state with
    photos, two votes, plots, teams and care logs), on a server of its own for this module:
    these tests test the demo itself. Tests that only need some data use tests/factories.py."""
    base = tmp_path_factory.mktemp("walk")
    path = base / "huakai.sqlite3"
    shutil.copy(sqlite_template, path)
    database_url = f"sqlite://{path}"
    media = base / "media"

    def seed(app: Starlette) -> tuple[str, tuple[str, ...]]:
        slug = _seed_the_demo(database_url, DemoSite(LocalStorage(media), app.state.proposal_url))
        return slug, _what_people_wrote(database_url)

    with running_server(database_url, idp, media, before_start=seed) as (url, seeded):
        assert seeded is not None
        slug, stored = seeded
        yield Demo(url=url, slug=slug, stored_text=stored)


def _normalised(path: str) -> str:
    """One address per page: where sign-in comes back to does not make another page."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "next"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


@dataclass
class Walk:
    page: Page
    demo: Demo
    width: int
    chinese: bool
    problems: list[str]
    console: list[str]

    def visit(self, path: str) -> list[str]:
        """Opens ``path``, checks it, and returns the same-site links on it."""
        self.console.clear()
        response = self.page.goto(path)
        if response is None or response.status >= 400:
            self.problems.append(f"{path}: answered {response.status if response else None}")
            return []
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > self.width:
            self.problems.append(f"{path}: {scroll_width}px wide on a {self.width}px screen")
        if self.chinese:
            for word in self._english_words():
                self.problems.append(f"{path}: English on a Chinese page: {word!r}")
        self.problems.extend(f"{path}: console error: {text}" for text in self.console)
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "links => links.map(link => link.getAttribute('href'))"
        )
        return [h for h in hrefs if h]

    def _english_words(self) -> set[str]:
        """Latin words in the page's own text, hidden text included (screen readers read it):
        not in <code> (codes, hashes), not in an element that declares another language (the
        English button), not what people wrote."""
        text = self.page.evaluate(
            """() => {
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              const out = [];
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const parent = node.parentElement;
                if (!parent || parent.closest("script, style, code, [lang]:not([lang^=zh])"))
                  continue;
                out.push(node.textContent);
              }
              return out.join("\\n");
            }"""
        )
        for stored in self.demo.stored_text:
            # Only where it stands on its own: a random two-letter piece of a stored token
            # ("JP") must not cut a word of the page ("JPEG") into an English-looking one.
            text = re.sub(rf"(?<![A-Za-z]){re.escape(stored)}(?![A-Za-z])", " ", text)
        return {w for w in LATIN_WORD.findall(text) if w not in TECHNICAL}


def _walk(walk: Walk, start: str = "/") -> int:
    seen: set[str] = set()
    fetched: set[str] = set()
    queue = [start]
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} pages: {sorted(seen)[:20]}..."
        for href in walk.visit(path):
            target = urlsplit(urljoin(walk.demo.url + path, href))
            if f"{target.scheme}://{target.netloc}" != walk.demo.url:
                continue
            local = _normalised(target.path + (f"?{target.query}" if target.query else ""))
            if FETCHED.search(target.path) or LEFT_ALONE.search(target.path):
                fetched.add(local)
            elif local not in seen:
                queue.append(local)
    for path in sorted(fetched):
        answer = walk.page.request.get(path, max_redirects=0)
        if answer.status >= 400:
            walk.problems.append(f"link to {path}: answered {answer.status}")
    return len(seen)


ACTORS: dict[str, tuple[str, str] | None] = {
    "anonymous": None,
    "resident": RESIDENTS[0],  # 田秀芳: verified, votes, in a flower-guardian team
    "committee": (COMMITTEE_SUBJECT, COMMITTEE_NAME),
}


# Every visitor on a phone, where pages are tightest; on a wide screen only the committee,
# whose walk reaches the pages the others see and its own: a wide-screen walk per visitor
# repeated the phone walks' pages at a width that fits them more easily, for two more walks
# of some eighty pages each in a tier held to the test budget.
WALKS = [
    pytest.param("anonymous", PHONE, id="anonymous-phone"),
    pytest.param("resident", PHONE, id="resident-phone"),
    pytest.param("committee", PHONE, id="committee-phone"),
    pytest.param("committee", SCREEN, id="committee-screen"),
]


@pytest.mark.parametrize(("actor", "screen"), WALKS)
def test_every_page_of_the_demo_fits_speaks_chinese_and_links_nowhere_broken(
    new_context: Callable[..., BrowserContext],
    demo_server: Demo,
    actor: str,
    screen: dict[str, int],
) -> None:
    context, mismatches = open_context(new_context, demo_server.url, viewport=screen)
    page = context.new_page()
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("huakai-address:"):
            console.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.append(str(error)))
    login = ACTORS[actor]
    if login is not None:
        page.goto(f"/c/{demo_server.slug}")
        sign_in(page, login[0], shown_as=login[1], axe=False)
    walk = Walk(page, demo_server, screen["width"], chinese=True, problems=[], console=console)
    pages = _walk(walk)
    assert pages >= 20, f"only {pages} pages reached"
    assert not walk.problems, f"{len(walk.problems)} problems on {pages} pages:\n" + "\n".join(
        walk.problems
    )
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("actor", ["anonymous", "committee"])
def test_every_page_fits_a_phone_in_english_too(
    new_context: Callable[..., BrowserContext], demo_server: Demo, actor: str
) -> None:
    """English labels are longer than Chinese ones."""
    context, mismatches = open_context(new_context, demo_server.url, viewport=PHONE, locale="en-US")
    page = context.new_page()
    console: list[str] = []
    page.on("pageerror", lambda error: console.append(str(error)))
    login = ACTORS[actor]
    if login is not None:
        page.goto(f"/c/{demo_server.slug}")
        sign_in(page, login[0], shown_as=login[1], axe=False, text=en)
    walk = Walk(page, demo_server, PHONE["width"], chinese=False, problems=[], console=console)
    pages = _walk(walk)
    assert not walk.problems, f"{len(walk.problems)} problems on {pages} pages:\n" + "\n".join(
        walk.problems
    )
    assert not mismatches, "\n".join(mismatches)
