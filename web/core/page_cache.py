"""Public pages as anonymous visitors see them, kept for a few seconds.

Most people reading a community's proposals are not signed in, and every one of them gets the
same page apart from the CSRF token. Each capability names its *shareable* pages (the route
names in its ``SHAREABLE``, gathered in web/pages.py, with a test where only some requests of a
page are alike); this middleware keeps such a page's rendered bytes, split around the token,
and answers the next anonymous visitor with the same bytes and their own token.

What is stored: 200 answers to GET requests by visitors with no user and no pending notice,
keyed by host, path, query, language and whether htmx asked for a fragment.

Freshness: any unsafe request (POST, ...) by a signed-in person that this worker handles
empties the cache, and a page whose rendering overlapped such a request is not stored. (Only
signed-in people can change what pages show.) With one worker (the SQLite deployment) an
anonymous reader therefore never sees a page older than the last change made through the
site; with several workers, another worker's copy lags by about ``PAGE_CACHE_SECONDS``, never
more than twice that. Signed-in residents always get freshly rendered pages.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.core import htmx
from web.core.csrf import SAFE_METHODS

# A page's test: is this request's page the same for every anonymous visitor? None: always.
Shareable = Mapping[str, Callable[[Request], bool] | None]


@dataclass(frozen=True, slots=True)
class _Copy:
    expires: float
    status: int
    headers: list[tuple[bytes, bytes]]
    parts: list[bytes]  # the body split around the CSRF token of the visitor it was made for
    size: int


CacheKey = tuple[str, str, bytes, str, bool, bool]


class PageCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        seconds: float,
        shareable: Shareable,
        max_bytes: int = 32 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.app = app
        self.shareable = shareable
        self.clock = clock
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._copies: OrderedDict[CacheKey, _Copy] = OrderedDict()
        self._bytes = 0
        self._generation = 0  # bumped by every unsafe request
        self._rendering: dict[CacheKey, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            # Only signed-in people change what pages show; a visitor switching language
            # must not be able to empty the cache for everyone.
            signed_in = scope.get("state", {}).get("user") is not None
            try:
                await self.app(scope, receive, send)
            finally:
                if signed_in:
                    self.clear()
            return
        key = self._key(scope) if scope["method"] == "GET" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        token: str = scope["state"]["csrf_token"]
        copy = self._copies.get(key)
        rendering = self._rendering.get(key)
        now = self.clock()
        if copy is not None and (
            copy.expires > now or (rendering is not None and copy.expires + self.seconds > now)
        ):
            # An expired copy still answers (for one more period at most) while one request
            # renders its successor: a crowd arriving as a popular page expires would
            # otherwise all render it at once.
            self._copies.move_to_end(key)
            await self._replay(copy, token, send)
            return
        if rendering is not None:
            await rendering.wait()
            copy = self._copies.get(key)
            if copy is not None:
                await self._replay(copy, token, send)
                return
        done = self._rendering.setdefault(key, asyncio.Event())
        try:
            await self._render_and_keep(key, token, scope, receive, send)
        finally:
            if self._rendering.get(key) is done:
                del self._rendering[key]
            done.set()

    def clear(self) -> None:
        self._generation += 1
        self._copies.clear()
        self._bytes = 0

    def _key(self, scope: Scope) -> CacheKey | None:
        state = scope.get("state", {})
        if state.get("user") is not None or "flash" in scope.get("session", {}):
            return None
        request = Request(scope)
        return (
            request.headers.get("host", ""),
            scope["path"],
            scope["query_string"],
            state.get("locale", ""),
            htmx.is_htmx(request),
            htmx.wants_fragment(request),
        )

    async def _render_and_keep(
        self, key: CacheKey, token: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        generation = self._generation
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if (
            start is None
            or start["status"] != 200
            or not self._shared(scope)
            or generation != self._generation
            or not token
        ):
            # Whatever replaced the page (a 404, a page not to share) makes the old copy wrong.
            self._drop(key)
            return
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        self._keep(
            key,
            _Copy(
                expires=self.clock() + self.seconds,
                status=start["status"],
                headers=headers,
                parts=body.split(token.encode()),
                size=len(body) + sum(len(part) for part in key[:3]),
            ),
        )

    def _shared(self, scope: Scope) -> bool:
        """The page is one its capability calls shareable, for this request."""
        route = scope.get("route")
        name = getattr(route, "name", None)
        if not isinstance(name, str) or name not in self.shareable:
            return False
        test = self.shareable[name]
        return test is None or test(Request(scope))

    def _keep(self, key: CacheKey, copy: _Copy) -> None:
        if copy.size > self.max_bytes // 8:
            return
        self._drop(key)
        self._copies[key] = copy
        self._bytes += copy.size
        while self._bytes > self.max_bytes:
            oldest = next(iter(self._copies))
            self._drop(oldest)

    def _drop(self, key: CacheKey) -> None:
        copy = self._copies.pop(key, None)
        if copy is not None:
            self._bytes -= copy.size

    @staticmethod
    async def _replay(copy: _Copy, token: str, send: Send) -> None:
        body = token.encode().join(copy.parts)
        headers = [*copy.headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": copy.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
