"""What proposals publish in feeds: each new micro-project in its community's news, and each
proposal's progress (its published updates) as a feed of its own. Hidden ones never show."""

from __future__ import annotations

from participation.communities.queries import community_by_id
from participation.core.errors import N_
from participation.feeds.items import FeedItem, register_news
from participation.moderation.personal_data import mask
from participation.moderation.queries import hidden_items
from participation.proposals.models import ProgressUpdate, Proposal
from participation.proposals.queries import public_proposals, summary_of


async def new_proposals(community_id: int, limit: int) -> list[FeedItem]:
    slug = (await community_by_id(community_id)).slug
    rows = (
        await public_proposals(community_id)
        .select_related("author")
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    return [
        FeedItem(
            key=f"proposal/{p.id}",
            message=N_("New micro-project: %(title)s"),
            params={"title": mask(p.title)},
            at=p.created_at,
            route="proposals:detail",
            route_params={"slug": slug, "proposal_id": str(p.id)},
            summary=summary_of(p.body),
            author=p.author.display_name,
        )
        for p in rows
    ]


async def progress_items(proposal: Proposal, slug: str) -> list[FeedItem]:
    """A public proposal's published progress updates, newest first."""
    rows = (
        await ProgressUpdate.filter(proposal_id=proposal.id, status="published")
        .exclude(id__in=hidden_items("progress_update"))
        .select_related("author")
        .order_by("-created_at", "-id")
        .limit(50)
    )
    return [
        FeedItem(
            key=f"proposal/{proposal.id}/update/{u.id}",
            message=N_("Progress on %(title)s"),
            params={"title": mask(proposal.title)},
            at=u.created_at,
            route="proposals:detail",
            route_params={"slug": slug, "proposal_id": str(proposal.id)},
            summary=mask(u.body),
            author=u.author.display_name,
        )
        for u in rows
    ]


register_news(new_proposals)
