"""web.core.page_cache.PageCache on its own, in front of a tiny hand-written ASGI app.

The app stands in for Huakai's endpoints: it reads what "the database" says, marks its page
shareable, writes the visitor's CSRF token into the page (twice, like base.html) and counts
how often it really rendered. asyncio events let a test hold a rendering half-way through to
interleave other requests with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from tests.support import HOSTILE
from web.core.page_cache import PageCache

HTMX_PARTIAL = [(b"hx-request", b"true"), (b"hx-request-type", b"partial")]
HTMX_BOOSTED = [(b"hx-request", b"true"), (b"hx-boosted", b"true")]


@dataclass
class Reply:
    status: int
    headers: Headers
    body: str


class Site:
    """The app behind the cache. ``content`` is what the database says right now; a POST
    changes it to ``after_post``."""

    def __init__(self) -> None:
        self.content = "v1"
        self.after_post = "v2"
        self.status = 200
        self.shareable = True
        self.padding = ""  # makes pages bigger for the memory tests
        self.renders = 0  # renderings of pages (GET and HEAD)
        self.gate: asyncio.Event | None = None  # when set, a GET waits for it after reading
        self.entered = asyncio.Event()  # set once a GET has read the content
        self.fail_post = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        if scope["method"] not in ("GET", "HEAD"):
            await receive()
            if self.fail_post:
                raise RuntimeError("the write failed half-way")
            self.content = self.after_post
            await send({"type": "http.response.start", "status": 303, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        content, status, gate = self.content, self.status, self.gate
        self.renders += 1
        self.entered.set()
        if gate is not None:
            await gate.wait()
        state = scope["state"]
        body = page(
            content=content,
            token=state["csrf_token"],
            user=state["user"],
            path=scope["path"],
            query=scope["query_string"].decode(),
            locale=state["locale"],
            fragment=dict(scope["headers"]).get(b"hx-request-type") == b"partial",
            padding=self.padding,
        ).encode()
        # As the router does: the route that answered (the cache asks its name).
        scope["route"] = SimpleNamespace(name="page" if self.shareable else "private")
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"vary", b"HX-Request"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        # In two pieces, as a streaming response would: the cache must keep them both.
        half = len(body) // 2
        await send({"type": "http.response.body", "body": body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": body[half:], "more_body": False})


def page(
    *,
    content: str,
    token: str,
    user: Any = None,
    path: str = "/c/yulin/proposals",
    query: str = "",
    locale: str = "en",
    fragment: bool = False,
    padding: str = "",
) -> str:
    """What Site renders; tests compute the page a visitor should get with it."""
    inner = f"<section>{content} {path}?{query} {locale} user={user}{padding}</section>"
    inner += f'<form><input type="hidden" name="csrf_token" value="{token}"></form>'
    if fragment:
        return inner
    return f'<html><body hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'>{inner}</body></html>'


def scope(
    *,
    token: str,
    method: str = "GET",
    path: str = "/c/yulin/proposals",
    query: str = "",
    user: Any = None,
    locale: str = "en",
    headers: list[tuple[bytes, bytes]] | None = None,
    session: dict[str, Any] | None = None,
    host: str = "127.0.0.1:8000",
) -> Scope:
    """An HTTP scope as it reaches PageCache: the outer middleware have set state and session."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", host.encode()), *(headers or [])],
        "client": ("203.0.113.7", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {"user": user, "actor": None, "locale": locale, "csrf_token": token},
        "session": {"csrf": token, **(session or {})},
    }


async def call(cache: PageCache, request: Scope) -> Reply:
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await cache(request, receive, send)
    [start, *bodies] = messages
    assert start["type"] == "http.response.start"
    assert all(m["type"] == "http.response.body" for m in bodies)
    assert not bodies[-1].get("more_body", False)
    return Reply(
        status=start["status"],
        headers=Headers(raw=start["headers"]),
        body=b"".join(m.get("body", b"") for m in bodies).decode(),
    )


