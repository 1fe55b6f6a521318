"""The committee's settings for adopted plots: when quiet plots are followed up, and whether
adoption requests need its approval."""

from __future__ import annotations

from datetime import datetime

from participation.communities.queries import get_standing
from participation.communities.services import save_settings
from participation.core.errors import N_, Invalid
from participation.core.permissions import Actor, require
from participation.core.text import parse_whole_number

DAYS_MAX = 365


def _days(text: str, field: str, least: int) -> int:
    days = parse_whole_number(text.strip(), max_digits=3) if text.strip() else None
    if days is None or not least <= days <= DAYS_MAX:
        raise Invalid(
            N_("Please give a number of days from %(least)s to 365."), field=field, least=least
        )
    return days


async def update_plot_settings(
    actor: Actor,
    community_id: int,
    *,
    lapse_days: str,
    lapse_grace_days: str,
    auto_approve_adoptions: bool,
    now: datetime,
) -> None:
    require("communities.manage_settings", actor, await get_standing(actor.user_id, community_id))
    after = {
        "lapse_days": _days(lapse_days, "lapse_days", 1),
        "lapse_grace_days": _days(lapse_grace_days, "lapse_grace_days", 0),
        "auto_approve_adoptions": auto_approve_adoptions,
    }
    await save_settings(actor, community_id, after, "plots.update_settings", now=now)
