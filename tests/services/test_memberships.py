"""Communities, joining them, and the roles the committee hands out."""

from __future__ import annotations

from typing import Any

import pytest

from participation.accounts.models import User
from participation.communities import services
from participation.communities.models import Community, Membership
from participation.core.errors import Conflict, Invalid, NotAllowed, NotFound
from participation.core.permissions import ANONYMOUS, Actor
from tests.services.conftest import People
from tests.services.seed import as_actor, audit, join, membership
from tests.support import HOSTILE, World, make_user, now

# Creating communities


async def test_admin_creates_a_community_and_an_audit_row_records_it(people: People) -> None:
    community = await services.create_community(
        as_actor(people.admin), slug="shuijingfang", name="  水井坊   社区 ", now=now()
    )
    assert community.name == "水井坊 社区"
    entry = (await audit("communities.create"))[-1]
    assert entry.actor_id == people.admin.id
    assert entry.community_id == community.id
    assert entry.after == {"slug": "shuijingfang", "name": "水井坊 社区"}


async def test_committee_member_cannot_create_a_community(people: People) -> None:
    before = len(await audit())
    with pytest.raises(NotAllowed):
        await services.create_community(
            as_actor(people.committee), slug="mine", name="Mine", now=now()
        )
    assert not await Community.exists(slug="mine")
    assert len(await audit()) == before


async def test_community_needs_a_clean_address_and_a_name(world: World) -> None:
    for slug in ["", "Yulin", "yu lin", "-yulin", "yulin-", "玉林", "a" * 65, "../x"]:
        with pytest.raises(Invalid) as caught:
            await services.create_community(None, slug=slug, name="社区", now=now())
        assert caught.value.field == "slug", slug
    with pytest.raises(Invalid) as caught:
        await services.create_community(None, slug="noname", name="   ", now=now())
    assert caught.value.field == "name"
    assert await Community.all().count() == 2
    # A hostile name is kept verbatim: escaping is the templates' job.
    hostile = await services.create_community(None, slug="a" * 64, name=HOSTILE, now=now())
    assert (await Community.get(id=hostile.id)).name == HOSTILE


async def test_second_community_with_the_same_address_is_a_conflict(world: World) -> None:
    count = await Community.all().count()
    audited = len(await audit())
    with pytest.raises(Conflict):
        await services.create_community(None, slug=world.community.slug, name="X", now=now())
    assert await Community.all().count() == count
    assert len(await audit()) == audited


# Joining


async def test_joining_makes_an_unverified_member_without_roles(world: World) -> None:
    user = await make_user("wang")
    joined = await join(world.community, user)
    assert (joined.user_id, joined.community_id) == (user.id, world.community.id)
    assert joined.verified_at is None
    assert joined.household_id is None
    assert not joined.is_volunteer
    assert not joined.is_committee


async def test_joining_twice_is_harmless(world: World) -> None:
    user = await make_user("wang")
    first = await join(world.community, user)
    second = await join(world.community, user)
    assert first.id == second.id
    assert await Membership.filter(user_id=user.id).count() == 1


async def test_joining_again_keeps_the_verification_of_that_community_only(
    world: World, people: People
) -> None:
    again = await join(world.community, people.resident)
    assert again.verified_at is not None
    assert await membership(world.other, people.resident) is None
    elsewhere = await join(world.other, people.resident)
    assert elsewhere.verified_at is None


async def test_anonymous_or_disabled_cannot_join_and_missing_community_is_not_found(
    world: World,
) -> None:
    user = await make_user("wang")
    for actor in (ANONYMOUS, Actor(user_id=user.id, disabled=True)):
        with pytest.raises(NotAllowed):
            await services.join_community(actor, world.community.id, now=now())
    with pytest.raises(NotFound):
        await services.join_community(as_actor(user), 999_999, now=now())
    assert await Membership.all().count() == 0


# Roles


async def role_audit(user: User) -> list[tuple[Any, Any, int | None]]:
    return [
        (entry.before, entry.after, entry.actor_id)
        for entry in await audit("communities.set_role")
        if entry.target == f"user:{user.id}"
    ]


