"""The one place that reads and writes HX-* headers."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def is_htmx(request: Request) -> bool:
    return _from_htmx(request.headers)


def _from_htmx(headers: Headers) -> bool:
    # htmx 4 sends a history restore (Back to a page it had swapped in) with this header alone.
    return (
        headers.get("hx-request") == "true" or headers.get("hx-history-restore-request") == "true"
    )


def wants_fragment(request: Request) -> bool:
    """htmx asked to swap part of a page; boosted navigation and history restores get pages."""
    return (
        is_htmx(request)
        and request.headers.get("hx-request-type") == "partial"
        and request.headers.get("hx-boosted") != "true"
    )


def vary_on_htmx(response: Response) -> Response:
    vary = response.headers.get("vary")
    if not vary:
        response.headers["Vary"] = "HX-Request"
    elif "hx-request" not in vary.lower():
        response.headers["Vary"] = f"{vary}, HX-Request"
    return response


def keep_address_after_post(request: Request, response: Response) -> Response:
    """A page answering an htmx POST (a form re-shown with errors, an error page) must not
    put the POST-only URL in the address bar: reloading it would give 405."""
    if request.method != "GET" and is_htmx(request):
        response.headers["HX-Push-Url"] = "false"
    return response


def as_whole_page(request: Request, response: Response) -> Response:
    """A page answering a request htmx meant for part of one (a comment form swapping the
    thread): shown as the page's whole main content instead, its address left alone."""
    if is_htmx(request):
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reselect"] = "#main"
        response.headers["HX-Reswap"] = "outerHTML show:top"
        response.headers["HX-Push-Url"] = "false"
    return response


REDIRECTS = frozenset({301, 302, 303, 307, 308})
# An anchor htmx can scroll to as a CSS selector (our ids); another is only kept in the URL.
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _swap_showing(anchor: str) -> str:
    """The new page from its top, or from the element its #anchor names, as a browser shows
    a page it navigated to."""
    if _PLAIN_ID.fullmatch(anchor):
        return f'innerHTML show:top showTarget:"#{anchor}"'
    return "innerHTML show:top"


class HtmxRedirects:
    """Every redirect answering an htmx request becomes an htmx navigation to its target.

    fetch() follows a redirect by itself: the target then arrives as the answer to the
    original request, swapped into whatever that request aimed at (a whole sign-in page inside
    a support button), with the address bar left to guesswork and the target's #anchor lost.
    Here the redirect is answered with ``HX-Location`` instead, so htmx loads the target as a
    page of its own, pushes its URL (anchor included) and shows it from the top, or from the
    element its anchor names, the same as a plain form following the 303. A target on another
    site (an identity provider) gets ``HX-Redirect``: a full browser navigation. Endpoints
    just redirect; this decides.
    """

    def __init__(self, app: ASGIApp, *, base_url: str) -> None:
        self.app = app
        self.origin = urlsplit(base_url)._replace(path="", query="", fragment="").geturl()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _from_htmx(request_headers := Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        # Back to a page that now redirects (signed out meanwhile): its target takes the place
        # of that page in the history instead of adding one after it.
        history = "replace" if request_headers.get("hx-history-restore-request") else "push"

        async def send_navigation(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in REDIRECTS:
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location:
                    del headers["location"]
                    local = self._local_path(location)
                    if local is None:
                        headers["HX-Redirect"] = location
                    else:
                        headers["HX-Location"] = json.dumps(
                            {
                                "path": local,
                                "target": "body",
                                "swap": _swap_showing(urlsplit(local).fragment),
                                # The target itself, not "true": htmx would push the URL it
                                # fetched, and fetch() drops the #anchor.
                                history: local,
                            }
                        )
                    headers.append("Vary", "HX-Request")
                    message = {**message, "status": 200}
            await send(message)

        await self.app(scope, receive, send_navigation)

    def _local_path(self, location: str) -> str | None:
        """The path (query and anchor kept) of a target on this site, or None."""
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                return None
            parts = parts._replace(scheme="", netloc="")
        if not parts.path.startswith("/") or parts.path.startswith("//"):
            return None
        return parts.geturl()
