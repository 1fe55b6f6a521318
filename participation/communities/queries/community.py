"""Communities as pages and other capabilities read them: their settings, their overview,
where a member belongs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from participation.communities.models import (
    Community,
    Membership,
)
from participation.communities.queries.members import get_standing
from participation.core.db import as_datetime, as_json, fetch_row
from participation.core.errors import NotFound
from participation.core.permissions import Actor, require

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def is_slug(text: str) -> bool:
    """Only well-formed slugs reach the database (no NUL, no over-long strings)."""
    return bool(SLUG_RE.match(text))


@dataclass(frozen=True, slots=True)
class CommunityInfo:
    """A community as pages show it (read on nearly every request, so with plain SQL)."""

    id: int
    slug: str
    name: str
    street: str
    district: str
    timezone: str
    default_locale: str
    verify_by_code: bool
    verify_by_request: bool
    household_member_cap: int
    support_threshold: int
    hidden_categories: list[str]
    custom_categories: list[str]
    lapse_days: int
    lapse_grace_days: int
    auto_approve_adoptions: bool
    convention_vote_mode: str
    report_threshold: int
    created_at: datetime


_COMMUNITY_SQL = (
    "SELECT id, slug, name, street, district, timezone, default_locale, verify_by_code, "
    "verify_by_request, household_member_cap, support_threshold, hidden_categories, "
    "custom_categories, lapse_days, lapse_grace_days, auto_approve_adoptions, "
    "convention_vote_mode, report_threshold, created_at "
    'FROM "community" WHERE slug = ? LIMIT 1'
)


async def get_community(slug: str) -> CommunityInfo:
    if not is_slug(slug):
        raise NotFound()
    row = await fetch_row(_COMMUNITY_SQL, [slug])
    if row is None:
        raise NotFound()
    return CommunityInfo(
        **{
            **row,
            "verify_by_code": bool(row["verify_by_code"]),
            "verify_by_request": bool(row["verify_by_request"]),
            "auto_approve_adoptions": bool(row["auto_approve_adoptions"]),
            "hidden_categories": as_json(row["hidden_categories"]) or [],
            "custom_categories": as_json(row["custom_categories"]) or [],
            "created_at": as_datetime(row["created_at"]),
        }
    )


async def get_default_locale(slug: str) -> str | None:
    """The language of a community's pages for visitors whose browser says none."""
    if not is_slug(slug):
        return None
    row = await fetch_row('SELECT default_locale FROM "community" WHERE slug = ? LIMIT 1', [slug])
    return str(row["default_locale"]) if row else None


async def list_communities() -> list[Community]:
    return await Community.all().order_by("name")


@dataclass(frozen=True)
class CommunityOverview:
    committee: list[str]
    verified_residents: int
    members: int
    households: int


async def get_overview(community_id: int) -> CommunityOverview:
    committee = (
        await Membership.filter(community_id=community_id, is_committee=True)
        .select_related("user")
        .order_by("user__display_name")
    )
    members = await Membership.filter(community_id=community_id).count()
    verified = await Membership.filter(community_id=community_id, verified_at__isnull=False).count()
    households = (
        await Membership.filter(community_id=community_id, household_id__isnull=False)
        .distinct()
        .values_list("household_id", flat=True)
    )
    return CommunityOverview(
        committee=[m.user.display_name for m in committee],
        verified_residents=verified,
        members=members,
        households=len(set(households)),
    )


@dataclass(frozen=True)
class MyCommunity:
    slug: str
    name: str
    verified: bool
    committee: bool


async def list_my_communities(user_id: int) -> list[MyCommunity]:
    rows = await Membership.filter(user_id=user_id).select_related("community")
    return [
        MyCommunity(
            slug=m.community.slug,
            name=m.community.name,
            verified=m.verified_at is not None,
            committee=m.is_committee,
        )
        for m in rows
    ]


async def get_community_for_committee(actor: Actor, slug: str) -> CommunityInfo:
    """The community, if the actor may see its committee pages (403 otherwise)."""
    return await community_where(actor, slug, "communities.view_committee_pages")


async def community_by_id(community_id: int) -> CommunityInfo:
    """The community of something that names it by id (a round, a proposal)."""
    row = await fetch_row('SELECT slug FROM "community" WHERE id = ? LIMIT 1', [community_id])
    if row is None:
        raise NotFound()
    return await get_community(row["slug"])


async def community_where(actor: Actor, slug: str, rule: str) -> CommunityInfo:
    """The community, if the actor may do ``rule`` there (403 otherwise): the gate of a page
    about the community as a whole, asking the rule its service enforces."""
    community = await get_community(slug)
    require(rule, actor, await get_standing(actor.user_id, community.id))
    return community


@dataclass(frozen=True)
class PlotSettings:
    """What the plots capability reads of a community: its clock, when a quiet plot is
    followed up, and whether adoption requests wait for the committee."""

    community_id: int
    timezone: str
    lapse_days: int
    lapse_grace_days: int
    auto_approve_adoptions: bool


_PLOT_SETTINGS = ("id", "timezone", "lapse_days", "lapse_grace_days", "auto_approve_adoptions")


async def every_plot_settings(community_id: int | None = None) -> list[PlotSettings]:
    """Every community's (for the plots' periodic follow-up), or only this one's."""
    query = Community.all() if community_id is None else Community.filter(id=community_id)
    return [
        PlotSettings(
            community_id=row["id"],
            timezone=row["timezone"],
            lapse_days=row["lapse_days"],
            lapse_grace_days=row["lapse_grace_days"],
            auto_approve_adoptions=bool(row["auto_approve_adoptions"]),
        )
        for row in await query.values(*_PLOT_SETTINGS)
    ]


async def plot_settings(community_id: int) -> PlotSettings:
    found = await every_plot_settings(community_id)
    if not found:
        raise NotFound()
    return found[0]


async def slugs_and_names(community_ids: set[int]) -> list[tuple[str, str]]:
    """(slug, name) of these communities, by name."""
    rows = (
        await Community.filter(id__in=community_ids)
        .order_by("name", "id")
        .values_list("slug", "name")
    )
    return [(str(slug), str(name)) for slug, name in rows]
