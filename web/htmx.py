"""The one place that reads and writes HX-* headers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


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


def redirect_for_htmx(response: Response, url: str) -> Response:
    """Tell htmx to navigate after a POST that a plain form would follow with a 303."""
    response.headers["HX-Location"] = url
    return response
