"""The committee's setting for moderation: how many reports from trusted residents hide an
item at once, pending review."""

from __future__ import annotations

from datetime import datetime

from participation.communities.queries import get_standing
from participation.communities.services import save_settings
from participation.core.errors import N_, Invalid
from participation.core.permissions import Actor, require
from participation.core.text import parse_whole_number

THRESHOLD_MAX = 50


async def update_moderation_settings(
    actor: Actor, community_id: int, *, report_threshold: str, now: datetime
) -> None:
    require("communities.manage_settings", actor, await get_standing(actor.user_id, community_id))
    value = parse_whole_number(report_threshold.strip(), max_digits=2)
    if value is None or not 2 <= value <= THRESHOLD_MAX:
        raise Invalid(N_("Please give a number of reports from 2 to 50."), field="report_threshold")
    after = {"report_threshold": value}
    await save_settings(actor, community_id, after, "moderation.update_settings", now=now)
