"""Adoption: a team leader asks for a plot, the committee approves or declines (or the community
approves at once), later teams wait in line; terms are renewed, plots released and handed over.
One active adoption and one pending request per plot, also under parallel requests.
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

import pytest

from participation.accounts.models import User
from participation.communities.models import Community
from participation.core.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from participation.notifications.models import Notification
from participation.plots import adoption, jobs, services, teams
from participation.plots.models import Adoption, Plot, Team
from participation.plots.plot_input import PlotInput
from participation.plots.rules import adoption_end
from participation.plots.teams import TeamInput
from tests.services.conftest import People
from tests.services.seed import as_actor, audit
from tests.support import World, make_neighbours, now


def outcomes(results: Sequence[Any]) -> Counter[str]:
    """'ok' or the error's class name; anything but a domain error fails the test."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return Counter(type(r).__name__ if isinstance(r, BaseException) else "ok" for r in results)


def moment() -> datetime:
    return now().replace(microsecond=0)


async def neighbours(world: World, prefix: str, count: int) -> list[User]:
    names = [f"{prefix}{i}" for i in range(count)]
    return await make_neighbours(
        world.community.id, names, [f"{prefix}-{i}栋" for i in range(count)]
    )


async def new_plot(world: World, people: People, name: str = "1号花坛") -> Plot:
    return await services.create_plot(
        as_actor(people.committee), world.community.id, PlotInput(name, "flowerbed"), now=now()
    )


async def found(world: World, leader: User, name: str) -> Team:
    return await teams.found_team(
        as_actor(leader), world.community.id, TeamInput(name=name), now=now()
    )


async def join(world: World, team: Team, user: User) -> None:
    await teams.join_team(as_actor(user), world.community.id, team.id, now=now())


async def ask(
    world: World, leader: User, plot: Plot, team: Team, term: int = 6, at: datetime | None = None
) -> Adoption:
    return await adoption.request_adoption(
        as_actor(leader), world.community.id, plot.id, team.id, term, now=at or now()
    )


async def approve(
    world: World, people: People, request: Adoption, at: datetime | None = None
) -> Adoption:
    return await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, True, "", now=at or now()
    )


async def status_of(plot: Plot) -> str:
    return (await Plot.get(id=plot.id)).status


async def current(row: Adoption) -> Adoption:
    return await Adoption.get(id=row.id)


async def kinds(user: User) -> list[str]:
    return [n.kind for n in await Notification.filter(user_id=user.id).order_by("id")]


async def auto_approve(world: World) -> None:
    await Community.filter(id=world.community.id).update(auto_approve_adoptions=True)


class Scene:
    """One plot, two teams: 花友队 led by the resident (with a member), 绿手指 led by another."""

    def __init__(
        self, plot: Plot, team: Team, leader: User, member: User, rival: Team, rival_leader: User
    ) -> None:
        self.plot, self.team, self.leader, self.member = plot, team, leader, member
        self.rival, self.rival_leader = rival, rival_leader


@pytest.fixture
async def scene(world: World, people: People) -> Scene:
    member, rival_leader = await neighbours(world, "人", 2)
    plot = await new_plot(world, people)
    team = await found(world, people.resident, "花友队")
    await join(world, team, member)
    rival = await found(world, rival_leader, "绿手指")
    return Scene(plot, team, people.resident, member, rival, rival_leader)


# --- requesting ----------------------------------------------------------------------------------


async def test_a_leaders_request_waits_for_the_committee(
    world: World, people: People, scene: Scene
) -> None:
    at = moment()
    request = await ask(world, scene.leader, scene.plot, scene.team, 6, at)
    row = await current(request)
    assert (row.status, row.term_months, row.team_id) == ("pending", 6, scene.team.id)
    assert (row.requested_by_id, row.requested_at) == (scene.leader.id, at)
    assert (row.starts_at, row.ends_at) == (None, None)
    assert await status_of(scene.plot) == "requested"
    [notice] = await Notification.filter(user_id=people.committee.id)
    assert notice.kind == "plots.adoption_request"
    assert notice.payload == {"plot_id": scene.plot.id, "plot": "1号花坛"}
    assert await Notification.filter(user_id=people.other_committee.id).count() == 0


