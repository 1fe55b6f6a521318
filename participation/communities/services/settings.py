"""The community's own settings (verification, households, language), and the one way every
capability's settings of a community are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from participation.audit.services import record
from participation.communities import rules
from participation.communities.models import Community
from participation.communities.services.common import community_row, require_in
from participation.core.db import transaction
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import Actor


@dataclass(frozen=True)
class CommunitySettings:
    verify_by_code: bool
    verify_by_request: bool
    household_member_cap: int
    default_locale: str


SETTINGS_FIELDS = ("verify_by_code", "verify_by_request", "household_member_cap", "default_locale")


async def update_community_settings(
    actor: Actor, community_id: int, new: CommunitySettings, *, now: datetime
) -> Community:
    """The committee chooses verification methods, the household cap and the language."""
    await require_in("communities.manage_settings", actor, community_id)
    await community_row(community_id)
    if not (new.verify_by_code or new.verify_by_request):
        raise Invalid(N_("Keep at least one way for residents to verify."), field="verify_by_code")
    if new.household_member_cap not in rules.HOUSEHOLD_CAP_RANGE:
        raise Invalid(
            N_("A household may have between 1 and 50 verified members."),
            field="household_member_cap",
        )
    if new.default_locale not in ("zh_Hans", "en"):
        raise Invalid(N_("Please choose a language from the list."), field="default_locale")
    after = {name: getattr(new, name) for name in SETTINGS_FIELDS}
    return await save_settings(actor, community_id, after, "communities.update_settings", now=now)


async def save_settings(
    actor: Actor, community_id: int, after: dict[str, Any], action: str, *, now: datetime
) -> Community:
    """Store checked settings of a community, with one audit row of what changed (none when
    nothing did). The caller has checked the actor may."""
    async with transaction() as conn:
        community = await Community.filter(id=community_id).using_db(conn).first()
        if community is None:
            raise NotFound()
        before = {name: getattr(community, name) for name in after}
        if before != after:
            for name, value in after.items():
                setattr(community, name, value)
            await community.save(using_db=conn, update_fields=list(after))
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action=action,
                target=f"community:{community_id}",
                at=now,
                before=before,
                after=after,
            )
    return community
