"""What capabilities tell feeds about the news of a community, so that feeds imports none of
them: each registers a source of its items (new proposals, published results, adopted
conventions, adopted plots), and per-object feeds (a proposal's progress, a plot's care) are
lists of the same items from the capability's own queries.

A capability registers its sources in its own ``feeds.py`` (loaded by
participation/capabilities.py):

    register_news(latest_adoptions)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

NEWS_SIZE = 50


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, before it is put in the reader's language."""

    key: str  # what it is about, unique within the site's feeds: "yulin/proposal/12"
    message: str  # its title, untranslated: N_("New micro-project: %(title)s")
    at: datetime  # when it happened (the entry's <updated>)
    route: str  # the page it links to, e.g. "proposals:detail"
    route_params: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)  # the message's
    labels: dict[str, str] = field(default_factory=dict)  # its parameters that are messages too
    summary: str = ""  # resident text, personal information masked
    author: str = ""  # only a name its owner published under


NewsSource = Callable[[int, int], Awaitable[list[FeedItem]]]  # community id, how many
SOURCES: list[NewsSource] = []


def register_news(source: NewsSource) -> None:
    SOURCES.append(source)


async def community_news(community_id: int, limit: int = NEWS_SIZE) -> list[FeedItem]:
    """The community's latest news from every registered source, newest first."""
    items: list[FeedItem] = []
    for source in SOURCES:
        items += await source(community_id, limit)
    return sorted(items, key=lambda item: (item.at, item.key), reverse=True)[:limit]