async def test_a_second_team_joins_the_waiting_list(
    world: World, people: People, scene: Scene
) -> None:
    await ask(world, scene.leader, scene.plot, scene.team)
    second = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    assert (await current(second)).status == "waitlisted"
    assert await status_of(scene.plot) == "requested"
    assert await kinds(people.committee) == ["plots.adoption_request"]


async def test_asking_again_returns_the_same_request(world: World, scene: Scene) -> None:
    first = await ask(world, scene.leader, scene.plot, scene.team)
    again = await ask(world, scene.leader, scene.plot, scene.team, 12)
    assert again.id == first.id
    assert await Adoption.filter(team_id=scene.team.id).count() == 1
    assert (await current(first)).term_months == 6


async def test_only_a_teams_leader_asks_for_a_plot(
    world: World, people: People, scene: Scene
) -> None:
    for who in (scene.member, scene.rival_leader, people.newcomer, people.outsider):
        with pytest.raises(NotAllowed):
            await ask(world, who, scene.plot, scene.team)
    assert await Adoption.all().count() == 0
    assert await status_of(scene.plot) == "available"


async def test_a_request_needs_an_offered_term_and_an_open_plot(
    world: World, people: People, scene: Scene
) -> None:
    with pytest.raises(Invalid):
        await ask(world, scene.leader, scene.plot, scene.team, 4)
    for closed in ("resting", "retired"):
        await services.set_plot_status(
            as_actor(people.committee), world.community.id, scene.plot.id, closed, now=now()
        )
        with pytest.raises(Invalid):
            await ask(world, scene.leader, scene.plot, scene.team)
    assert await Adoption.all().count() == 0


async def test_another_communitys_plot_cannot_be_asked_for(
    world: World, people: People, scene: Scene
) -> None:
    foreign = await services.create_plot(
        as_actor(people.other_committee), world.other.id, PlotInput("外花坛", "other"), now=now()
    )
    with pytest.raises(NotFound):
        await ask(world, scene.leader, foreign, scene.team)
    assert await Adoption.all().count() == 0


async def test_with_auto_approval_the_first_request_adopts_at_once(
    world: World, people: People, scene: Scene
) -> None:
    await auto_approve(world)
    at = moment()
    first = await ask(world, scene.leader, scene.plot, scene.team, 3, at)
    second = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    row = await current(first)
    assert (row.status, row.starts_at, row.ends_at) == ("active", at, adoption_end(at, 3))
    assert (await current(second)).status == "waitlisted"
    assert await status_of(scene.plot) == "adopted"
    assert await kinds(people.committee) == []


# --- deciding ------------------------------------------------------------------------------------


async def test_approval_starts_the_term_and_adopts_the_plot(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team, 6)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    at = moment()
    approved = await approve(world, people, request, at)
    assert (approved.status, approved.starts_at, approved.ends_at) == (
        "active",
        at,
        adoption_end(at, 6),
    )
    assert (approved.decided_by_id, approved.decided_at) == (people.committee.id, at)
    assert await status_of(scene.plot) == "adopted"
    assert (await current(waiting)).status == "waitlisted"
    for user in (scene.leader, scene.member):
        assert await kinds(user) == ["plots.adoption_approved"]
    assert "plots.adoption_approved" not in await kinds(scene.rival_leader)
    [entry] = await audit("plots.approve_adoption")
    assert entry.target == f"adoption:{request.id}"
    assert entry.after == {"plot_id": scene.plot.id, "team_id": scene.team.id, "reason": ""}


async def test_declining_needs_a_reason(world: World, people: People, scene: Scene) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    with pytest.raises(Invalid) as caught:
        await adoption.decide_adoption(
            as_actor(people.committee), world.community.id, request.id, False, "  ", now=now()
        )
    assert caught.value.field == "reason"
    assert (await current(request)).status == "pending"

    await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, False, "已有规划", now=now()
    )
    row = await current(request)
    assert (row.status, row.reason, row.decided_by_id) == (
        "declined",
        "已有规划",
        people.committee.id,
    )
    assert await status_of(scene.plot) == "available"
    assert await kinds(scene.member) == ["plots.adoption_declined"]
    [entry] = await audit("plots.decline_adoption")
    assert entry.after is not None and entry.after["reason"] == "已有规划"