class Clock:
    """Time as the cache sees it, moved on by the test: no sleeping, no flakiness."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cached(
    seconds: float = 60, clock: Clock | None = None, **options: Any
) -> tuple[Site, PageCache]:
    site = Site()
    options.setdefault("shareable", {"page": None})
    return site, PageCache(site, seconds=seconds, clock=clock or Clock(), **options)


async def settle() -> None:
    """Let every task that can run do so, until each waits on something."""
    for _ in range(20):
        await asyncio.sleep(0)


# --- Reuse ------------------------------------------------------------------------------------


async def test_second_anonymous_visitor_gets_the_copy_with_their_own_token() -> None:
    site, cache = cached()
    first = await call(cache, scope(token="token-of-visitor-a-0123456789abcdef"))
    site.content = "changed behind the cache's back"  # as another worker would
    second = await call(cache, scope(token="token-of-visitor-b-0123456789abcdef"))

    assert site.renders == 1
    assert first.body == page(content="v1", token="token-of-visitor-a-0123456789abcdef")
    assert second.status == 200
    assert second.body == page(content="v1", token="token-of-visitor-b-0123456789abcdef")
    assert "visitor-a" not in second.body
    assert second.headers["content-type"] == "text/html; charset=utf-8"
    assert second.headers["vary"] == "HX-Request"


async def test_replayed_content_length_matches_the_body() -> None:
    site, cache = cached()
    await call(cache, scope(token="short-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
    # A token of another length: the stored Content-Length would be wrong for this body.
    longer = "a-much-longer-token-" + "b" * 60
    reply = await call(cache, scope(token=longer))

    assert site.renders == 1
    assert reply.headers.getlist("content-length") == [str(len(reply.body.encode()))]
    assert reply.body == page(content="v1", token=longer)


async def test_hostile_text_is_replayed_byte_for_byte() -> None:
    site, cache = cached()
    site.content = HOSTILE
    first = await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    second = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert site.renders == 1
    assert second.body == first.body.replace("token-a-", "token-b-")


# --- Who never gets a copy --------------------------------------------------------------------


async def test_signed_in_visitor_is_never_served_a_copy() -> None:
    site, cache = cached()
    await call(cache, scope(token="anon-token-0123456789abcdef0123456789"))
    site.content = "v2"

    resident = await call(cache, scope(token="resident-token-0123456789abcdef01", user="老李"))
    assert resident.body == page(
        content="v2", token="resident-token-0123456789abcdef01", user="老李"
    )
    assert site.renders == 2


async def test_signed_in_visitors_page_is_not_stored() -> None:
    site, cache = cached()
    await call(cache, scope(token="resident-token-0123456789abcdef01", user="老李"))
    anonymous = await call(cache, scope(token="anon-token-0123456789abcdef0123456789"))

    assert site.renders == 2
    assert "老李" not in anonymous.body
    assert anonymous.body == page(content="v1", token="anon-token-0123456789abcdef0123456789")


async def test_a_visitor_with_a_pending_notice_bypasses_the_cache() -> None:
    site, cache = cached()
    await call(cache, scope(token="anon-token-0123456789abcdef0123456789"))
    site.content = "v2"
    notice = {"flash": ["Saved.", {}]}

    flashed = await call(cache, scope(token="flash-token-0123456789abcdef0123456", session=notice))
    assert flashed.body == page(content="v2", token="flash-token-0123456789abcdef0123456")
    assert site.renders == 2

    # And what was rendered for them (the notice popped into it) is not stored either.
    site2, cache2 = cached()
    await call(cache2, scope(token="flash-token-0123456789abcdef0123456", session=notice))
    await call(cache2, scope(token="anon-token-0123456789abcdef0123456789"))
    assert site2.renders == 2


async def test_an_unshareable_page_is_not_stored() -> None:
    site, cache = cached()
    site.shareable = False
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.content = "v2"
    second = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))

    assert site.renders == 2
    assert second.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")


async def test_a_non_200_answer_is_not_stored() -> None:
    site, cache = cached()
    site.status = 404  # marked shareable all the same: the status alone must keep it out
    missing = await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    assert missing.status == 404
    site.status = 200
    found = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))

    assert site.renders == 2
    assert found.status == 200


async def test_head_requests_pass_through() -> None:
    site, cache = cached()
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab", method="HEAD"))
    await call(cache, scope(token="token-b-0123456789abcdef0123456789ab", method="HEAD"))
    assert site.renders == 2
    assert not cache._copies


# --- Keys -------------------------------------------------------------------------------------


async def test_language_fragment_query_and_host_are_different_keys() -> None:
    site, cache = cached()
    variants: list[dict[str, Any]] = [
        {},
        {"locale": "zh_Hans"},
        {"headers": HTMX_PARTIAL},
        {"headers": HTMX_BOOSTED},
        {"query": "sort=supported"},
        {"query": "sort=supported&page=2"},
        {"path": "/c/yulin"},
        {"host": "huakai.example"},
    ]
    for round_ in (1, 2):
        for number, variant in enumerate(variants):
            token = f"token-{round_}-{number}-0123456789abcdef0123456789"
            reply = await call(cache, scope(token=token, **variant))
            expected = page(
                content="v1",
                token=token,
                path=variant.get("path", "/c/yulin/proposals"),
                query=variant.get("query", ""),
                locale=variant.get("locale", "en"),
                fragment=variant.get("headers") is HTMX_PARTIAL,
            )
            assert reply.body == expected, (round_, variant)
    # Each variant rendered once, in the first round; the second was all copies.
    assert site.renders == len(variants)
    assert len(cache._copies) == len(variants)


async def test_seconds_zero_turns_the_cache_off() -> None:
    site, cache = cached(seconds=0)
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.content = "v2"
    second = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))

    assert site.renders == 2
    assert second.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert not cache._copies


# --- Freshness ----------------------------------------------------------------------------------


async def test_a_post_empties_the_cache() -> None:
    site, cache = cached()
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab", path="/c/yulin"))
    posted = await call(
        cache, scope(token="token-a-0123456789abcdef0123456789ab", method="POST", user="老李")
    )
    assert posted.status == 303
    assert not cache._copies

    after = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert after.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert site.renders == 3


async def test_a_post_that_fails_still_empties_the_cache() -> None:
    site, cache = cached()
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.fail_post = True
    try:
        await call(
            cache, scope(token="token-a-0123456789abcdef0123456789ab", method="POST", user="老李")
        )
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failing write did not fail")
    assert not cache._copies


async def test_an_anonymous_post_leaves_the_cache_alone() -> None:
    """Visitors who are not signed in cannot change pages (they may switch language)."""
    _site, cache = cached()
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    posted = await call(cache, scope(token="token-a-0123456789abcdef0123456789ab", method="POST"))
    assert posted.status == 303
    assert len(cache._copies) == 1
    again = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert again.body == page(content="v1", token="token-b-0123456789abcdef0123456789ab")


async def test_a_post_during_a_rendering_keeps_that_rendering_out_of_the_cache() -> None:
    site, cache = cached()
    site.gate = asyncio.Event()
    reading = asyncio.create_task(call(cache, scope(token="token-a-0123456789abcdef0123456789ab")))
    await site.entered.wait()  # it has read "v1" and is still rendering

    await call(
        cache, scope(token="token-w-0123456789abcdef0123456789ab", method="POST", user="老李")
    )
    site.gate.set()
    stale = await reading
    assert stale.body == page(content="v1", token="token-a-0123456789abcdef0123456789ab")
    assert not cache._copies

    site.gate = None
    fresh = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert fresh.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert site.renders == 2


async def test_an_expired_copy_is_rendered_again() -> None:
    clock = Clock()
    site, cache = cached(seconds=5, clock=clock)
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.content = "v2"
    clock.now += 5

    fresh = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert fresh.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert site.renders == 2


async def test_an_expired_copy_answers_while_its_successor_renders() -> None:
    clock = Clock()
    site, cache = cached(seconds=5, clock=clock)
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.content = "v2"
    clock.now += 7

    site.gate, site.entered = asyncio.Event(), asyncio.Event()
    renewing = asyncio.create_task(call(cache, scope(token="token-b-0123456789abcdef0123456789ab")))
    await site.entered.wait()
    meanwhile = await call(cache, scope(token="token-c-0123456789abcdef0123456789ab"))
    assert meanwhile.body == page(content="v1", token="token-c-0123456789abcdef0123456789ab")

    site.gate.set()
    renewed = await renewing
    assert renewed.body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert site.renders == 2


async def test_a_copy_expired_for_more_than_a_period_waits_for_its_successor() -> None:
    clock = Clock()
    site, cache = cached(seconds=5, clock=clock)
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    site.content = "v2"
    clock.now += 11

    site.gate, site.entered = asyncio.Event(), asyncio.Event()
    renewing = asyncio.create_task(call(cache, scope(token="token-b-0123456789abcdef0123456789ab")))
    await site.entered.wait()
    waiting = asyncio.create_task(call(cache, scope(token="token-c-0123456789abcdef0123456789ab")))
    await settle()
    assert not waiting.done()
    site.gate.set()
    assert (await renewing).body == page(content="v2", token="token-b-0123456789abcdef0123456789ab")
    assert (await waiting).body == page(content="v2", token="token-c-0123456789abcdef0123456789ab")
    assert site.renders == 2


async def test_an_expired_copy_is_not_replayed_once_its_successor_was_not_stored() -> None:
    """The page went away (hidden through another worker: now a 404). The expired copy may
    cover the one rendering that finds out, but no longer: otherwise, with visitors always
    overlapping, the stale page would be replayed forever to all but one of them."""
    clock = Clock()
    site, cache = cached(seconds=5, clock=clock)
    await call(cache, scope(token="token-a-0123456789abcdef0123456789ab"))
    clock.now += 7
    site.status = 404

    gone = await call(cache, scope(token="token-b-0123456789abcdef0123456789ab"))
    assert gone.status == 404

    # The next visitor renders again; one arriving meanwhile must not get the old page.
    site.gate, site.entered = asyncio.Event(), asyncio.Event()
    renewing = asyncio.create_task(call(cache, scope(token="token-c-0123456789abcdef0123456789ab")))
    await site.entered.wait()
    meanwhile = asyncio.create_task(
        call(cache, scope(token="token-d-0123456789abcdef0123456789ab"))
    )
    await settle()
    site.gate.set()
    assert (await renewing).status == 404
    assert (await meanwhile).status == 404, "a page known to be gone was replayed"


# --- Concurrency --------------------------------------------------------------------------------


async def test_concurrent_misses_render_once_and_each_visitor_gets_their_token() -> None:
    site, cache = cached()
    site.gate = asyncio.Event()
    tokens = [f"token-{n}-0123456789abcdef0123456789abcdef" for n in range(8)]
    visits = [asyncio.create_task(call(cache, scope(token=token))) for token in tokens]
    await site.entered.wait()
    await settle()  # all the others have arrived and wait for the one rendering
    site.gate.set()
    replies = await asyncio.gather(*visits)

    assert site.renders == 1
    for token, reply in zip(tokens, replies, strict=True):
        assert reply.status == 200
        assert reply.body == page(content="v1", token=token)
        assert reply.headers["content-length"] == str(len(reply.body.encode()))


async def test_concurrent_misses_on_an_unshareable_page_each_render_their_own() -> None:
    site, cache = cached()
    site.shareable = False
    site.gate = asyncio.Event()
    tokens = [f"token-{n}-0123456789abcdef0123456789abcdef" for n in range(4)]
    visits = [asyncio.create_task(call(cache, scope(token=token))) for token in tokens]
    await site.entered.wait()
    await settle()
    site.gate.set()
    replies = await asyncio.gather(*visits)

    assert site.renders == len(tokens)
    for token, reply in zip(tokens, replies, strict=True):
        assert reply.body == page(content="v1", token=token)
    assert not cache._copies and not cache._rendering


# --- Memory -------------------------------------------------------------------------------------


def _stored_bytes(cache: PageCache) -> int:
    return sum(copy.size for copy in cache._copies.values())


async def test_many_query_strings_never_fill_more_than_max_bytes() -> None:
    site, cache = cached(max_bytes=8 * 1024)
    site.padding = "x" * 700  # about 1 KB a page: at most eight fit
    token = "token-a-0123456789abcdef0123456789ab"
    for n in range(300):
        await call(cache, scope(token=token, query=f"q={n}"))
        assert cache._bytes == _stored_bytes(cache) <= cache.max_bytes
        for key, copy in cache._copies.items():
            # The key counts too: a long query string is memory like any other.
            host, path, query = key[:3]
            body = token.encode().join(copy.parts)
            assert copy.size == len(body) + len(host) + len(path) + len(query)
    assert 1 < len(cache._copies) <= 8

    # The most recent pages stay; the oldest were let go.
    renders = site.renders
    await call(cache, scope(token=token, query="q=299"))
    assert site.renders == renders
    await call(cache, scope(token=token, query="q=0"))
    assert site.renders == renders + 1


async def test_a_page_read_again_is_kept_over_older_ones() -> None:
    site, cache = cached(max_bytes=8 * 1024)
    site.padding = "x" * 700
    token = "token-a-0123456789abcdef0123456789ab"
    await call(cache, scope(token=token, query="popular"))
    for n in range(40):
        await call(cache, scope(token=token, query=f"q={n}"))
        await call(cache, scope(token=token, query="popular"))
    renders = site.renders
    await call(cache, scope(token=token, query="popular"))
    assert site.renders == renders
    assert site.renders == 41  # "popular" rendered once


async def test_a_page_bigger_than_the_cache_is_not_stored() -> None:
    site, cache = cached(max_bytes=8 * 1024)
    token = "token-a-0123456789abcdef0123456789ab"
    await call(cache, scope(token=token, query="small"))
    site.padding = "x" * 20_000
    big = await call(cache, scope(token=token, query="big"))
    assert len(big.body) > cache.max_bytes
    assert cache._bytes == _stored_bytes(cache) <= cache.max_bytes
    await call(cache, scope(token=token, query="big"))
    assert site.renders == 3
    # The small page was not pushed out by it.
    await call(cache, scope(token=token, query="small"))
    assert site.renders == 3


async def test_a_page_shared_only_for_some_requests_is_stored_only_for_those() -> None:
    """A capability's test (proposals: not a shuffled list) decides per request."""
    site, cache = cached(
        shareable={"page": lambda request: request.query_params.get("sort") != "random"}
    )
    await call(cache, scope(query="sort=random", token="token-a-0123456789abcdef0123456789ab"))
    await call(cache, scope(query="sort=random", token="token-b-0123456789abcdef0123456789ab"))
    assert site.renders == 2
    await call(cache, scope(query="sort=newest", token="token-c-0123456789abcdef0123456789ab"))
    await call(cache, scope(query="sort=newest", token="token-d-0123456789abcdef0123456789ab"))
    assert site.renders == 3
