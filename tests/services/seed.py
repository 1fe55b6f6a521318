"""Plain helpers for the services tier: seeding and reading back what a service wrote."""

from __future__ import annotations

import asyncio

from tortoise import connections
from tortoise.models import Model
from tortoise.transactions import in_transaction

from participation.accounts.models import User
from participation.accounts.queries import actor_for
from participation.audit.models import AuditEntry
from participation.communities.models import Community, Household, Membership
from participation.communities.services import join_community
from participation.core.permissions import Actor
from tests.support import make_user, now


def as_actor(user: User) -> Actor:
    return actor_for(user)


async def join(community: Community, user: User) -> Membership:
    return await join_community(as_actor(user), community.id, now=now())


async def membership(community: Community, user: User) -> Membership | None:
    return await Membership.get_or_none(user_id=user.id, community_id=community.id)


async def audit(action: str | None = None) -> list[AuditEntry]:
    query = AuditEntry.all().order_by("id")
    if action is not None:
        query = query.filter(action=action)
    return await query


async def set_household_cap(community: Community, cap: int) -> None:
    await Community.filter(id=community.id).update(household_member_cap=cap)


async def household(community: Community, label: str) -> Household:
    return await Household.get(community_id=community.id, label=label)


async def make_users(prefix: str, count: int) -> list[User]:
    return [await make_user(f"{prefix}-{i}", f"{prefix} {i}") for i in range(count)]


class RowLock:
    """Holds PostgreSQL row locks in a task of its own, to line other transactions up behind it.

    Only PostgreSQL lets writers wait on a row; SQLite serialises whole write transactions.
    """

    def __init__(self, model: type[Model], ids: list[int]) -> None:
        self.model = model
        self.ids = ids
        self._locked = asyncio.Event()
        self._release = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _hold(self) -> None:
        async with in_transaction() as conn:
            await self.model.filter(id__in=self.ids).select_for_update().using_db(conn)
            self._locked.set()
            await self._release.wait()

    async def __aenter__(self) -> RowLock:
        self._task = asyncio.create_task(self._hold())
        await self._locked.wait()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()
        assert self._task is not None
        await self._task


async def wait_for_lock_waiters(count: int, timeout: float = 10.0) -> None:
    """Until ``count`` sessions of this test's PostgreSQL database wait on a lock."""
    conn = connections.get("postgres")
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = await conn.execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if rows[0]["n"] >= count:
            return
        assert asyncio.get_running_loop().time() < deadline, f"{count} lock waiters expected"
        await asyncio.sleep(0.01)  # polling a condition, not waiting for time to pass
