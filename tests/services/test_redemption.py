"""Redeeming a household code: single use, this community only, rate-limited, capped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from participation.communities import services
from participation.communities.models import Community, HouseholdCode, Membership
from participation.core.codes import hash_code
from participation.core.errors import Invalid, NotAllowed, RateLimited
from participation.core.permissions import Actor
from tests.services.conftest import People
from tests.services.seed import (
    as_actor,
    audit,
    household,
    make_users,
    membership,
    set_household_cap,
)
from tests.support import World, now


async def issue(community: Community, label: str = "1栋101", count: int = 1) -> list[str]:
    issued = await services.issue_household_codes(
        None, community.id, [label], now=now(), per_household=count
    )
    return [code.code for code in issued]


async def redeem(community: Community, user_id: int, code: str) -> Membership:
    return await services.redeem_household_code(
        Actor(user_id=user_id), community.id, code, now=now()
    )


async def test_redeeming_verifies_the_member_for_the_household(
    world: World, people: People
) -> None:
    [code] = await issue(world.community)
    at = now()
    result = await services.redeem_household_code(
        as_actor(people.newcomer), world.community.id, code, now=at
    )
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.id == result.id
    assert stored.verified_at == at
    home = await household(world.community, "1栋101")
    assert stored.household_id == home.id
    assert home.verified_count == 1
    row = await HouseholdCode.get(code_hash=hash_code(code))
    assert row.redeemed_by_id == people.newcomer.id
    assert row.redeemed_at == at
    entry = (await audit("communities.redeem_code"))[-1]
    assert entry.actor_id == people.newcomer.id
    assert entry.target == f"household_code:{row.id}"
    assert entry.after == {"household": "1栋101"}


async def test_non_member_typing_the_code_loosely_is_joined_and_verified(
    world: World, people: People
) -> None:
    [code] = await issue(world.community)
    await redeem(world.community, people.outsider.id, f"  {code.replace('-', ' ').lower()} ")
    stored = await membership(world.community, people.outsider)
    assert stored is not None and stored.verified_at is not None


async def test_second_redemption_of_a_code_is_refused(world: World, people: People) -> None:
    [code] = await issue(world.community)
    await redeem(world.community, people.newcomer.id, code)
    with pytest.raises(Invalid, match="already been used") as caught:
        await redeem(world.community, people.outsider.id, code)
    assert caught.value.field == "code"
    stored = await membership(world.community, people.outsider)
    assert stored is not None and stored.verified_at is None
    row = await HouseholdCode.get(code_hash=hash_code(code))
    assert row.redeemed_by_id == people.newcomer.id
    assert (await household(world.community, "1栋101")).verified_count == 1
    assert len(await audit("communities.redeem_code")) == 2  # the resident's, and this one


async def test_verified_disabled_and_anonymous_actors_cannot_redeem(
    world: World, people: People
) -> None:
    [code] = await issue(world.community, "2栋201")
    for actor in (
        as_actor(people.resident),
        Actor(user_id=people.newcomer.id, disabled=True),
        Actor(user_id=None),
    ):
        with pytest.raises(NotAllowed):
            await services.redeem_household_code(actor, world.community.id, code, now=now())
    assert (await HouseholdCode.get(code_hash=hash_code(code))).redeemed_at is None


async def test_revoked_foreign_malformed_and_unknown_codes_are_refused_alike(
    world: World, people: People
) -> None:
    [revoked] = await issue(world.community)
    row = await HouseholdCode.get(code_hash=hash_code(revoked))
    await services.revoke_household_code(
        as_actor(people.committee), world.community.id, row.id, now=now()
    )
    [foreign] = await issue(world.other)
    # Five attempts: the most the rate limit allows in one window.
    for typed in (revoked, foreign, "K7M2Q-9XH4", "<script>alert(1)</script>", "ABCDE-FGHJK"):
        with pytest.raises(Invalid, match="not valid") as caught:
            await redeem(world.community, people.newcomer.id, typed)
        assert caught.value.field == "code"
    assert await HouseholdCode.filter(redeemed_at__isnull=False).count() == 1  # the resident's
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.verified_at is None


async def test_community_without_household_codes_refuses_them(world: World, people: People) -> None:
    [code] = await issue(world.community)
    await Community.filter(id=world.community.id).update(verify_by_code=False)
    with pytest.raises(Invalid, match="does not use household codes"):
        await redeem(world.community, people.newcomer.id, code)
    assert (await HouseholdCode.get(code_hash=hash_code(code))).redeemed_at is None


async def test_sixth_attempt_in_the_window_is_rate_limited(world: World, people: People) -> None:
    [code] = await issue(world.community)
    # At the start of a fixed window: from now(), the six attempts could straddle two windows.
    window = services.REDEEM_WINDOW_SECONDS
    start = datetime.fromtimestamp(int(now().timestamp()) // window * window, UTC)
    for attempt in range(services.REDEEM_LIMIT):
        with pytest.raises(Invalid):
            await services.redeem_household_code(
                as_actor(people.newcomer),
                world.community.id,
                f"WRONG-CODE{attempt}",
                now=start + timedelta(seconds=attempt),
            )
    with pytest.raises(RateLimited) as caught:
        await services.redeem_household_code(
            as_actor(people.newcomer), world.community.id, code, now=start + timedelta(seconds=6)
        )
    assert 0 < caught.value.retry_after <= services.REDEEM_WINDOW_SECONDS
    assert (await HouseholdCode.get(code_hash=hash_code(code))).redeemed_at is None
    # The next window starts afresh.
    later = start + timedelta(seconds=services.REDEEM_WINDOW_SECONDS + 1)
    await services.redeem_household_code(
        as_actor(people.newcomer), world.community.id, code, now=later
    )
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.verified_at is not None


async def test_one_users_failed_attempts_do_not_limit_another(world: World, people: People) -> None:
    [code] = await issue(world.community)
    for _ in range(services.REDEEM_LIMIT + 1):
        with pytest.raises((Invalid, RateLimited)):
            await redeem(world.community, people.outsider.id, "WRONG-WRONG")
    with pytest.raises(RateLimited):
        await redeem(world.community, people.outsider.id, code)
    await redeem(world.community, people.newcomer.id, code)


async def test_household_cap_refuses_the_third_member_and_writes_nothing(
    world: World,
) -> None:
    await set_household_cap(world.community, 2)
    codes = await issue(world.community, "6栋601", count=3)
    first, second, third = await make_users("family", 3)
    await redeem(world.community, first.id, codes[0])
    await redeem(world.community, second.id, codes[1])
    audited = len(await audit())
    with pytest.raises(Invalid, match="already has 2 verified members") as caught:
        await redeem(world.community, third.id, codes[2])
    assert caught.value.params == {"cap": 2}
    stored = await membership(world.community, third)
    assert stored is not None
    assert stored.verified_at is None and stored.household_id is None
    assert (await household(world.community, "6栋601")).verified_count == 2
    row = await HouseholdCode.get(code_hash=hash_code(codes[2]))
    assert row.redeemed_at is None and row.redeemed_by_id is None
    assert len(await audit()) == audited


async def test_redemption_supersedes_a_pending_verification_request(
    world: World, people: People
) -> None:
    request = await services.request_verification(
        as_actor(people.newcomer),
        world.community.id,
        household_label="1栋101",
        note="",
        now=now(),
    )
    [code] = await issue(world.community)
    await redeem(world.community, people.newcomer.id, code)
    await request.refresh_from_db()
    assert request.status == "superseded"
