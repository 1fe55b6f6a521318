"""Members and their standing in a community (the standing every rule is asked with), read
with plain SQL on the hot path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.communities.models import (
    Membership,
)
from participation.core.db import fetch_row
from participation.core.permissions import NO_STANDING, Standing

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


async def committee_ids(community_id: int, conn: BaseDBAsyncClient | None = None) -> list[int]:
    """The users on the community's committee (on ``conn``, inside a transaction)."""
    query = Membership.filter(community_id=community_id, is_committee=True)
    rows = await (query.using_db(conn) if conn else query).values("user_id")
    return [row["user_id"] for row in rows]


@dataclass(frozen=True)
class Electorate:
    """Who may take part in a community-wide vote: its verified residents (active accounts),
    and the households they live in."""

    residents: int
    households: int
    resident_ids: list[int]
    household_of: dict[int, int | None]  # each resident's household


async def electorate(community_id: int, conn: BaseDBAsyncClient | None = None) -> Electorate:
    query = Membership.filter(
        community_id=community_id, verified_at__isnull=False, user__disabled=False
    )
    rows = await (query.using_db(conn) if conn else query).values("user_id", "household_id")
    households = {row["household_id"] for row in rows if row["household_id"] is not None}
    return Electorate(
        len(rows),
        len(households),
        sorted(row["user_id"] for row in rows),
        {row["user_id"]: row["household_id"] for row in rows},
    )


async def get_membership(user_id: int, community_id: int) -> Membership | None:
    return await Membership.get_or_none(user_id=user_id, community_id=community_id).select_related(
        "household"
    )


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
