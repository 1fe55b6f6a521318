"""Parallel requests must not break single use, household caps or one-row-per-change.

`asyncio.gather` runs the use cases concurrently: on PostgreSQL as truly parallel transactions
over the pool, on SQLite serialised by its single writer. Where a race needs one particular
interleaving, RowLock holds a row lock on PostgreSQL and the test polls pg_stat_activity until
the transactions wait behind it; no timed sleeps.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from participation.accounts.models import User
from participation.communities import services
from participation.communities.models import (
    Household,
    HouseholdCode,
    Membership,
)
from participation.core.codes import hash_code
from participation.core.errors import DomainError, Invalid
from tests.services.seed import (
    RowLock,
    as_actor,
    audit,
    household,
    join,
    make_users,
    set_household_cap,
    wait_for_lock_waiters,
)
from tests.support import World, now


def outcomes(results: Sequence[Any]) -> Counter[str]:
    """'ok' or the error's class name; anything but a domain error fails the test."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return Counter(type(r).__name__ if isinstance(r, BaseException) else "ok" for r in results)


def postgres_only(database: str) -> None:
    if not database.startswith("postgres"):
        pytest.skip("needs row locks: SQLite serialises write transactions")


async def test_twenty_parallel_redemptions_of_one_code_verify_exactly_one(world: World) -> None:
    [issued] = await services.issue_household_codes(None, world.community.id, ["1栋101"], now=now())
    people = await make_users("neighbour", 20)
    results = await asyncio.gather(
        *(
            services.redeem_household_code(
                as_actor(user), world.community.id, issued.code, now=now()
            )
            for user in people
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 1, "Invalid": 19}
    [winner] = [r for r in results if isinstance(r, Membership)]
    row = await HouseholdCode.get(code_hash=hash_code(issued.code))
    assert row.redeemed_by_id == winner.user_id
    verified = await Membership.filter(verified_at__isnull=False)
    assert [m.user_id for m in verified] == [winner.user_id]
    assert (await household(world.community, "1栋101")).verified_count == 1
    assert len(await audit("communities.redeem_code")) == 1


async def test_parallel_verifications_never_exceed_the_household_cap(world: World) -> None:
    await set_household_cap(world.community, 3)
    issued = await services.issue_household_codes(
        None, world.community.id, ["7栋701"], now=now(), per_household=10
    )
    people = await make_users("family", 10)
    results = await asyncio.gather(
        *(
            services.redeem_household_code(as_actor(user), world.community.id, code.code, now=now())
            for user, code in zip(people, issued, strict=True)
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 3, "Invalid": 7}
    assert await Membership.filter(verified_at__isnull=False).count() == 3
    assert (await household(world.community, "7栋701")).verified_count == 3
    assert await HouseholdCode.filter(redeemed_at__isnull=False).count() == 3
    assert len(await audit("communities.redeem_code")) == 3


async def test_parallel_joins_by_one_user_make_one_membership(world: World) -> None:
    [user] = await make_users("eager", 1)
    results = await asyncio.gather(
        *(
            services.join_community(as_actor(user), world.community.id, now=now())
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 20}
    assert len({m.id for m in results if isinstance(m, Membership)}) == 1
    assert await Membership.filter(user_id=user.id).count() == 1


async def test_parallel_approvals_of_one_request_decide_it_once(world: World) -> None:
    [committee, resident] = await make_users("person", 2)
    await services.set_role(None, world.community.id, committee.id, "committee", True, now=now())
    request = await services.request_verification(
        as_actor(resident), world.community.id, household_label="8栋801", note="", now=now()
    )
    results = await asyncio.gather(
        *(
            services.decide_verification(
                as_actor(committee),
                world.community.id,
                request.id,
                approve=True,
                reason="",
                now=now(),
            )
            for _ in range(10)
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 1, "Conflict": 9}
    assert (await household(world.community, "8栋801")).verified_count == 1
    assert len(await audit("communities.decide_verification")) == 1


async def test_one_user_redeeming_two_codes_in_parallel_is_verified_once(
    world: World, database: str
) -> None:
    """Both transactions read the membership as unverified before either verifies it."""
    postgres_only(database)
    first, second = await services.issue_household_codes(
        None, world.community.id, ["2栋202"], now=now(), per_household=2
    )
    [user] = await make_users("double", 1)
    await join(world.community, user)
    home = await household(world.community, "2栋202")
    async with RowLock(Household, [home.id]):
        tasks = [
            asyncio.create_task(
                services.redeem_household_code(
                    as_actor(user), world.community.id, code.code, now=now()
                )
            )
            for code in (first, second)
        ]
        await wait_for_lock_waiters(2)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    outcome = outcomes(results)
    await home.refresh_from_db()
    assert outcome["ok"] == 1, outcome
    assert home.verified_count == 1
    assert await HouseholdCode.filter(redeemed_at__isnull=False).count() == 1


async def test_code_revoked_while_being_redeemed_is_not_redeemed(
    world: World, database: str
) -> None:
    """The revocation commits between the redemption's read of the code and its update."""
    postgres_only(database)
    [committee, user] = await make_users("person", 2)
    await services.set_role(None, world.community.id, committee.id, "committee", True, now=now())
    await join(world.community, user)
    [issued] = await services.issue_household_codes(None, world.community.id, ["3栋303"], now=now())
    row = await HouseholdCode.get(code_hash=hash_code(issued.code))
    async with RowLock(HouseholdCode, [row.id]):
        revoke = asyncio.create_task(
            services.revoke_household_code(
                as_actor(committee), world.community.id, row.id, now=now()
            )
        )
        await wait_for_lock_waiters(1)
        redeem = asyncio.create_task(
            services.redeem_household_code(
                as_actor(user), world.community.id, issued.code, now=now()
            )
        )
        await wait_for_lock_waiters(2)
    results = await asyncio.gather(revoke, redeem, return_exceptions=True)
    outcomes(results)
    await row.refresh_from_db()
    assert row.revoked_at is not None
    assert row.redeemed_at is None
    assert isinstance(results[1], Invalid)


async def test_double_clicked_role_grant_writes_one_audit_row(world: World, database: str) -> None:
    """Both transactions read the role as not granted before either grants it."""
    postgres_only(database)
    [committee, resident] = await make_users("person", 2)
    await services.set_role(None, world.community.id, committee.id, "committee", True, now=now())
    joined = await join(world.community, resident)
    async with RowLock(Membership, [joined.id]):
        tasks = [
            asyncio.create_task(
                services.set_role(
                    as_actor(committee),
                    world.community.id,
                    resident.id,
                    "volunteer",
                    True,
                    now=now(),
                )
            )
            for _ in range(2)
        ]
        await wait_for_lock_waiters(2)
    outcomes(await asyncio.gather(*tasks, return_exceptions=True))
    grants = [e for e in await audit("communities.set_role") if e.target == f"user:{resident.id}"]
    assert len(grants) == 1


async def test_double_clicked_role_grant_to_a_non_member_does_not_crash(
    world: World, database: str
) -> None:
    """Both transactions find no membership and insert one; the loser hits the UNIQUE key."""
    postgres_only(database)
    [committee, outsider] = await make_users("person", 2)
    await services.set_role(None, world.community.id, committee.id, "committee", True, now=now())
    # Inserting a membership takes a key-share lock on the user row: both inserts wait here.
    async with RowLock(User, [outsider.id]):
        tasks = [
            asyncio.create_task(
                services.set_role(
                    None,  # the operator: the only one who may enrol a non-member
                    world.community.id,
                    outsider.id,
                    "volunteer",
                    True,
                    now=now(),
                )
            )
            for _ in range(2)
        ]
        await wait_for_lock_waiters(2)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert outcomes(results) == {"ok": 2}
    assert await Membership.filter(user_id=outsider.id, is_volunteer=True).count() == 1