async def test_committee_grants_a_role_and_one_audit_row_records_it(
    world: World, people: People
) -> None:
    updated = await services.set_role(
        as_actor(people.committee),
        world.community.id,
        people.resident.id,
        "volunteer",
        True,
        now=now(),
    )
    assert updated.is_volunteer
    stored = await membership(world.community, people.resident)
    assert stored is not None and stored.is_volunteer and not stored.is_committee
    assert await role_audit(people.resident) == [
        ({"volunteer": False}, {"volunteer": True}, people.committee.id)
    ]
    entry = (await audit("communities.set_role"))[-1]
    assert entry.community_id == world.community.id


async def test_only_real_role_changes_are_audited(world: World, people: People) -> None:
    committee = as_actor(people.committee)
    cid, uid = world.community.id, people.resident.id
    for granted in (True, True, True, False, False):
        await services.set_role(committee, cid, uid, "committee", granted, now=now())
    stored = await membership(world.community, people.resident)
    assert stored is not None and not stored.is_committee
    assert await role_audit(people.resident) == [
        ({"committee": False}, {"committee": True}, people.committee.id),
        ({"committee": True}, {"committee": False}, people.committee.id),
    ]


async def test_platform_admin_and_the_operator_may_grant_roles_anywhere(
    world: World, people: People
) -> None:
    # Only the operator at the command line enrols someone; then an admin may act anywhere.
    await services.set_role(None, world.other.id, people.resident.id, "volunteer", True, now=now())
    await services.set_role(
        as_actor(people.admin), world.other.id, people.resident.id, "committee", True, now=now()
    )
    stored = await membership(world.other, people.resident)
    assert stored is not None and stored.is_committee and stored.is_volunteer
    assert await role_audit(people.resident) == [
        ({"volunteer": False}, {"volunteer": True}, None),  # the command line
        ({"committee": False}, {"committee": True}, people.admin.id),
    ]


async def test_forbidden_role_change_raises_and_writes_nothing(
    world: World, people: People
) -> None:
    def snapshot(rows: list[Membership]) -> list[tuple[int, int, bool, bool]]:
        return [(m.user_id, m.community_id, m.is_volunteer, m.is_committee) for m in rows]

    before = snapshot(await Membership.all().order_by("id"))
    audited = len(await audit())
    disabled_committee = Actor(user_id=people.committee.id, disabled=True)
    for actor in (
        as_actor(people.resident),
        as_actor(people.newcomer),
        as_actor(people.outsider),
        as_actor(people.other_committee),
        disabled_committee,
        ANONYMOUS,
    ):
        with pytest.raises(NotAllowed):
            await services.set_role(
                actor, world.community.id, people.newcomer.id, "committee", True, now=now()
            )
        with pytest.raises(NotAllowed):
            await services.set_role(
                actor, world.community.id, people.committee.id, "committee", False, now=now()
            )
    assert snapshot(await Membership.all().order_by("id")) == before
    assert len(await audit()) == audited


async def test_unknown_role_user_or_community_changes_nothing(world: World, people: People) -> None:
    committee = as_actor(people.committee)
    with pytest.raises(Invalid) as caught:
        await services.set_role(
            committee, world.community.id, people.resident.id, "admin", True, now=now()
        )
    assert caught.value.field == "role"
    with pytest.raises(NotFound):
        await services.set_role(
            committee, world.community.id, 999_999, "volunteer", True, now=now()
        )
    with pytest.raises(NotFound):
        await services.set_role(None, 999_999, people.resident.id, "volunteer", True, now=now())
    assert await role_audit(people.resident) == []


async def test_the_committee_cannot_enrol_a_stranger_but_the_operator_can(
    world: World, people: People
) -> None:
    with pytest.raises(NotFound):
        await services.set_role(
            as_actor(people.committee),
            world.community.id,
            people.outsider.id,
            "volunteer",
            True,
            now=now(),
        )
    assert await membership(world.community, people.outsider) is None
    await services.set_role(
        None, world.community.id, people.outsider.id, "volunteer", True, now=now()
    )
    stored = await membership(world.community, people.outsider)
    assert stored is not None and stored.is_volunteer and stored.verified_at is None


async def test_withdrawing_a_role_from_a_non_member_writes_nothing(
    world: World, people: People
) -> None:
    audited = len(await audit())
    with pytest.raises(NotFound):
        await services.set_role(
            as_actor(people.committee),
            world.community.id,
            people.outsider.id,
            "committee",
            False,
            now=now(),
        )
    assert await membership(world.community, people.outsider) is None
    assert len(await audit()) == audited
