"""Public pages reused for anonymous visitors (web.page_cache) in the real app.

Whether a page came from the cache is shown without looking inside it: a change made straight
through the services (as another worker would make it, unseen by this worker's cache) shows on
a freshly rendered page and is missing from a copy.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from participation.accounts.models import User
from participation.core.permissions import Actor
from participation.proposals import services
from participation.proposals.rules import Status
from tests.support import (
    HOSTILE,
    World,
    csrf_from,
    csrf_token,
    login,
    make_user,
    make_verified,
    make_world,
    now,
)
from tests.web.helpers import ENGLISH, HTMX_PARTIAL, assert_inert, client_for, is_fragment

LIST = "/c/yulin/proposals"
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
# htmx following a boosted link: it asks for the whole page.
HTMX_BOOSTED = {"HX-Request": "true", "HX-Boosted": "true", "HX-Request-Type": "full"}
HEADER_TOKEN_RE = re.compile(r'"X-CSRF-Token": "([^"]+)"')
FORM_TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

AppFactory = Callable[..., AbstractAsyncContextManager[Starlette]]


@dataclass
class Site:
    app: Starlette
    world: World
    author: User
    first_id: int  # a submitted proposal, there before any page is read
    browsers: Callable[[], httpx.AsyncClient]

    async def propose(self, title: str, *, submit: bool = True) -> int:
        """A proposal made straight through the services, as another worker would."""
        actor = Actor(user_id=self.author.id)
        community_id = self.world.community.id
        data = services.ProposalInput(
            title=title, body=f"就在拐角。{HOSTILE}", category="pocket_garden", cost_yuan="600"
        )
        proposal = await services.create_proposal(actor, community_id, data, now=now())
        if submit:
            await self.submit(proposal.id)
        return proposal.id

    async def submit(self, proposal_id: int) -> None:
        actor = Actor(user_id=self.author.id)
        await services.move_as_author(
            actor, self.world.community.id, proposal_id, Status.SUBMITTED, now=now()
        )


@asynccontextmanager
async def site(make_app: AppFactory, seconds: int = 60) -> AsyncIterator[Site]:
    """The app with PAGE_CACHE_SECONDS=seconds, a community and one submitted proposal."""
    async with make_app(PAGE_CACHE_SECONDS=seconds) as app, AsyncExitStack() as stack:
        assert app.state.settings.page_cache_seconds == seconds
        world = await make_world()
        author = await make_user("cache-author", "提案人老李")
        await make_verified(world.community, author, household="7栋701")
        count = 0

        def new_browser() -> httpx.AsyncClient:
            nonlocal count
            count += 1
            browser = client_for(app, f"198.51.100.{count}")
            stack.push_async_callback(browser.aclose)
            return browser

        built = Site(app=app, world=world, author=author, first_id=0, browsers=new_browser)
        built.first_id = await built.propose("口袋花园")
        yield built


async def page(browser: httpx.AsyncClient, path: str = LIST, **headers: str) -> str:
    response = await browser.get(path, headers=headers)
    assert response.status_code == 200, response.text[:300]
    assert "no-store" not in response.headers.get("cache-control", "")
    return response.text


def only_token(html: str) -> str:
    """The page's CSRF token; every place it appears (forms, hx-headers) carries the same."""
    tokens = set(FORM_TOKEN_RE.findall(html)) | set(HEADER_TOKEN_RE.findall(html))
    assert len(tokens) == 1, tokens
    return tokens.pop()


async def choose_language(browser: httpx.AsyncClient, token: str) -> int:
    response = await browser.post(
        "/language", data={"csrf_token": token, "locale": "en", "next": LIST}
    )
    return response.status_code


# --- Each visitor's own token ---------------------------------------------------------------


async def test_each_anonymous_visitor_gets_the_shared_page_with_their_own_token(
    make_app: AppFactory,
) -> None:
    async with site(make_app) as s:
        a, b = s.browsers(), s.browsers()
        first = await page(a)
        assert "口袋花园" in first
        await s.propose("后来的长椅")  # not seen by this worker's cache
        again = await page(a)
        other = await page(b)

        # Both came from the copy made for A's first visit...
        assert "后来的长椅" not in again and "后来的长椅" not in other
        assert "口袋花园" in other and "<script>alert(1)" not in other
        # ...yet each carries its own visitor's token.
        a_token, b_token = only_token(first), only_token(other)
        assert only_token(again) == a_token
        assert a_token != b_token
        assert csrf_from(other) == b_token

        # The token works for its visitor only. (403s first: they reach no endpoint.)
        assert await choose_language(b, a_token) == 403
        assert await choose_language(a, b_token) == 403
        assert await choose_language(a, a_token) == 303
        assert await choose_language(b, b_token) == 303


# --- Freshness --------------------------------------------------------------------------------


