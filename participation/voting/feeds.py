"""What voting publishes in feeds: published results in the community's news, and each round
as a feed of its own (opened, closed, results published)."""

from __future__ import annotations

from datetime import datetime

from participation.communities.queries import community_by_id
from participation.core.errors import N_
from participation.feeds.items import FeedItem, register_news
from participation.voting.models import VotingRound
from participation.voting.rules import RoundStatus


def _item(voting: VotingRound, slug: str, what: str, message: str, at: datetime) -> FeedItem:
    return FeedItem(
        key=f"round/{voting.id}/{what}",
        message=message,
        params={"title": voting.title},
        at=at,
        route="voting:round",
        route_params={"slug": slug, "round_id": str(voting.id)},
    )


PUBLISHED = N_("Results of the vote %(title)s are published.")


async def published_results(community_id: int, limit: int) -> list[FeedItem]:
    slug = (await community_by_id(community_id)).slug
    rows = (
        await VotingRound.filter(community_id=community_id, published_at__isnull=False)
        .order_by("-published_at", "-id")
        .limit(limit)
    )
    return [_item(v, slug, "published", PUBLISHED, v.published_at) for v in rows if v.published_at]


def round_items(voting: VotingRound, slug: str, now: datetime) -> list[FeedItem]:
    """What has happened to a round that is not a draft, newest first."""
    if voting.status == RoundStatus.DRAFT:
        return []
    items = []
    if voting.opens_at <= now:
        items.append(
            _item(voting, slug, "opened", N_("Voting on %(title)s is open."), voting.opens_at)
        )
    if voting.closed_at is not None:
        items.append(
            _item(voting, slug, "closed", N_("Voting on %(title)s has closed."), voting.closed_at)
        )
    if voting.published_at is not None:
        items.append(_item(voting, slug, "published", PUBLISHED, voting.published_at))
    return sorted(items, key=lambda item: item.at, reverse=True)


register_news(published_results)
