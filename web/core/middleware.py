"""Cross-cutting ASGI middleware, each one small class. Their order is in web/app.py."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from participation.accounts.queries import actor_for, get_signed_in_user
from participation.communities.queries import get_default_locale
from web.core import i18n
from web.core.errors import error_response
from web.core.memo import Memo

log = logging.getLogger("huakai.web")


def content_security_policy(tile_origin: str = "") -> str:
    """Our own scripts, styles and images only; map tiles from the configured tile server."""
    images = f"'self' data: {tile_origin}".rstrip()
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


class SecurityHeaders:
    """CSP without inline or eval'd script: htmx cannot run hx-on handlers or injected scripts."""

    def __init__(self, app: ASGIApp, *, https: bool, tile_origin: str = "") -> None:
        self.app = app
        self.https = https
        self.csp = content_security_policy(tile_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """413 for a declared Content-Length over the limit, or once a chunked body passes it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, default_locale: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        # This runs before language negotiation: answer in the browser's language at least.
        token = i18n.set_locale(
            i18n.match_accept_language(headers.get("accept-language", "")) or self.default_locale
        )
        try:
            await self._limited(scope, receive, send, headers)
        finally:
            i18n.reset_locale(token)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        declared = headers.get("content-length")
        if declared is not None:
            if not (declared.isascii() and declared.isdigit()):
                await error_response(Request(scope), 400)(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await error_response(Request(scope), 413)(scope, receive, send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await error_response(Request(scope), 413)(scope, receive, send)


class CatchAll:
    """Innermost: a crash becomes the generic 500 page while the security headers, session
    and language are still in place (Starlette's own fallback sits outside all of them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or isinstance(exc, BodyTooLarge):
                raise
            log.error("unhandled error on %s %r", scope["method"], scope["path"], exc_info=exc)
            await error_response(Request(scope), 500)(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


class CurrentUser:
    """Sets ``request.state.user`` (or None) and ``request.state.actor`` from the session.

    A session whose user was disabled, or whose version was bumped by a sign-out elsewhere,
    is emptied: the visitor continues anonymously.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session: dict[str, Any] = scope.get("session", {})
        user = None
        uid, version = session.get("uid"), session.get("sv")
        if isinstance(uid, int) and isinstance(version, int):
            user = await get_signed_in_user(uid, version)
            if user is None:
                session.clear()
        state = scope.setdefault("state", {})
        state["user"] = user
        state["actor"] = actor_for(user)
        await self.app(scope, receive, send)


class Locale:
    """Negotiates the language: the user's choice, then Accept-Language, then the community's."""

    # Community defaults change rarely; a minute's delay is fine and spares a query per page.
    CACHE_SECONDS = 60.0
    CACHE_ITEMS = 10_000

    def __init__(self, app: ASGIApp, *, default_locale: str) -> None:
        self.app = app
        self.default_locale = default_locale
        self._community_defaults: Memo[str, tuple[str | None]] = Memo(
            max_items=self.CACHE_ITEMS, seconds=self.CACHE_SECONDS
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        user = state.get("user")
        choice = (user.locale if user else None) or scope.get("session", {}).get("locale")
        accept = Headers(scope=scope).get("accept-language", "")
        community_default = None
        if choice not in i18n.SUPPORTED and not i18n.match_accept_language(accept):
            community_default = await self._community_default(scope["path"])
        locale = i18n.negotiate(
            user_choice=choice,
            accept_language=accept,
            community_default=community_default,
            site_default=self.default_locale,
        )
        state["locale"] = locale
        token = i18n.set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.reset_locale(token)

    async def _community_default(self, path: str) -> str | None:
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "c":
            return None
        slug = parts[2]
        cached = self._community_defaults.get(slug)  # (locale,): a community may have none
        if cached is None:
            cached = self._community_defaults.put(slug, (await get_default_locale(slug),))
        return cached[0]


class AllowedMethods:
    """405 with ``Allow`` for a method no route of this path takes (PUT, DELETE, TRACE...).

    It sits before the CSRF check, which would otherwise answer any unsafe method with 403,
    and Starlette's router, which names only the first route of a path in ``Allow`` (each
    path has a GET route and a POST route of its own).
    """

    ANSWERED = frozenset({"GET", "HEAD", "POST"})

    def __init__(self, app: ASGIApp, *, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in self.ANSWERED:
            await self.app(scope, receive, send)
            return
        allowed = self._methods_of(scope)
        if not allowed:
            await error_response(Request(scope), 404)(scope, receive, send)
            return
        headers = {"Allow": ", ".join(sorted(allowed))}
        await error_response(Request(scope), 405, headers=headers)(scope, receive, send)

    def _methods_of(self, scope: Scope) -> set[str]:
        as_get = {**scope, "method": "GET"}
        methods: set[str] = set()
        for route in self.routes:
            match, _child = route.matches(as_get)
            if match is Match.NONE:
                match, _child = route.matches({**scope, "method": "POST"})
            if match is Match.NONE:
                continue
            if isinstance(route, Route):
                methods |= route.methods or set()
            else:  # a Mount: static files
                methods |= {"GET", "HEAD"}
        return methods
