"""Read models for community pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.communities.models import (
    Community,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.communities.rules import RequestSubject
from participation.core.db import as_datetime, as_json, fetch_row
from participation.core.errors import NotFound
from participation.core.permissions import NO_STANDING, Actor, Standing, require

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
    created_at: datetime


_COMMUNITY_SQL = (
    "SELECT id, slug, name, street, district, timezone, default_locale, verify_by_code, "
    "verify_by_request, household_member_cap, support_threshold, hidden_categories, "
    "custom_categories, lapse_days, lapse_grace_days, auto_approve_adoptions, created_at "
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


# A member's standing, read with plain SQL: on nearly every page, and inside the ballot's
# transaction (participation/voting: the same statement, the same reading of its row).
STANDING_SQL = (
    "SELECT verified_at, household_id, is_volunteer, is_committee FROM membership "
    "WHERE user_id = ? AND community_id = ?"
)


def standing_of(row: dict[str, Any] | None) -> Standing:
    """The standing a row of STANDING_SQL gives (None: not a member)."""
    if row is None:
        return NO_STANDING
    return Standing(
        member=True,
        verified=row["verified_at"] is not None,
        volunteer=bool(row["is_volunteer"]),
        committee=bool(row["is_committee"]),
    )


async def get_standing(user_id: int | None, community_id: int) -> Standing:
    if user_id is None:
        return NO_STANDING
    return standing_of(await fetch_row(STANDING_SQL, [user_id, community_id]))


@dataclass(frozen=True)
class MemberRow:
    membership_id: int
    user_id: int
    display_name: str
    household: str | None
    verified: bool
    volunteer: bool
    committee: bool
    joined_at: datetime


async def list_members(community_id: int) -> list[MemberRow]:
    rows = (
        await Membership.filter(community_id=community_id)
        .select_related("user", "household")
        .order_by("-is_committee", "user__display_name", "id")
    )
    return [
        MemberRow(
            membership_id=m.id,
            user_id=m.user.id,
            display_name=m.user.display_name,
            household=m.household.label if m.household else None,
            verified=m.verified_at is not None,
            volunteer=m.is_volunteer,
            committee=m.is_committee,
            joined_at=m.joined_at,
        )
        for m in rows
    ]


@dataclass(frozen=True)
class CommunityOverview:
    committee: list[str]
    verified_residents: int
    members: int
    households: int


async def committee_ids(community_id: int, conn: BaseDBAsyncClient | None = None) -> list[int]:
    """The users on the community's committee (on ``conn``, inside a transaction)."""
    query = Membership.filter(community_id=community_id, is_committee=True)
    rows = await (query.using_db(conn) if conn else query).values("user_id")
    return [row["user_id"] for row in rows]


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
class CodeRow:
    id: int
    household: str
    hint: str
    created_at: datetime
    state: str  # unused | redeemed | revoked
    redeemed_by: str | None


async def list_codes(community_id: int, limit: int = 500) -> list[CodeRow]:
    codes = (
        await HouseholdCode.filter(household__community_id=community_id)
        .select_related("household", "redeemed_by")
        .order_by("-id")
        .limit(limit)
    )
    return [
        CodeRow(
            id=c.id,
            household=c.household.label,
            hint=c.hint,
            created_at=c.created_at,
            state="revoked" if c.revoked_at else "redeemed" if c.redeemed_at else "unused",
            redeemed_by=c.redeemed_by.display_name if c.redeemed_by else None,
        )
        for c in codes
    ]


@dataclass(frozen=True)
class RequestRow:
    id: int
    display_name: str
    household_label: str
    note: str
    created_at: datetime
    subject: RequestSubject  # what the rule deciding it is asked about


async def list_pending_requests(community_id: int) -> list[RequestRow]:
    rows = (
        await VerificationRequest.filter(membership__community_id=community_id, status="pending")
        .select_related("membership__user")
        .order_by("id")
    )
    return [
        RequestRow(
            id=r.id,
            display_name=r.membership.user.display_name,
            household_label=r.household_label,
            note=r.note,
            created_at=r.created_at,
            subject=RequestSubject(resident_id=r.membership.user_id, here=True),
        )
        for r in rows
    ]


async def request_subject(community_id: int, request_id: int) -> RequestSubject | None:
    """A residency request as its rules see it from this community (None: there is none)."""
    row = await fetch_row(
        "SELECT m.user_id, m.community_id FROM verification_request r "
        "JOIN membership m ON m.id = r.membership_id WHERE r.id = ? LIMIT 1",
        [request_id],
    )
    if row is None:
        return None
    return RequestSubject(resident_id=row["user_id"], here=row["community_id"] == community_id)


async def get_pending_request_for(user_id: int, community_id: int) -> VerificationRequest | None:
    return await VerificationRequest.filter(
        membership__user_id=user_id, membership__community_id=community_id, status="pending"
    ).first()


async def get_membership(user_id: int, community_id: int) -> Membership | None:
    return await Membership.get_or_none(user_id=user_id, community_id=community_id).select_related(
        "household"
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


async def get_last_rejection(user_id: int, community_id: int) -> VerificationRequest | None:
    """The resident's most recent request, if the committee turned it down."""
    latest = (
        await VerificationRequest.filter(
            membership__user_id=user_id, membership__community_id=community_id
        )
        .order_by("-id")
        .first()
    )
    return latest if latest is not None and latest.status == "rejected" else None


# --- read by voting and proposals


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
class MemberHousehold:
    """Where a member lives in their community: their household, once verified."""

    household_id: int | None


async def member_household(user_id: int, community_id: int) -> MemberHousehold | None:
    """The member's household (None: not a member of this community)."""
    row = await fetch_row(
        "SELECT household_id FROM membership WHERE user_id = ? AND community_id = ? LIMIT 1",
        [user_id, community_id],
    )
    return None if row is None else MemberHousehold(row["household_id"])


async def verified_member_named(community_id: int, display_name: str) -> int | None:
    """The user id of the earliest verified, active member here who goes by this name."""
    member = (
        await Membership.filter(
            community_id=community_id,
            verified_at__isnull=False,
            user__display_name=display_name,
            user__disabled=False,
        )
        .order_by("id")
        .first()
    )
    return None if member is None else member.user_id


# --- read by the plots capability


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
