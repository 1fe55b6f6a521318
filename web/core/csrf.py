"""CSRF protection for every unsafe method.

A per-session random token travels as the ``X-CSRF-Token`` header (htmx, set once on
``<body hx-headers:inherited>``) or as the ``csrf_token`` form field (plain forms). A request
from another origin, or without the session's token, gets 403 and reaches no endpoint.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from participation.core.errors import N_
from web.core.errors import error_response

log = logging.getLogger("huakai.security")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SESSION_KEY = "csrf"
EXPIRED = N_("This form has expired. Please reload the page and try again.")


def session_token(session: dict[str, Any]) -> str:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


class CSRF:
    def __init__(self, app: ASGIApp, *, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope.setdefault("session", {})
        expected = session_token(session)
        scope.setdefault("state", {})["csrf_token"] = expected
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return

        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin and origin != self.origin:
            await self._reject(scope, receive, send, f"origin {origin!r}")
            return
        if headers.get("sec-fetch-site") == "cross-site":
            await self._reject(scope, receive, send, "sec-fetch-site cross-site")
            return

        supplied = headers.get(HEADER)
        replay = receive
        if supplied is None:
            body, replay = await _buffer(receive)
            supplied = await _form_token(scope, headers, body)
        if not supplied or not hmac.compare_digest(supplied.encode(), expected.encode()):
            await self._reject(scope, replay, send, "missing or wrong token")
            return
        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, why: str) -> None:
        log.warning("CSRF rejected %s %r: %s", scope["method"], scope["path"], why)
        await error_response(Request(scope, receive), 403, EXPIRED)(scope, receive, send)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _form_token(scope: Scope, headers: Headers, body: bytes) -> str | None:
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        sent = False

        async def once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request(scope, once)
        try:
            form = await request.form(max_files=20, max_fields=200)
        except Exception:  # noqa: BLE001 - a malformed body is simply a missing token
            return None
        try:
            value = form.get(FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None
