"""What moderation publishes in feeds: its public log, as its page shows it (the action, the
kind of content, the reason's category, an appeal's public reason; never the content)."""

from __future__ import annotations

from participation.core.errors import N_
from participation.feeds.items import FeedItem
from participation.moderation.kinds import KINDS
from participation.moderation.queries import public_log
from participation.moderation.rules import ACTIONS, REASONS


async def log_items(community_id: int, slug: str) -> list[FeedItem]:
    return [
        FeedItem(
            key=f"{slug}/moderation/{e.id}",
            message=N_("%(action)s: %(kind)s (%(reason)s)")
            if e.reason
            else N_("%(action)s: %(kind)s"),
            labels={
                "action": ACTIONS[e.action],
                "kind": KINDS[e.kind].label if e.kind in KINDS else N_("A member"),
                **({"reason": REASONS[e.reason]} if e.reason in REASONS else {}),
            },
            at=e.created_at,
            route="moderation:log",
            route_params={"slug": slug},
            summary=e.public_reason,
        )
        for e in await public_log(community_id, limit=50)
    ]
