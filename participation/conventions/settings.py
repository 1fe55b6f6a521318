"""The committee's setting for conventions: who ratifies them, households or residents. A vote
takes the setting when it is scheduled and keeps it, whatever the setting says later."""

from __future__ import annotations

from datetime import datetime

from participation.communities.queries import get_standing
from participation.communities.services import save_settings
from participation.conventions.ratification import MODES
from participation.core.errors import N_, Invalid
from participation.core.permissions import Actor, require


async def update_convention_settings(
    actor: Actor, community_id: int, *, vote_mode: str, now: datetime
) -> None:
    require("communities.manage_settings", actor, await get_standing(actor.user_id, community_id))
    if vote_mode not in MODES:
        raise Invalid(N_("Please choose who votes on conventions."), field="convention_vote_mode")
    after = {"convention_vote_mode": vote_mode}
    await save_settings(actor, community_id, after, "conventions.update_settings", now=now)
