"""What plots publish in feeds: plots adopted by a team in the community's news, and each
plot's care as a feed of its own (hidden care logs never show)."""

from __future__ import annotations

from participation.communities.queries import community_by_id
from participation.core.errors import N_
from participation.feeds.items import FeedItem, register_news
from participation.moderation.personal_data import mask
from participation.plots.models import Adoption
from participation.plots.queries.care import care_timeline
from participation.plots.rules import CARE_LABELS, AdoptionStatus, CareKind


async def adoptions(community_id: int, limit: int) -> list[FeedItem]:
    slug = (await community_by_id(community_id)).slug
    rows = (
        await Adoption.filter(
            plot__community_id=community_id,
            status__in=[AdoptionStatus.ACTIVE.value, AdoptionStatus.ENDED.value],
            starts_at__isnull=False,
        )
        .select_related("plot", "team")
        .order_by("-starts_at", "-id")
        .limit(limit)
    )
    return [
        FeedItem(
            key=f"adoption/{a.id}",
            message=N_("%(team)s adopted %(plot)s."),
            params={"team": a.team.name, "plot": a.plot.name},
            at=a.starts_at,
            route="plots:detail",
            route_params={"slug": slug, "plot_id": str(a.plot_id)},
        )
        for a in rows
        if a.starts_at is not None
    ]


async def care_items(plot_id: int, plot_name: str, slug: str) -> list[FeedItem]:
    """The plot's latest care, newest first, without what moderation hides."""
    return [
        FeedItem(
            key=f"care-log/{log.id}",
            message=N_("%(plot)s: %(kind)s, %(minutes)s minutes"),
            params={"plot": plot_name, "minutes": str(log.minutes)},
            labels={"kind": CARE_LABELS[CareKind(log.kind)]},
            at=log.done_at,
            route="plots:detail",
            route_params={"slug": slug, "plot_id": str(plot_id)},
            summary=mask(log.note),
            author=log.member_name,
        )
        for log in await care_timeline(plot_id=plot_id)
    ]


register_news(adoptions)
