"""What every community use case starts with: the community, and the rule asked there."""

from __future__ import annotations

from participation.communities.models import Community
from participation.communities.queries import get_standing
from participation.core.errors import NotFound
from participation.core.permissions import Actor, require


async def community_row(community_id: int) -> Community:
    community = await Community.get_or_none(id=community_id)
    if community is None:
        raise NotFound()
    return community


async def require_in(name: str, actor: Actor, community_id: int) -> None:
    """``require`` the rule ``name`` with the actor's standing in this community."""
    require(name, actor, await get_standing(actor.user_id, community_id))
