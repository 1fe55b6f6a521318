"""The committee's settings for micro-projects: categories offered and the support threshold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from participation.audit.services import record
from participation.communities.models import Community
from participation.communities.queries import get_standing
from participation.db import transaction
from participation.errors import NotFound
from participation.permissions import Actor, require
from participation.proposals import categories

FIELDS = ("support_threshold", "hidden_categories", "custom_categories")


async def update_proposal_settings(
    actor: Actor,
    community_id: int,
    *,
    support_threshold: str,
    hidden_categories: Iterable[str],
    custom_categories: str,
    now: datetime,
) -> Community:
    require("communities.manage_settings", actor, await get_standing(actor.user_id, community_id))
    after = {
        "support_threshold": categories.clean_support_threshold(support_threshold),
        "hidden_categories": categories.clean_hidden(hidden_categories),
        "custom_categories": categories.clean_custom(custom_categories),
    }
    async with transaction() as conn:
        community = await Community.filter(id=community_id).using_db(conn).first()
        if community is None:
            raise NotFound()
        before = {name: getattr(community, name) for name in FIELDS}
        if before != after:
            for name, value in after.items():
                setattr(community, name, value)
            await community.save(using_db=conn, update_fields=list(FIELDS))
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="proposals.update_settings",
                target=f"community:{community_id}",
                at=now,
                before=before,
                after=after,
            )
    return community
