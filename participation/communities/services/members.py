"""Communities, their members and the members' roles."""

from __future__ import annotations

import contextlib
from datetime import datetime

from tortoise.exceptions import IntegrityError

from participation.accounts.queries import user_exists
from participation.audit.services import record
from participation.communities import rules
from participation.communities.models import Community, Membership
from participation.communities.queries import get_standing, is_slug
from participation.communities.services.common import community_row, require_in
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, require


async def create_community(
    actor: Actor | None,
    *,
    slug: str,
    name: str,
    street: str = "",
    district: str = "",
    timezone: str = "Asia/Shanghai",
    default_locale: str = "zh_Hans",
    now: datetime,
) -> Community:
    """``actor`` None means the operator at the command line."""
    if actor is not None:
        require("communities.create", actor)
    if not is_slug(slug):
        raise Invalid(N_("Use lowercase letters, digits and dashes for the address."), field="slug")
    clean_name = rules.clean_label(name, max_length=120)
    if clean_name is None:
        raise Invalid(N_("Please enter a name."), field="name")
    try:
        async with transaction() as conn:
            community = await Community.create(
                slug=slug,
                name=clean_name,
                street=street.strip(),
                district=district.strip(),
                timezone=timezone,
                default_locale=default_locale,
                using_db=conn,
            )
            await record(
                conn,
                actor_id=actor.user_id if actor else None,
                community_id=community.id,
                action="communities.create",
                target=f"community:{community.id}",
                at=now,
                after={"slug": slug, "name": clean_name},
            )
    except IntegrityError as exc:
        raise Conflict(N_("A community with this address already exists.")) from exc
    return community


async def join_community(actor: Actor, community_id: int, *, now: datetime) -> Membership:
    """Become an (unverified) resident member. Joining twice is harmless."""
    await community_row(community_id)
    standing = await get_standing(actor.user_id, community_id)
    if standing.member:
        return await Membership.get(user_id=actor.user_id, community_id=community_id)
    require("communities.join", actor, standing)
    assert actor.user_id is not None
    await ensure_membership(actor.user_id, community_id, now)
    return await Membership.get(user_id=actor.user_id, community_id=community_id)


ROLE_FIELDS = {"volunteer": "is_volunteer", "committee": "is_committee"}


async def set_role(
    actor: Actor | None,
    community_id: int,
    user_id: int,
    role: str,
    granted: bool,
    *,
    now: datetime,
) -> Membership | None:
    """Grant or withdraw a community role. ``actor`` None: the CLI operator.

    Withdrawing from a non-member changes nothing; granting to one makes them a member.
    Repeats (double clicks) change and audit nothing.
    """
    if actor is not None:
        await require_in("communities.manage_members", actor, community_id)
    field = ROLE_FIELDS.get(role)
    if field is None:
        raise Invalid(N_("Unknown role."), field="role")
    await community_row(community_id)
    if not await user_exists(user_id):
        raise NotFound()
    if actor is not None and not await Membership.exists(
        user_id=user_id, community_id=community_id
    ):
        # The committee manages its own members; only the CLI operator may enrol someone.
        raise NotFound()
    if granted:
        await ensure_membership(user_id, community_id, now)
    async with transaction() as conn:
        # The conditional update decides who changed it, also under parallel requests.
        changed = (
            await Membership.filter(
                user_id=user_id, community_id=community_id, **{field: not granted}
            )
            .using_db(conn)
            .update(**{field: granted})
        )
        if changed:
            await record(
                conn,
                actor_id=actor.user_id if actor else None,
                community_id=community_id,
                action="communities.set_role",
                target=f"user:{user_id}",
                at=now,
                before={role: not granted},
                after={role: granted},
            )
    return await Membership.get_or_none(user_id=user_id, community_id=community_id)


async def ensure_membership(user_id: int, community_id: int, now: datetime) -> None:
    if await Membership.exists(user_id=user_id, community_id=community_id):
        return
    with contextlib.suppress(IntegrityError):  # a parallel request made it first
        await Membership.create(user_id=user_id, community_id=community_id, joined_at=now)
