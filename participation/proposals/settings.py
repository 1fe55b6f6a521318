"""The committee's settings for micro-projects: categories offered and the support threshold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from participation.communities.queries import get_standing
from participation.communities.services import save_settings
from participation.core.permissions import Actor, require
from participation.proposals import categories

if TYPE_CHECKING:
    from participation.communities.models import Community


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
    return await save_settings(actor, community_id, after, "proposals.update_settings", now=now)
