"""Volunteer teams: verified residents found and join them (at once, or on the leaders' say),
leave them, and pass the lead; a team always keeps a leader. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from participation.accounts.models import User
from participation.core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from participation.notifications.models import Notification
from participation.plots import queries, teams
from participation.plots.models import Team, TeamMember
from participation.plots.teams import TeamInput
from tests.services.conftest import People
from tests.services.seed import as_actor, audit
from tests.support import HOSTILE, World, make_neighbours, now


def outcomes(results: Sequence[Any]) -> Counter[str]:
    """'ok' or the error's class name; anything but a domain error fails the test."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return Counter(type(r).__name__ if isinstance(r, BaseException) else "ok" for r in results)


async def neighbours(world: World, prefix: str, count: int) -> list[User]:
    """Verified residents of ``world.community``, each in a household of their own."""
    names = [f"{prefix}{i}" for i in range(count)]
    return await make_neighbours(
        world.community.id, names, [f"{prefix}-{i}栋" for i in range(count)]
    )


async def found(world: World, leader: User, name: str = "花友队", policy: str = "open") -> Team:
    return await teams.found_team(
        as_actor(leader), world.community.id, TeamInput(name=name, join_policy=policy), now=now()
    )


async def place(user: User, team: Team) -> tuple[bool, bool, bool]:
    """(in the team, leads it, asks to join it), as the team's rules see it."""
    subject = await queries.team_subject(await Team.get(id=team.id))
    return (
        user.id in subject.member_ids,
        user.id in subject.leader_ids,
        user.id in subject.asking_ids,
    )


async def count_of(team: Team) -> int:
    return (await Team.get(id=team.id)).member_count


async def roles(team: Team) -> dict[int, tuple[str, str]]:
    return {row.user_id: (row.role, row.status) for row in await TeamMember.filter(team_id=team.id)}


async def notices(user: User, kind: str | None = None) -> list[Notification]:
    query = Notification.filter(user_id=user.id).order_by("id")
    if kind is not None:
        query = query.filter(kind=kind)
    return await query


# --- founding ------------------------------------------------------------------------------------


async def test_a_verified_resident_founds_a_team_and_leads_it(world: World, people: People) -> None:
    team = await teams.found_team(
        as_actor(people.resident),
        world.community.id,
        TeamInput(name=" 玉林 花友队 ", description="每周六浇水", join_policy="request"),
        now=now(),
    )
    stored = await Team.get(id=team.id)
    assert (stored.name, stored.description, stored.join_policy) == (
        "玉林 花友队",
        "每周六浇水",
        "request",
    )
    assert stored.member_count == 1
    assert await roles(team) == {people.resident.id: ("leader", "active")}
    assert await place(people.resident, team) == (True, True, False)


@pytest.mark.parametrize("who", ["newcomer", "outsider", "other_committee", "committee"])
async def test_only_verified_residents_found_teams(world: World, people: People, who: str) -> None:
    with pytest.raises(NotAllowed):
        await found(world, getattr(people, who))
    assert await Team.all().count() == 0
    assert await TeamMember.all().count() == 0


async def test_a_team_name_is_unique_in_its_community(world: World, people: People) -> None:
    [other] = await neighbours(world, "邻居", 1)
    await found(world, people.resident, "花友队")
    with pytest.raises(Invalid) as caught:
        await found(world, other, "  花友队")
    assert caught.value.field == "name"
    assert await Team.all().count() == 1
    assert await TeamMember.filter(user_id=other.id).count() == 0


async def test_a_team_needs_a_name_and_a_known_join_policy(world: World, people: People) -> None:
    for data, field in (
        (TeamInput(name="  "), "name"),
        (TeamInput(name="x" * 61), "name"),
        (TeamInput(name="花友队", join_policy="invite"), "join_policy"),
        (TeamInput(name="花友队", description="x" * 2001), "description"),
    ):
        with pytest.raises(Invalid) as caught:
            await teams.found_team(as_actor(people.resident), world.community.id, data, now=now())
        assert caught.value.field == field
    assert await Team.all().count() == 0


