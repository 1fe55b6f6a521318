"""What conventions publish in the community's news: each convention adopted by its vote."""

from __future__ import annotations

from participation.communities.queries import community_by_id
from participation.conventions.models import Ratification
from participation.core.errors import N_
from participation.feeds.items import FeedItem, register_news


async def adopted(community_id: int, limit: int) -> list[FeedItem]:
    slug = (await community_by_id(community_id)).slug
    rows = (
        await Ratification.filter(
            convention__community_id=community_id, outcome="adopted", counted_at__isnull=False
        )
        .select_related("convention")
        .order_by("-counted_at", "-id")
        .limit(limit)
    )
    return [
        FeedItem(
            key=f"convention/{r.convention_id}/adopted/{r.id}",
            message=N_("The convention %(title)s is adopted."),
            params={"title": r.convention.title},
            at=r.counted_at,
            route="conventions:detail",
            route_params={"slug": slug, "convention_id": str(r.convention_id)},
        )
        for r in rows
        if r.counted_at is not None
    ]


register_news(adopted)
