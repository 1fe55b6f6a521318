"""Atom feeds: one way to answer with one, in the reader's language, with conditional GET
(a feed reader that asks again with the ETag or the time it has gets a 304, no body)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from participation.feeds import atom
from participation.feeds.items import FeedItem
from web.core import i18n

ATOM = "application/atom+xml; charset=utf-8"


def feed_response(
    request: Request,
    *,
    key: str,
    title: str,
    page: tuple[str, dict[str, str]],
    items: Sequence[FeedItem],
    since: datetime,
    title_params: dict[str, str] | None = None,
) -> Response:
    """The Atom feed ``key`` of ``items``; ``title`` untranslated, ``page`` the route (and its
    parameters) of the page it is the feed of; ``since``: its <updated> while it is empty."""
    settings = request.app.state.settings
    paths = request.app.state.url_paths
    base = settings.base_url

    def url(route: str, params: dict[str, str]) -> str:
        return base + paths(route, **params)

    feed = atom.Feed(
        key=key,
        title=i18n.gettext(title, **(title_params or {})),
        link=url(*page),
        self_link=base + request.url.path,
        language=i18n.HTML_LANG[i18n.current_locale()],
        entries=[
            atom.Entry(
                key=item.key,
                title=i18n.gettext(
                    item.message,
                    **item.params,
                    **{name: i18n.gettext(label) for name, label in item.labels.items()},
                ),
                summary=item.summary,
                link=url(item.route, item.route_params),
                updated=item.at,
                author=item.author,
            )
            for item in items
        ],
        fallback_updated=since,
    )
    body = atom.render(feed, urlsplit(base).hostname or "localhost").encode()
    updated = atom.updated_at(feed).astimezone(UTC).replace(microsecond=0)
    headers = {
        "ETag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "Last-Modified": format_datetime(updated, usegmt=True),
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Language, Cookie",
    }
    if _not_modified(request, headers["ETag"], updated):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ATOM, headers=headers)


def _not_modified(request: Request, etag: str, updated: datetime) -> bool:
    # RFC 9110 13.1: If-None-Match, when sent, decides; If-Modified-Since only without it.
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return updated <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