async def test_declining_moves_the_next_team_up(world: World, people: People, scene: Scene) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, False, "不合适", now=now()
    )
    assert (await current(waiting)).status == "pending"
    assert await status_of(scene.plot) == "requested"
    assert await kinds(people.committee) == ["plots.adoption_request"] * 2


@pytest.mark.parametrize("who", ["resident", "newcomer", "outsider", "other_committee"])
async def test_only_the_committee_decides(
    world: World, people: People, scene: Scene, who: str
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    with pytest.raises(NotAllowed):
        await adoption.decide_adoption(
            as_actor(getattr(people, who)), world.community.id, request.id, True, "", now=now()
        )
    assert (await current(request)).status == "pending"
    assert await status_of(scene.plot) == "requested"


async def test_approving_while_another_team_holds_the_plot_is_refused(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await approve(world, people, request)
    with pytest.raises(Invalid):
        await approve(world, people, waiting)
    assert (await current(waiting)).status == "waitlisted"
    assert await Adoption.filter(plot_id=scene.plot.id, status="active").count() == 1
    assert len(await audit("plots.approve_adoption")) == 1


async def test_deciding_twice_is_a_conflict(world: World, people: People, scene: Scene) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, False, "不合适", now=now()
    )
    with pytest.raises(Conflict):
        await approve(world, people, request)
    assert (await current(request)).status == "declined"


async def test_approving_a_waiting_team_puts_the_pending_one_in_line(
    world: World, people: People, scene: Scene
) -> None:
    pending = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await approve(world, people, waiting)
    assert (await current(waiting)).status == "active"
    assert (await current(pending)).status == "waitlisted"
    assert await status_of(scene.plot) == "adopted"


async def test_parallel_approvals_of_two_requests_adopt_once(
    world: World, people: People, scene: Scene
) -> None:
    pending = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    results = await asyncio.gather(
        approve(world, people, pending), approve(world, people, waiting), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 1, "Invalid": 1}
    assert await Adoption.filter(plot_id=scene.plot.id, status="active").count() == 1
    assert await Adoption.filter(plot_id=scene.plot.id, status="waitlisted").count() == 1
    assert await status_of(scene.plot) == "adopted"


# --- withdrawing and releasing -------------------------------------------------------------------


async def test_withdrawing_a_pending_request_moves_the_next_team_up(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    with pytest.raises(NotAllowed):
        await adoption.withdraw_request(
            as_actor(scene.member), world.community.id, request.id, now=now()
        )
    await adoption.withdraw_request(
        as_actor(scene.leader), world.community.id, request.id, now=now()
    )
    assert (await current(request)).status == "withdrawn"
    assert (await current(waiting)).status == "pending"
    assert await status_of(scene.plot) == "requested"
    await adoption.withdraw_request(
        as_actor(scene.rival_leader), world.community.id, waiting.id, now=now()
    )
    assert await status_of(scene.plot) == "available"
    with pytest.raises(Conflict):
        await adoption.withdraw_request(
            as_actor(scene.rival_leader), world.community.id, waiting.id, now=now()
        )


async def test_an_adoption_cannot_be_withdrawn(world: World, people: People, scene: Scene) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    with pytest.raises(Conflict):
        await adoption.withdraw_request(
            as_actor(scene.leader), world.community.id, request.id, now=now()
        )
    assert (await current(request)).status == "active"


async def test_releasing_passes_the_plot_to_the_next_team_in_line(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await approve(world, people, request)
    at = moment()
    await adoption.release(as_actor(scene.leader), world.community.id, request.id, "", now=at)
    ended = await current(request)
    assert (ended.status, ended.end_reason, ended.ended_at) == ("ended", "released", at)
    assert (await current(waiting)).status == "pending"
    assert await status_of(scene.plot) == "requested"
    assert await kinds(people.committee) == ["plots.adoption_request"] * 2
    assert "plots.released" not in await kinds(scene.member)  # the team released it itself
    assert len(await audit("plots.release")) == 1


async def test_a_released_plot_with_nobody_waiting_is_available(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    await adoption.release(as_actor(scene.leader), world.community.id, request.id, "", now=now())
    assert await status_of(scene.plot) == "available"
    assert await Adoption.filter(status__in=["active", "pending", "waitlisted"]).count() == 0


async def test_the_committee_takes_a_plot_back_with_a_reason(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    committee = as_actor(people.committee)
    with pytest.raises(Invalid):
        await adoption.release(committee, world.community.id, request.id, "", now=now())
    assert (await current(request)).status == "active"
    await adoption.release(committee, world.community.id, request.id, "一个月没人浇水", now=now())
    row = await current(request)
    assert (row.status, row.reason) == ("ended", "一个月没人浇水")
    for user in (scene.leader, scene.member):
        assert (await kinds(user))[-1] == "plots.released"


async def test_only_the_teams_leader_or_the_committee_releases(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    for who in (scene.member, scene.rival_leader, people.outsider, people.other_committee):
        with pytest.raises(NotAllowed):
            await adoption.release(as_actor(who), world.community.id, request.id, "走了", now=now())
    assert (await current(request)).status == "active"
    assert await audit("plots.release") == []


async def test_setting_a_requested_plot_available_keeps_its_request_in_view(
    world: World, people: People, scene: Scene
) -> None:
    """The status form offers available, resting and retired; a plot waiting for the
    committee's decision must not be shown as free."""
    request = await ask(world, scene.leader, scene.plot, scene.team)
    with suppress(Invalid):  # refusing is as good as keeping the status
        await services.set_plot_status(
            as_actor(people.committee), world.community.id, scene.plot.id, "available", now=now()
        )
    assert (await current(request)).status == "pending"
    assert await status_of(scene.plot) == "requested"


async def test_a_plot_reopened_after_resting_offers_itself_to_the_team_in_line(
    world: World, people: People, scene: Scene
) -> None:
    committee = as_actor(people.committee)
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await services.set_plot_status(
        committee, world.community.id, scene.plot.id, "resting", now=now()
    )
    await adoption.withdraw_request(
        as_actor(scene.leader), world.community.id, request.id, now=now()
    )
    assert (await current(waiting)).status == "waitlisted"  # a resting plot moves nobody up
    await services.set_plot_status(
        committee, world.community.id, scene.plot.id, "available", now=now()
    )
    assert (await current(waiting)).status == "pending"
    assert await status_of(scene.plot) == "requested"


# --- renewing, handing over ----------------------------------------------------------------------


async def test_renewal_counts_from_the_end_of_the_current_term(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team, 3)
    approved = await approve(world, people, request, moment())
    assert approved.ends_at is not None
    renewed = await adoption.renew(
        as_actor(scene.leader), world.community.id, request.id, 12, now=now()
    )
    assert renewed.ends_at == adoption_end(approved.ends_at, 12)
    assert renewed.status == "active"
    [entry] = await audit("plots.renew")
    assert entry.after == {"term_months": 12}
    # the committee may renew too
    again = await adoption.renew(
        as_actor(people.committee), world.community.id, request.id, 3, now=now()
    )
    assert again.ends_at == adoption_end(adoption_end(approved.ends_at, 12), 3)


async def test_leaders_are_reminded_once_as_the_term_ends_and_again_after_renewing(
    world: World, people: People, scene: Scene
) -> None:
    start = moment()
    request = await ask(world, scene.leader, scene.plot, scene.team, 3, at=start)
    approved = await approve(world, people, request, start)
    assert approved.ends_at is not None
    fifteen_days_before = approved.ends_at - timedelta(days=15)
    assert await jobs.remind_terms_ending(fifteen_days_before) == 0
    thirteen_days_before = approved.ends_at - timedelta(days=13)
    # Several workers at once: the leaders hear it once; members are not told.
    told = await asyncio.gather(*(jobs.remind_terms_ending(thirteen_days_before) for _ in range(5)))
    assert sum(told) == 1
    assert (await kinds(scene.leader)).count("plots.term_ending") == 1
    assert "plots.term_ending" not in await kinds(scene.member)
    [notice] = await Notification.filter(user_id=scene.leader.id, kind="plots.term_ending")
    assert notice.payload == {
        "plot_id": scene.plot.id,
        "plot": scene.plot.name,
        "ends_on": approved.ends_at.date().isoformat(),
    }
    assert await jobs.remind_terms_ending(approved.ends_at + timedelta(days=30)) == 0
    assert (await current(request)).status == "active"  # nothing ends by itself

    renewed = await adoption.renew(
        as_actor(scene.leader), world.community.id, request.id, 3, now=thirteen_days_before
    )
    assert renewed.ends_at is not None
    assert await jobs.remind_terms_ending(thirteen_days_before) == 0
    assert await jobs.remind_terms_ending(renewed.ends_at - timedelta(days=1)) == 1
    assert (await kinds(scene.leader)).count("plots.term_ending") == 2


async def test_only_current_adoptions_are_renewed_by_their_leader_or_the_committee(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    with pytest.raises(Invalid):
        await adoption.renew(as_actor(scene.leader), world.community.id, request.id, 6, now=now())
    await approve(world, people, request)
    before = (await current(request)).ends_at
    for who in (scene.member, scene.rival_leader, people.outsider):
        with pytest.raises(NotAllowed):
            await adoption.renew(as_actor(who), world.community.id, request.id, 6, now=now())
    with pytest.raises(Invalid):
        await adoption.renew(as_actor(scene.leader), world.community.id, request.id, 5, now=now())
    assert (await current(request)).ends_at == before
    assert await audit("plots.renew") == []


async def test_handing_over_ends_the_old_adoption_and_starts_the_receiving_teams(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team, 6)
    approved = await approve(world, people, request)
    at = moment()
    received = await adoption.hand_over(
        as_actor(scene.leader), world.community.id, request.id, scene.rival.id, now=at
    )
    old = await current(request)
    assert (old.status, old.end_reason, old.ended_at) == ("ended", "handed_over", at)
    assert received.id != request.id
    assert (received.team_id, received.status) == (scene.rival.id, "active")
    assert (received.starts_at, received.ends_at) == (at, approved.ends_at)
    assert await status_of(scene.plot) == "adopted"
    assert await Adoption.filter(plot_id=scene.plot.id, status="active").count() == 1
    assert (await kinds(scene.rival_leader))[-1] == "plots.handed_over"
    [entry] = await audit("plots.hand_over")
    assert entry.after == {
        "plot_id": scene.plot.id,
        "from_team": scene.team.id,
        "to_team": scene.rival.id,
    }


async def test_handing_over_to_a_team_in_line_turns_its_request_into_the_adoption(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    waiting = await ask(world, scene.rival_leader, scene.plot, scene.rival)
    await approve(world, people, request)
    received = await adoption.hand_over(
        as_actor(scene.leader), world.community.id, request.id, scene.rival.id, now=now()
    )
    assert received.id == waiting.id
    assert (await current(waiting)).status == "active"
    assert await Adoption.filter(team_id=scene.rival.id).count() == 1
    assert await status_of(scene.plot) == "adopted"


async def test_a_plot_is_handed_over_only_to_another_team_of_the_community(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    [foreign_leader] = await make_neighbours(world.other.id, ["外队长"], ["外1栋"])
    foreign = await teams.found_team(
        as_actor(foreign_leader), world.other.id, TeamInput(name="外队"), now=now()
    )
    leader = as_actor(scene.leader)
    with pytest.raises(Invalid):
        await adoption.hand_over(leader, world.community.id, request.id, scene.team.id, now=now())
    with pytest.raises(NotFound):
        await adoption.hand_over(leader, world.community.id, request.id, foreign.id, now=now())
    for who in (scene.member, scene.rival_leader):  # the receiving leader cannot take it
        with pytest.raises(NotAllowed):
            await adoption.hand_over(
                as_actor(who), world.community.id, request.id, scene.rival.id, now=now()
            )
    assert (await current(request)).status == "active"
    assert await Adoption.all().count() == 1


# --- nicknames -----------------------------------------------------------------------------------


async def test_the_leader_names_the_plot_and_the_committee_may_clear_it(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    with pytest.raises(Invalid):  # not adopted yet
        await adoption.set_nickname(
            as_actor(scene.leader), world.community.id, request.id, "小花园", now=now()
        )
    await approve(world, people, request)
    await adoption.set_nickname(
        as_actor(scene.leader), world.community.id, request.id, " 小  花园 ", now=now()
    )
    assert (await current(request)).nickname == "小 花园"
    assert await audit("plots.clear_nickname") == []

    with pytest.raises(NotAllowed):  # the committee moderates, it does not name
        await adoption.set_nickname(
            as_actor(people.committee), world.community.id, request.id, "居委会花园", now=now()
        )
    await adoption.set_nickname(
        as_actor(people.committee), world.community.id, request.id, "", now=now()
    )
    assert (await current(request)).nickname == ""
    [entry] = await audit("plots.clear_nickname")
    assert (entry.actor_id, entry.before) == (people.committee.id, {"nickname": "小 花园"})


async def test_only_the_leader_names_the_plot(world: World, people: People, scene: Scene) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request)
    for who in (scene.member, scene.rival_leader, people.outsider, people.newcomer):
        with pytest.raises(NotAllowed):
            await adoption.set_nickname(
                as_actor(who), world.community.id, request.id, "我的花园", now=now()
            )
    with pytest.raises(Invalid):
        await adoption.set_nickname(
            as_actor(scene.leader), world.community.id, request.id, "花" * 41, now=now()
        )
    assert (await current(request)).nickname == ""


# --- parallel requests ---------------------------------------------------------------------------


async def twenty_teams(world: World) -> list[tuple[User, Team]]:
    leaders = await neighbours(world, "队长", 20)
    return [(leader, await found(world, leader, f"第{i}队")) for i, leader in enumerate(leaders)]


@pytest.mark.parametrize("auto", [True, False], ids=["auto-approve", "committee-approves"])
async def test_twenty_parallel_requests_for_one_plot_adopt_it_once(
    world: World, people: People, auto: bool
) -> None:
    plot = await new_plot(world, people)
    pairs = await twenty_teams(world)
    if auto:
        await auto_approve(world)
    results = await asyncio.gather(
        *(ask(world, leader, plot, team) for leader, team in pairs), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 20}
    rows = await Adoption.filter(plot_id=plot.id)
    assert len(rows) == 20
    assert len({row.team_id for row in rows}) == 20
    first = "active" if auto else "pending"
    assert Counter(row.status for row in rows) == {first: 1, "waitlisted": 19}
    assert await status_of(plot) == ("adopted" if auto else "requested")
    assert await kinds(people.committee) == ([] if auto else ["plots.adoption_request"])
    [winner] = [row for row in rows if row.status == first]
    assert (winner.starts_at is not None) is auto


async def test_one_team_asking_ten_times_in_parallel_makes_one_request(
    world: World, people: People, scene: Scene
) -> None:
    results = await asyncio.gather(
        *(ask(world, scene.leader, scene.plot, scene.team) for _ in range(10)),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 10}
    rows = await Adoption.filter(plot_id=scene.plot.id)
    assert [(row.team_id, row.status) for row in rows] == [(scene.team.id, "pending")]
    assert {r.id for r in results if isinstance(r, Adoption)} == {rows[0].id}
    assert await kinds(people.committee) == ["plots.adoption_request"]


async def test_parallel_requests_after_a_release_keep_one_pending(
    world: World, people: People, scene: Scene
) -> None:
    request = await ask(world, scene.leader, scene.plot, scene.team)
    await approve(world, people, request, now() - timedelta(days=1))
    pairs = await twenty_teams(world)
    release = adoption.release(
        as_actor(scene.leader), world.community.id, request.id, "", now=now()
    )
    results = await asyncio.gather(
        release,
        *(ask(world, leader, scene.plot, team) for leader, team in pairs),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 21}
    counts = Counter(row.status for row in await Adoption.filter(plot_id=scene.plot.id))
    assert counts == {"ended": 1, "pending": 1, "waitlisted": 19}
    assert await status_of(scene.plot) == "requested"