async def test_team_text_is_stored_as_typed(world: World, people: People) -> None:
    team = await teams.found_team(
        as_actor(people.resident),
        world.community.id,
        TeamInput(name=HOSTILE[:60], description=HOSTILE),
        now=now(),
    )
    stored = await Team.get(id=team.id)
    assert (stored.name, stored.description) == (HOSTILE[:60], HOSTILE)


async def test_the_leader_edits_the_team_and_a_member_may_not(world: World, people: People) -> None:
    [member] = await neighbours(world, "队员", 1)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    await teams.edit_team(
        as_actor(people.resident),
        world.community.id,
        team.id,
        TeamInput(name="新名字", join_policy="request"),
        now=now(),
    )
    with pytest.raises(NotAllowed):
        await teams.edit_team(
            as_actor(member), world.community.id, team.id, TeamInput(name="队员改的"), now=now()
        )
    stored = await Team.get(id=team.id)
    assert (stored.name, stored.join_policy) == ("新名字", "request")


# --- joining -------------------------------------------------------------------------------------


async def test_joining_an_open_team_is_immediate(world: World, people: People) -> None:
    [member] = await neighbours(world, "队员", 1)
    team = await found(world, people.resident)
    status = await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    assert status == "active"
    assert await count_of(team) == 2
    assert (await roles(team))[member.id] == ("member", "active")
    assert await place(member, team) == (True, False, False)
    assert await notices(people.resident) == []


@pytest.mark.parametrize("who", ["newcomer", "outsider", "other_committee"])
async def test_only_verified_residents_join_teams(world: World, people: People, who: str) -> None:
    team = await found(world, people.resident)
    with pytest.raises(NotAllowed):
        await teams.join_team(
            as_actor(getattr(people, who)), world.community.id, team.id, now=now()
        )
    assert await count_of(team) == 1
    assert await TeamMember.filter(team_id=team.id).count() == 1


async def test_another_communitys_team_is_not_found(world: World, people: People) -> None:
    [foreign_leader] = await make_neighbours(world.other.id, ["外队长"], ["外1栋"])
    foreign = await teams.found_team(
        as_actor(foreign_leader), world.other.id, TeamInput(name="外队"), now=now()
    )
    with pytest.raises(NotFound):
        await teams.join_team(as_actor(people.resident), world.community.id, foreign.id, now=now())
    with pytest.raises(NotFound):
        await teams.edit_team(
            as_actor(people.committee), world.community.id, foreign.id, TeamInput("改"), now=now()
        )
    assert await count_of(foreign) == 1


async def test_asking_to_join_a_deciding_team_notifies_its_leaders(
    world: World, people: People
) -> None:
    co_leader, asker = await neighbours(world, "人", 2)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(co_leader), world.community.id, team.id, now=now())
    await teams.set_leader(
        as_actor(people.resident), world.community.id, team.id, co_leader.id, True, now=now()
    )
    await teams.edit_team(
        as_actor(co_leader),
        world.community.id,
        team.id,
        TeamInput(name="花友队", join_policy="request"),
        now=now(),
    )
    count = await count_of(team)
    status = await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    assert status == "pending"
    assert await count_of(team) == count
    assert (await roles(team))[asker.id] == ("member", "pending")
    assert await place(asker, team) == (False, False, True)
    for leader in (people.resident, co_leader):
        [notice] = await notices(leader, "teams.join_request")
        assert notice.payload == {"team_id": team.id, "team": "花友队"}
    assert await notices(asker) == []


