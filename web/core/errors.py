"""One mapping from failures to HTTP: domain errors, HTTP errors and crashes.

Each renders the error page, or its fragment for a partial htmx request. Nothing about the
failure's internals (traceback, SQL, settings) reaches the response.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from participation.core.errors import (
    N_,
    Busy,
    Conflict,
    DomainError,
    Invalid,
    NotAllowed,
    NotFound,
    RateLimited,
    UnsupportedMedia,
)
from web.core.i18n import gettext
from web.core.templating import render

log = logging.getLogger("huakai.web")

STATUS_FOR_ERROR: dict[type[DomainError], int] = {
    NotAllowed: 403,
    NotFound: 404,
    Invalid: 422,
    Conflict: 409,
    Busy: 503,
    RateLimited: 429,
    UnsupportedMedia: 415,
}

TITLES = {
    400: N_("Something in the request was wrong"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    409: N_("Changed meanwhile"),
    413: N_("Too large"),
    415: N_("File type not accepted"),
    422: N_("Please check your input"),
    429: N_("Please slow down"),
    500: N_("Sorry, something went wrong on our side"),
    503: N_("The site is busy"),
}

DEFAULT_MESSAGES = {
    400: N_("Please go back and try again."),
    403: N_("You are not allowed to do that."),
    404: N_("We could not find that page."),
    405: N_("Please use the buttons on the page."),
    409: N_("Please reload the page and try again."),
    413: N_("What you sent is too large."),
    415: N_("Please send a JPEG, PNG or WebP photo."),
    422: N_("Please check what you entered."),
    429: N_("Too many attempts. Please wait a little and try again."),
    500: N_("Please try again later. The problem has been logged."),
    503: N_("Please try again in a moment."),
}


def error_response(
    request: Request,
    status_code: int,
    message: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Response:
    """The error page (or fragment); ``message`` is an untranslated source string."""
    text = gettext(message or DEFAULT_MESSAGES.get(status_code, DEFAULT_MESSAGES[400]), **params)
    title = gettext(TITLES.get(status_code, TITLES[400]))
    if status_code in (403, 429):
        log.warning("%s %r -> %s", request.method, request.url.path, status_code)
    try:
        return render(
            request,
            "errors/error.html",
            {"status_code": status_code, "title": title, "message": text},
            status_code=status_code,
            fragment="content",
            headers=headers,
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page failed to render")
        return HTMLResponse(f"<h1>{status_code}</h1>", status_code=status_code, headers=headers)


def status_of(exc: DomainError) -> int:
    """The HTTP status of a domain error, for its error page or a form shown again with it."""
    return next((code for kind, code in STATUS_FOR_ERROR.items() if isinstance(exc, kind)), 400)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status_code = status_of(exc)
    headers = None
    if isinstance(exc, RateLimited | Busy):
        headers = {"Retry-After": str(exc.retry_after)}
    return error_response(request, status_code, exc.message, headers=headers, **exc.params)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # Starlette's own details are English status phrases; ours are translatable sentences.
    is_phrase = exc.detail == HTTPStatus(exc.status_code).phrase
    message = None if is_phrase else exc.detail
    return error_response(
        request, exc.status_code, message, headers=dict(exc.headers) if exc.headers else None
    )


class SignInRequired(Exception):
    """Raised where a page needs a signed-in user; answered with a redirect to sign in."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %r", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    SignInRequired: sign_in_required,
    DomainError: domain_error,
    HTTPException: http_error,
    Exception: server_error,
}