async def test_a_support_through_the_site_shows_at_once_to_anonymous_visitors(
    make_app: AppFactory,
) -> None:
    async with site(make_app) as s:
        resident = await make_user("cache-resident", "楼下邻居")
        await make_verified(s.world.community, resident, household="7栋702")
        neighbour = await make_user("cache-neighbour", "对门邻居")
        await make_verified(s.world.community, neighbour, household="7栋703")
        signed_in = s.browsers()
        await login(signed_in, "cache-resident")
        detail = f"{LIST}/{s.first_id}"

        anonymous = s.browsers()
        assert "0 supports" in await page(anonymous, detail, **ENGLISH)
        assert "0 supports" in await page(anonymous, LIST, **ENGLISH)
        # A support given elsewhere: the copies still say 0, so they are copies.
        await services.support(
            Actor(user_id=neighbour.id), s.world.community.id, s.first_id, now=now()
        )
        assert "0 supports" in await page(anonymous, detail, **ENGLISH)

        token = await csrf_token(signed_in, detail)
        response = await signed_in.post(
            f"{detail}/support", data={"csrf_token": token, "action": "add"}
        )
        assert response.status_code == 303, response.text[:300]

        for visitor in (anonymous, s.browsers()):
            assert "2 supports" in await page(visitor, detail, **ENGLISH)
            assert "2 supports" in await page(visitor, LIST, **ENGLISH)


async def test_a_change_made_elsewhere_shows_after_page_cache_seconds(
    make_app: AppFactory,
) -> None:
    # Three seconds: long enough that a busy test machine still checks within the period.
    async with site(make_app, seconds=3) as s:
        resident = await make_user("cache-resident", "楼下邻居")
        await make_verified(s.world.community, resident, household="7栋702")
        signed_in = s.browsers()
        await login(signed_in, "cache-resident")  # before the copy is made: it takes a while
        anonymous = s.browsers()
        assert "口袋花园" in await page(anonymous)

        await s.propose("新的长椅")
        assert "新的长椅" not in await page(anonymous)
        assert "新的长椅" not in await page(s.browsers())
        # Signed-in residents always get a freshly rendered page.
        fresh = await signed_in.get(LIST)
        assert "新的长椅" in fresh.text
        assert fresh.headers["cache-control"] == "no-store"

        await asyncio.sleep(3.3)
        assert "新的长椅" in await page(anonymous)
        assert "新的长椅" in await page(s.browsers())


async def test_random_order_is_never_shared(make_app: AppFactory) -> None:
    async with site(make_app) as s:
        first = s.browsers()
        for sort in ("random", "newest"):
            assert "口袋花园" in await page(first, f"{LIST}?sort={sort}")
        await s.propose("随机的秋千")

        later = s.browsers()
        assert "随机的秋千" in await page(later, f"{LIST}?sort=random")
        assert "随机的秋千" in await page(first, f"{LIST}?sort=random")
        # The ordinary order is shared: it still shows the copy.
        assert "随机的秋千" not in await page(later, f"{LIST}?sort=newest")


async def test_a_drafts_404_is_not_stored(make_app: AppFactory) -> None:
    async with site(make_app) as s:
        draft_id = await s.propose("还没想好的草稿", submit=False)
        path = f"{LIST}/{draft_id}"
        anonymous = s.browsers()
        assert (await anonymous.get(path)).status_code == 404
        assert (await s.browsers().get(path)).status_code == 404

        await s.submit(draft_id)  # through the services: this worker's cache is not told
        assert "还没想好的草稿" in await page(anonymous, path)
        assert "还没想好的草稿" in await page(s.browsers(), path)


# --- Separate copies ------------------------------------------------------------------------


async def test_the_htmx_fragment_and_the_full_page_are_separate_copies(
    make_app: AppFactory,
) -> None:
    async with site(make_app) as s:
        fragment = await page(s.browsers(), LIST, **HTMX_PARTIAL)
        full = await page(s.browsers(), LIST)
        boosted = await page(s.browsers(), LIST, **HTMX_BOOSTED)
        assert is_fragment(fragment) and "口袋花园" in fragment
        for html in (full, boosted):
            assert "<html" in html and "口袋花园" in html

        await s.propose("分开的花架")
        full_again = await page(s.browsers(), LIST)
        boosted_again = await page(s.browsers(), LIST, **HTMX_BOOSTED)
        fragment_again = await page(s.browsers(), LIST, **HTMX_PARTIAL)
        for html in (full_again, boosted_again):
            assert "<html" in html and "分开的花架" not in html
        assert is_fragment(fragment_again) and "分开的花架" not in fragment_again
        assert fragment_again == fragment  # the results carry no token
        assert_inert(fragment_again, "口袋花园")


async def test_each_language_has_its_own_copy(make_app: AppFactory) -> None:
    async with site(make_app) as s:
        english = await page(s.browsers(), LIST, **ENGLISH)
        chinese = await page(s.browsers(), LIST, **CHINESE)
        await s.propose("两种语言的凉亭")
        english_copy = await page(s.browsers(), LIST, **ENGLISH)
        chinese_copy = await page(s.browsers(), LIST, **CHINESE)

        assert "两种语言的凉亭" not in english_copy + chinese_copy
        for html in (english, english_copy):
            assert '<html lang="en">' in html
            assert "Micro-projects" in html and "微项目" not in html
        for html in (chinese, chinese_copy):
            assert '<html lang="zh-Hans">' in html
            assert "微项目" in html and "Micro-projects" not in html