async def test_a_leader_accepts_a_request_to_join(world: World, people: People) -> None:
    [asker] = await neighbours(world, "人", 1)
    team = await found(world, people.resident, policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    await teams.decide_join(
        as_actor(people.resident), world.community.id, team.id, asker.id, True, now=now()
    )
    assert (await roles(team))[asker.id] == ("member", "active")
    assert await count_of(team) == 2
    assert [n.kind for n in await notices(asker)] == ["teams.joined"]
    with pytest.raises(Conflict):  # decided already
        await teams.decide_join(
            as_actor(people.resident), world.community.id, team.id, asker.id, True, now=now()
        )
    assert await count_of(team) == 2


async def test_a_leader_declines_a_request_to_join(world: World, people: People) -> None:
    [asker] = await neighbours(world, "人", 1)
    team = await found(world, people.resident, policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    await teams.decide_join(
        as_actor(people.resident), world.community.id, team.id, asker.id, False, now=now()
    )
    assert asker.id not in await roles(team)
    assert await count_of(team) == 1
    assert [n.kind for n in await notices(asker)] == ["teams.join_declined"]
    # declined, they may ask again
    again = await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    assert again == "pending"


async def test_only_leaders_decide_who_joins(world: World, people: People) -> None:
    member, asker = await neighbours(world, "人", 2)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    await teams.edit_team(
        as_actor(people.resident),
        world.community.id,
        team.id,
        TeamInput(name="花友队", join_policy="request"),
        now=now(),
    )
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    for who in (member, asker, people.outsider, people.other_committee, people.committee):
        with pytest.raises(NotAllowed):
            await teams.decide_join(
                as_actor(who), world.community.id, team.id, asker.id, True, now=now()
            )
    assert (await roles(team))[asker.id] == ("member", "pending")
    # A team that lost its leader gets a new one from the committee, who then decides.
    await teams.set_leader(
        as_actor(people.committee), world.community.id, team.id, member.id, True, now=now()
    )
    await teams.decide_join(
        as_actor(member), world.community.id, team.id, asker.id, True, now=now()
    )
    assert (await roles(team))[asker.id] == ("member", "active")


async def test_joining_twice_is_one_membership(world: World, people: People) -> None:
    [member] = await neighbours(world, "人", 1)
    team = await found(world, people.resident)
    for _ in range(2):
        assert (
            await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
            == "active"
        )
    assert await TeamMember.filter(team_id=team.id, user_id=member.id).count() == 1
    assert await count_of(team) == 2
    # the leader joining their own team changes nothing
    assert (
        await teams.join_team(as_actor(people.resident), world.community.id, team.id, now=now())
        == "active"
    )
    assert (await roles(team))[people.resident.id] == ("leader", "active")
    assert await count_of(team) == 2


async def test_asking_twice_is_one_request_and_one_notice(world: World, people: People) -> None:
    [asker] = await neighbours(world, "人", 1)
    team = await found(world, people.resident, policy="request")
    for _ in range(2):
        assert (
            await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
            == "pending"
        )
    assert await TeamMember.filter(team_id=team.id, user_id=asker.id).count() == 1
    assert len(await notices(people.resident, "teams.join_request")) == 1


async def test_ten_parallel_joins_make_one_membership(world: World, people: People) -> None:
    [member] = await neighbours(world, "人", 1)
    team = await found(world, people.resident)
    results = await asyncio.gather(
        *(
            teams.join_team(as_actor(member), world.community.id, team.id, now=now())
            for _ in range(10)
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 10}
    assert set(results) == {"active"}
    assert await TeamMember.filter(team_id=team.id, user_id=member.id).count() == 1
    assert await count_of(team) == 2


async def test_twenty_neighbours_joining_in_parallel_are_all_counted(
    world: World, people: People
) -> None:
    joiners = await neighbours(world, "人", 20)
    team = await found(world, people.resident)
    results = await asyncio.gather(
        *(teams.join_team(as_actor(u), world.community.id, team.id, now=now()) for u in joiners),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 20}
    assert await TeamMember.filter(team_id=team.id, status="active").count() == 21
    assert await count_of(team) == 21


async def test_a_resident_may_be_in_several_teams(world: World, people: People) -> None:
    other_leader, third_leader = await neighbours(world, "队长", 2)
    mine = await found(world, people.resident, "花友队")
    theirs = await found(world, other_leader, "绿手指")
    third = await found(world, third_leader, "护花使者")
    for team in (theirs, third):
        await teams.join_team(as_actor(people.resident), world.community.id, team.id, now=now())
    memberships = await TeamMember.filter(user_id=people.resident.id, status="active")
    assert {m.team_id for m in memberships} == {mine.id, theirs.id, third.id}
    assert [await count_of(t) for t in (mine, theirs, third)] == [1, 2, 2]
    assert await place(people.resident, mine) == (True, True, False)
    assert await place(people.resident, theirs) == (True, False, False)


# --- leaving and leading -------------------------------------------------------------------------


async def test_a_member_leaves_and_the_count_drops(world: World, people: People) -> None:
    [member] = await neighbours(world, "人", 1)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    await teams.leave_team(as_actor(member), world.community.id, team.id, now=now())
    assert member.id not in await roles(team)
    assert await count_of(team) == 1
    # leaving again changes nothing
    await teams.leave_team(as_actor(member), world.community.id, team.id, now=now())
    assert await count_of(team) == 1


async def test_withdrawing_a_request_to_join_leaves_the_count(world: World, people: People) -> None:
    [asker] = await neighbours(world, "人", 1)
    team = await found(world, people.resident, policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    await teams.leave_team(as_actor(asker), world.community.id, team.id, now=now())
    assert asker.id not in await roles(team)
    assert await count_of(team) == 1


async def test_the_last_leader_cannot_leave_while_others_remain(
    world: World, people: People
) -> None:
    [member] = await neighbours(world, "人", 1)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    with pytest.raises(Invalid):
        await teams.leave_team(as_actor(people.resident), world.community.id, team.id, now=now())
    assert (await roles(team))[people.resident.id] == ("leader", "active")
    assert await count_of(team) == 2
    # with the lead handed on, they may go
    await teams.set_leader(
        as_actor(people.resident), world.community.id, team.id, member.id, True, now=now()
    )
    await teams.leave_team(as_actor(people.resident), world.community.id, team.id, now=now())
    assert await roles(team) == {member.id: ("leader", "active")}
    assert await count_of(team) == 1


async def test_a_leader_alone_may_leave(world: World, people: People) -> None:
    team = await found(world, people.resident)
    await teams.leave_team(as_actor(people.resident), world.community.id, team.id, now=now())
    assert await roles(team) == {}
    assert await count_of(team) == 0


async def test_a_team_keeps_at_least_one_leader(world: World, people: People) -> None:
    [member] = await neighbours(world, "人", 1)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    leader = as_actor(people.resident)
    with pytest.raises(Invalid):
        await teams.set_leader(
            leader, world.community.id, team.id, people.resident.id, False, now=now()
        )
    assert (await roles(team))[people.resident.id] == ("leader", "active")

    await teams.set_leader(leader, world.community.id, team.id, member.id, True, now=now())
    await teams.set_leader(
        leader, world.community.id, team.id, people.resident.id, False, now=now()
    )
    assert await roles(team) == {
        people.resident.id: ("member", "active"),
        member.id: ("leader", "active"),
    }
    entries = await audit("teams.set_leader")
    assert [e.after for e in entries] == [
        {"user_id": member.id, "role": "leader"},
        {"user_id": people.resident.id, "role": "member"},
    ]
    # now only a member, the former leader cannot promote anyone
    with pytest.raises(NotAllowed):
        await teams.set_leader(
            leader, world.community.id, team.id, people.resident.id, True, now=now()
        )


async def test_only_active_members_can_be_made_leaders(world: World, people: People) -> None:
    [asker] = await neighbours(world, "人", 1)
    team = await found(world, people.resident, policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    for user in (asker, people.outsider):
        with pytest.raises(NotFound):
            await teams.set_leader(
                as_actor(people.resident), world.community.id, team.id, user.id, True, now=now()
            )
    assert await roles(team) == {
        people.resident.id: ("leader", "active"),
        asker.id: ("member", "pending"),
    }
    assert await audit("teams.set_leader") == []


async def test_member_ids_lists_active_members_and_leaders(world: World, people: People) -> None:
    member, asker = await neighbours(world, "人", 2)
    team = await found(world, people.resident)
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    await Team.filter(id=team.id).update(join_policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    conn = Team._meta.db
    assert sorted(await queries.member_ids(conn, team.id)) == sorted(
        [people.resident.id, member.id]
    )
    assert await queries.member_ids(conn, team.id, leaders_only=True) == [people.resident.id]
