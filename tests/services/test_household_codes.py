"""Issuing and revoking household codes: the plain code leaves only on the printed slip."""

from __future__ import annotations

import json

import pytest

from participation.communities import services
from participation.communities.models import Household, HouseholdCode
from participation.core.codes import hash_code
from participation.core.errors import Conflict, Invalid, NotAllowed, NotFound
from tests.services.conftest import People
from tests.services.seed import as_actor, audit
from tests.support import HOSTILE, World, now


async def test_only_the_hash_and_a_two_character_hint_are_stored(
    world: World, people: People
) -> None:
    issued = await services.issue_household_codes(
        as_actor(people.committee), world.community.id, ["1栋101", HOSTILE], now=now()
    )
    assert [code.household for code in issued] == ["1栋101", HOSTILE]
    stored = json.dumps(
        [await HouseholdCode.all().values(), await Household.all().values()], default=str
    )
    for code in issued:
        row = await HouseholdCode.get(code_hash=hash_code(code.code))
        assert row.hint == code.code[-2:]
        assert row.created_by_id == people.committee.id
        assert row.redeemed_at is None and row.revoked_at is None
        plain = code.code.replace("-", "")
        assert code.code not in stored
        assert plain[:6] not in stored
    assert await Household.exists(community_id=world.community.id, label=HOSTILE)


async def test_audit_row_counts_codes_but_never_holds_them(world: World, people: People) -> None:
    issued = await services.issue_household_codes(
        as_actor(people.committee), world.community.id, ["1栋101"], now=now(), per_household=3
    )
    assert len({code.code for code in issued}) == 3
    entry = (await audit("communities.issue_codes"))[-1]
    assert entry.actor_id == people.committee.id
    assert entry.community_id == world.community.id
    assert entry.after == {"households": ["1栋101"], "count": 3}
    text = json.dumps([entry.before, entry.after])
    assert not any(code.code[:5] in text or code.code[-5:] in text for code in issued)


async def test_households_are_found_by_label_within_their_community(world: World) -> None:
    await services.issue_household_codes(None, world.community.id, ["3栋301"], now=now())
    await services.issue_household_codes(None, world.community.id, ["3栋301"], now=now())
    await services.issue_household_codes(None, world.other.id, ["3栋301"], now=now())
    home = await Household.get(community_id=world.community.id, label="3栋301")
    assert await HouseholdCode.filter(household_id=home.id).count() == 2
    assert await Household.filter(label="3栋301").count() == 2


async def test_a_batch_holds_one_to_500_codes(world: World) -> None:
    issued = await services.issue_household_codes(
        None, world.community.id, ["4栋401", "4栋402"], now=now(), per_household=250
    )
    assert len(issued) == services.MAX_CODES_PER_BATCH == 500
    before = await HouseholdCode.all().count()
    for labels, per_household in [
        ([], 1),
        ([f"a{i}" for i in range(501)], 1),
        (["a", "b", "c"], 167),
        (["a"], 0),
    ]:
        with pytest.raises(Invalid) as caught:
            await services.issue_household_codes(
                None, world.community.id, labels, now=now(), per_household=per_household
            )
        assert caught.value.field == "labels"
    with pytest.raises(NotFound):
        await services.issue_household_codes(None, 999_999, ["a"], now=now())
    assert await HouseholdCode.all().count() == before
    assert not await Household.exists(label="a")


async def test_only_this_communitys_committee_or_an_admin_may_issue_codes(
    world: World, people: People
) -> None:
    before = (await HouseholdCode.all().count(), len(await audit()))
    for who in (people.resident, people.newcomer, people.outsider, people.other_committee):
        with pytest.raises(NotAllowed):
            await services.issue_household_codes(
                as_actor(who), world.community.id, ["5栋501"], now=now()
            )
    assert (await HouseholdCode.all().count(), len(await audit())) == before
    assert not await Household.exists(label="5栋501")
    assert await services.issue_household_codes(
        as_actor(people.admin), world.community.id, ["5栋501"], now=now()
    )


async def test_issuing_checks_labels_itself(world: World) -> None:
    with pytest.raises(Invalid):
        await services.issue_household_codes(None, world.community.id, ["长" * 81], now=now())


# Revoking


async def test_committee_revokes_an_unused_code_with_an_audit_row(
    world: World, people: People
) -> None:
    [issued] = await services.issue_household_codes(None, world.community.id, ["1栋101"], now=now())
    row = await HouseholdCode.get(code_hash=hash_code(issued.code))
    await services.revoke_household_code(
        as_actor(people.committee), world.community.id, row.id, now=now()
    )
    await row.refresh_from_db()
    assert row.revoked_at is not None and row.redeemed_at is None
    entry = (await audit("communities.revoke_code"))[-1]
    assert entry.target == f"household_code:{row.id}"
    assert (entry.before, entry.after) == ({"state": "unused"}, {"state": "revoked"})
    assert entry.actor_id == people.committee.id


async def test_revoking_twice_or_after_use_is_a_conflict(world: World, people: People) -> None:
    first, second = await services.issue_household_codes(
        None, world.community.id, ["1栋101"], now=now(), per_household=2
    )
    revoked = await HouseholdCode.get(code_hash=hash_code(first.code))
    committee = as_actor(people.committee)
    await services.revoke_household_code(committee, world.community.id, revoked.id, now=now())
    await services.redeem_household_code(
        as_actor(people.newcomer), world.community.id, second.code, now=now()
    )
    used = await HouseholdCode.get(code_hash=hash_code(second.code))
    for code_id in (revoked.id, used.id):
        with pytest.raises(Conflict):
            await services.revoke_household_code(committee, world.community.id, code_id, now=now())
    await used.refresh_from_db()
    assert used.revoked_at is None
    assert len(await audit("communities.revoke_code")) == 1


async def test_only_this_communitys_committee_may_revoke_its_codes(
    world: World, people: People
) -> None:
    [ours] = await services.issue_household_codes(None, world.community.id, ["1栋101"], now=now())
    [theirs] = await services.issue_household_codes(None, world.other.id, ["1栋101"], now=now())
    our_row = await HouseholdCode.get(code_hash=hash_code(ours.code))
    their_row = await HouseholdCode.get(code_hash=hash_code(theirs.code))
    for who in (people.resident, people.newcomer, people.other_committee):
        with pytest.raises(NotAllowed):
            await services.revoke_household_code(
                as_actor(who), world.community.id, our_row.id, now=now()
            )
    # Another community's code, or none at all, looks the same from here.
    for code_id in (their_row.id, 999_999):
        with pytest.raises(NotFound):
            await services.revoke_household_code(
                as_actor(people.committee), world.community.id, code_id, now=now()
            )
    assert await HouseholdCode.filter(revoked_at__isnull=False).count() == 0
    assert await audit("communities.revoke_code") == []
