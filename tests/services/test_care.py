"""Care of an adopted plot: the leader's tasks and weekly rota, the members' care logs with
minutes and photos, the committee hiding a log, and the lapse follow-up that warns a quiet team
and asks the committee, once per quiet spell, and never ends an adoption.
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from participation.accounts.models import User
from participation.communities.models import Community
from participation.core.errors import DomainError, Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor
from participation.media.models import Photo
from participation.media.services import accept_photo
from participation.media.storage import LocalStorage
from participation.moderation.queries import hidden_ids, public_log
from participation.moderation.services import actions
from participation.notifications.models import Notification
from participation.plots import adoption, care, jobs, services, teams
from participation.plots.care import CareInput
from participation.plots.jobs import LapseReport
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
    Team,
)
from participation.plots.plot_input import PlotInput
from participation.plots.queries.care import care_timeline
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


def moment() -> datetime:
    return now().replace(microsecond=0)


@dataclass
class Scene:
    """花友队 (the resident leads; one member, one asking to join) adopted 1号花坛 at
    ``adopted_at``; 绿手指, led by another neighbour, adopted 2号花坛."""

    plot: Plot
    team: Team
    leader: User
    member: User
    asker: User
    adoption: Adoption
    adopted_at: datetime
    rival: Team
    rival_leader: User
    rival_plot: Plot


async def adopt(
    world: World, people: People, leader: User, plot: Plot, team: Team, at: datetime
) -> Adoption:
    request = await adoption.request_adoption(
        as_actor(leader), world.community.id, plot.id, team.id, 12, now=at
    )
    return await adoption.decide_adoption(
        as_actor(people.committee), world.community.id, request.id, True, "", now=at
    )


@pytest.fixture
async def scene(world: World, people: People) -> Scene:
    member, asker, rival_leader = await make_neighbours(
        world.community.id, ["队员", "申请人", "对手队长"], ["1栋", "2栋", "3栋"]
    )
    committee = as_actor(people.committee)
    plot = await services.create_plot(
        committee, world.community.id, PlotInput("1号花坛", "flowerbed"), now=now()
    )
    rival_plot = await services.create_plot(
        committee, world.community.id, PlotInput("2号花坛", "flowerbed"), now=now()
    )
    team = await teams.found_team(
        as_actor(people.resident), world.community.id, TeamInput(name="花友队"), now=now()
    )
    await teams.join_team(as_actor(member), world.community.id, team.id, now=now())
    await Team.filter(id=team.id).update(join_policy="request")
    await teams.join_team(as_actor(asker), world.community.id, team.id, now=now())
    rival = await teams.found_team(
        as_actor(rival_leader), world.community.id, TeamInput(name="绿手指"), now=now()
    )
    adopted_at = moment() - timedelta(days=1)
    adopted = await adopt(world, people, people.resident, plot, team, adopted_at)
    await adopt(world, people, rival_leader, rival_plot, rival, adopted_at)
    # the setup's own notices are not what these tests look at
    await Notification.all().delete()
    return Scene(
        plot,
        team,
        people.resident,
        member,
        asker,
        adopted,
        adopted_at,
        rival,
        rival_leader,
        rival_plot,
    )


async def log(
    world: World,
    user: User,
    plot: Plot,
    minutes: str = "30",
    *,
    at: datetime | None = None,
    done_on: date | None = None,
    photo_ids: Sequence[int] = (),
    **fields: Any,
) -> CareLog:
    data = CareInput(
        kind=fields.pop("kind", "watering"), minutes=minutes, done_on=done_on, **fields
    )
    return await care.log_care(
        as_actor(user), world.community.id, plot.id, data, photo_ids=photo_ids, now=at or now()
    )


async def stored(plot: Plot) -> Plot:
    return await Plot.get(id=plot.id)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


async def photo(community_id: int, owner: User, tmp_path: Path) -> Photo:
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)
    return await accept_photo(
        as_actor(owner), community_id, jpeg(), "浇过水的花坛", LocalStorage(root), now=now()
    )


async def kinds(user: User) -> list[str]:
    return [n.kind for n in await Notification.filter(user_id=user.id).order_by("id")]


# --- tasks and the rota --------------------------------------------------------------------------


async def test_the_leader_sets_a_recurring_task(world: World, scene: Scene) -> None:
    task = await care.add_task(
        as_actor(scene.leader),
        world.community.id,
        scene.plot.id,
        "watering",
        "３",
        "早上浇",
        now=now(),
    )
    row = await CareTask.get(id=task.id)
    assert (row.plot_id, row.team_id, row.kind) == (scene.plot.id, scene.team.id, "watering")
    assert (row.every_days, row.note, row.active) == (3, "早上浇", True)


@pytest.mark.parametrize("every", ["1", "60", " 7 "])
async def test_a_task_repeats_every_one_to_sixty_days(
    world: World, scene: Scene, every: str
) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "weeding", every, "", now=now()
    )
    assert task.every_days == int(every)


@pytest.mark.parametrize("every", ["0", "61", "", "1.5", "-1", "每周", "²"])
async def test_other_repeats_are_refused(world: World, scene: Scene, every: str) -> None:
    with pytest.raises(Invalid) as caught:
        await care.add_task(
            as_actor(scene.leader),
            world.community.id,
            scene.plot.id,
            "weeding",
            every,
            "",
            now=now(),
        )
    assert caught.value.field == "every_days"
    assert await CareTask.all().count() == 0


async def test_a_task_needs_a_known_kind_of_care(world: World, scene: Scene) -> None:
    with pytest.raises(Invalid) as caught:
        await care.add_task(
            as_actor(scene.leader), world.community.id, scene.plot.id, "mowing", "3", "", now=now()
        )
    assert caught.value.field == "kind"
    assert await CareTask.all().count() == 0


async def test_only_the_adopting_teams_leader_sets_tasks(
    world: World, people: People, scene: Scene
) -> None:
    """The team runs its own care; the committee decides adoptions, not rotas."""
    for who in (
        scene.member,
        scene.asker,
        scene.rival_leader,
        people.outsider,
        people.newcomer,
        people.committee,
        people.admin,
    ):
        with pytest.raises(NotAllowed):
            await care.add_task(
                as_actor(who), world.community.id, scene.plot.id, "watering", "3", "", now=now()
            )
    assert await CareTask.all().count() == 0
    await care.add_task(
        as_actor(scene.leader),
        world.community.id,
        scene.plot.id,
        "cleaning",
        "7",
        "",
        now=now(),
    )
    assert await CareTask.filter(team_id=scene.team.id).count() == 1


async def test_a_plot_nobody_adopted_has_no_tasks(
    world: World, people: People, scene: Scene
) -> None:
    free = await services.create_plot(
        as_actor(people.committee), world.community.id, PlotInput("空花坛", "planter"), now=now()
    )
    with pytest.raises(Invalid):
        await care.add_task(
            as_actor(people.committee), world.community.id, free.id, "watering", "3", "", now=now()
        )
    with pytest.raises(Invalid):
        await log(world, scene.leader, free)
    assert await CareTask.all().count() == 0
    assert await CareLog.all().count() == 0


async def test_the_leader_stops_a_task(world: World, scene: Scene) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "watering", "3", "", now=now()
    )
    with pytest.raises(NotAllowed):
        await care.stop_task(as_actor(scene.member), world.community.id, task.id, now=now())
    assert (await CareTask.get(id=task.id)).active
    await care.stop_task(as_actor(scene.leader), world.community.id, task.id, now=now())
    assert not (await CareTask.get(id=task.id)).active
    with pytest.raises(NotFound):  # a stopped task has no rota
        await care.assign_week(
            as_actor(scene.leader), world.community.id, task.id, date(2025, 6, 4), [], now=now()
        )


async def test_the_rota_puts_members_down_for_a_week(world: World, scene: Scene) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "watering", "3", "", now=now()
    )
    leader = as_actor(scene.leader)
    wednesday = date(2025, 6, 4)
    await care.assign_week(
        leader,
        world.community.id,
        task.id,
        wednesday,
        [scene.member.id, scene.leader.id],
        now=now(),
    )
    rows = await CareAssignment.filter(task_id=task.id).order_by("user_id")
    assert [(r.user_id, r.week_start) for r in rows] == sorted(
        [(scene.leader.id, date(2025, 6, 2)), (scene.member.id, date(2025, 6, 2))]
    )
    [notice] = await Notification.filter(user_id=scene.member.id, kind="plots.rota")
    assert notice.payload == {"task_id": task.id, "week": "2025-06-02"}
    # a new rota for the same week replaces the old one
    await care.assign_week(
        leader, world.community.id, task.id, date(2025, 6, 8), [scene.member.id], now=now()
    )
    rows = await CareAssignment.filter(task_id=task.id)
    assert [(r.user_id, r.week_start) for r in rows] == [(scene.member.id, date(2025, 6, 2))]


async def test_members_on_the_rota_are_reminded_once_as_their_week_begins(
    world: World, scene: Scene
) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "watering", "3", "", now=now()
    )
    leader, here = as_actor(scene.leader), world.community.id
    both = [scene.member.id, scene.leader.id]
    await care.assign_week(leader, here, task.id, date(2025, 6, 2), both, now=now())
    await care.assign_week(leader, here, task.id, date(2025, 6, 9), both, now=now())
    await Notification.all().delete()
    # The week begins by the community's clock (Asia/Shanghai, UTC+8), not by UTC's.
    assert await jobs.remind_rota(datetime(2025, 6, 1, 15, 59, tzinfo=UTC)) == 0
    monday_morning = datetime(2025, 6, 1, 16, 30, tzinfo=UTC)
    told = await asyncio.gather(*(jobs.remind_rota(monday_morning) for _ in range(5)))
    assert sum(told) == 2  # several workers at once: once each
    assert await jobs.remind_rota(monday_morning + timedelta(days=3)) == 0
    [notice] = await Notification.filter(user_id=scene.member.id)
    assert notice.kind == "plots.rota_this_week"
    assert notice.payload == {"plot_id": scene.plot.id, "plot": "1号花坛"}
    # Someone who left the team, or a stopped task, brings no reminder.
    await teams.leave_team(as_actor(scene.member), here, scene.team.id, now=now())
    assert await jobs.remind_rota(monday_morning + timedelta(days=7)) == 1  # the leader
    await care.assign_week(leader, here, task.id, date(2025, 6, 16), [scene.leader.id], now=now())
    await care.stop_task(leader, here, task.id, now=now())
    assert await jobs.remind_rota(monday_morning + timedelta(days=14)) == 0
    assert [n.kind for n in await Notification.filter(user_id=scene.member.id)] == [
        "plots.rota_this_week"
    ]


async def test_only_active_members_go_on_the_rota(
    world: World, people: People, scene: Scene
) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "watering", "3", "", now=now()
    )
    leader = as_actor(scene.leader)
    monday = date(2025, 6, 2)
    await care.assign_week(
        leader, world.community.id, task.id, monday, [scene.member.id], now=now()
    )
    for stranger in (scene.asker, scene.rival_leader, people.outsider):
        with pytest.raises(Invalid) as caught:
            await care.assign_week(
                leader,
                world.community.id,
                task.id,
                monday,
                [scene.leader.id, stranger.id],
                now=now(),
            )
        assert caught.value.field == "user_ids"
    rows = await CareAssignment.filter(task_id=task.id)
    assert [r.user_id for r in rows] == [scene.member.id]
    with pytest.raises(NotAllowed):
        await care.assign_week(
            as_actor(scene.member), world.community.id, task.id, monday, [], now=now()
        )
    assert await Notification.filter(kind="plots.rota").count() == 1


# --- care logs -----------------------------------------------------------------------------------


async def test_a_member_logs_care_and_the_plot_keeps_count(world: World, scene: Scene) -> None:
    at = moment()
    entry = await log(world, scene.member, scene.plot, "４５", at=at, note=HOSTILE, kind="weeding")
    row = await CareLog.get(id=entry.id)
    assert (row.plot_id, row.team_id, row.member_id) == (
        scene.plot.id,
        scene.team.id,
        scene.member.id,
    )
    assert (row.kind, row.minutes, row.note, row.hidden) == ("weeding", 45, HOSTILE, False)
    assert (row.done_at, row.created_at, row.task_id) == (at, at, None)
    plot = await stored(scene.plot)
    assert (plot.last_care_at, plot.care_minutes) == (at, 45)

    later = at + timedelta(hours=3)
    await log(world, scene.leader, scene.plot, "30", at=later)
    plot = await stored(scene.plot)
    assert (plot.last_care_at, plot.care_minutes) == (later, 75)
    assert (await stored(scene.rival_plot)).care_minutes == 0


async def test_a_log_may_name_a_task_of_its_plot(
    world: World, people: People, scene: Scene
) -> None:
    task = await care.add_task(
        as_actor(scene.leader), world.community.id, scene.plot.id, "watering", "3", "", now=now()
    )
    other = await care.add_task(
        as_actor(scene.rival_leader),
        world.community.id,
        scene.rival_plot.id,
        "watering",
        "3",
        "",
        now=now(),
    )
    entry = await log(world, scene.member, scene.plot, task_id=task.id)
    assert (await CareLog.get(id=entry.id)).task_id == task.id
    with pytest.raises(NotFound):
        await log(world, scene.member, scene.plot, task_id=other.id)
    assert await CareLog.all().count() == 1


@pytest.mark.parametrize("minutes", ["0", "601", "", "半小时", "²", "1.5"])
async def test_care_takes_one_to_six_hundred_minutes(
    world: World, scene: Scene, minutes: str
) -> None:
    with pytest.raises(Invalid) as caught:
        await log(world, scene.member, scene.plot, minutes)
    assert caught.value.field == "minutes"
    assert await CareLog.all().count() == 0
    assert (await stored(scene.plot)).care_minutes == 0


async def test_an_unknown_kind_of_care_is_refused(world: World, scene: Scene) -> None:
    with pytest.raises(Invalid) as caught:
        await log(world, scene.member, scene.plot, kind="singing")
    assert caught.value.field == "kind"
    assert await CareLog.all().count() == 0


async def test_only_active_members_of_the_adopting_team_log_care(
    world: World, people: People, scene: Scene
) -> None:
    refused = (
        scene.asker,  # asked to join, not yet let in
        scene.rival_leader,  # another team
        people.committee,
        people.newcomer,
        people.outsider,
        people.admin,
    )
    for who in refused:
        with pytest.raises(NotAllowed):
            await log(world, who, scene.plot)
    assert await CareLog.all().count() == 0
    plot = await stored(scene.plot)
    assert (plot.last_care_at, plot.care_minutes) == (None, 0)


async def test_a_member_who_left_no_longer_logs_care(world: World, scene: Scene) -> None:
    await teams.leave_team(as_actor(scene.member), world.community.id, scene.team.id, now=now())
    with pytest.raises(NotAllowed):
        await log(world, scene.member, scene.plot)
    assert await CareLog.all().count() == 0


async def test_care_may_be_logged_for_the_last_fourteen_days(world: World, scene: Scene) -> None:
    at = datetime(2025, 6, 20, 9, 15, tzinfo=UTC)
    oldest = await log(world, scene.member, scene.plot, at=at, done_on=date(2025, 6, 6))
    assert (await CareLog.get(id=oldest.id)).done_at.date() == date(2025, 6, 6)
    today = await log(world, scene.member, scene.plot, at=at, done_on=date(2025, 6, 20))
    assert (await CareLog.get(id=today.id)).done_at == at
    # a late entry does not move the last care back
    await log(world, scene.member, scene.plot, at=at, done_on=date(2025, 6, 10))
    assert (await stored(scene.plot)).last_care_at == at


@pytest.mark.parametrize("done_on", [date(2025, 6, 5), date(2025, 6, 21), date(2026, 6, 20)])
async def test_care_cannot_be_backdated_further_or_logged_ahead(
    world: World, scene: Scene, done_on: date
) -> None:
    at = datetime(2025, 6, 20, 9, 15, tzinfo=UTC)
    with pytest.raises(Invalid) as caught:
        await log(world, scene.member, scene.plot, at=at, done_on=done_on)
    assert caught.value.field == "done_on"
    assert await CareLog.all().count() == 0


async def test_a_log_carries_the_members_own_photos(
    world: World, scene: Scene, tmp_path: Path
) -> None:
    first = await photo(world.community.id, scene.member, tmp_path)
    second = await photo(world.community.id, scene.member, tmp_path)
    entry = await log(world, scene.member, scene.plot, photo_ids=[second.id, first.id, second.id])
    links = await CareLogPhoto.filter(log_id=entry.id).order_by("position")
    assert [(link.photo_id, link.position) for link in links] == [(second.id, 0), (first.id, 1)]


async def test_a_photo_of_someone_else_is_not_found(
    world: World, scene: Scene, tmp_path: Path
) -> None:
    mine = await photo(world.community.id, scene.member, tmp_path)
    theirs = await photo(world.community.id, scene.leader, tmp_path)
    elsewhere = await photo(world.other.id, scene.member, tmp_path)
    for foreign in (theirs, elsewhere):
        with pytest.raises(NotFound):
            await log(world, scene.member, scene.plot, photo_ids=[mine.id, foreign.id])
    with pytest.raises(NotFound):
        await log(world, scene.member, scene.plot, photo_ids=[mine.id, 999_999])
    assert await CareLog.all().count() == 0
    assert await CareLogPhoto.all().count() == 0
    assert (await stored(scene.plot)).care_minutes == 0


async def test_parallel_logs_add_up_and_keep_the_newest_care(world: World, scene: Scene) -> None:
    at = moment()
    results = await asyncio.gather(
        log(world, scene.member, scene.plot, "10", at=at),
        *(
            log(world, scene.leader, scene.plot, "5", at=at, done_on=at.date() - timedelta(days=d))
            for d in range(1, 10)
        ),
        return_exceptions=True,
    )
    assert outcomes(results) == {"ok": 10}
    plot = await stored(scene.plot)
    assert plot.care_minutes == 10 + 9 * 5
    assert plot.last_care_at == at


# --- hiding a log --------------------------------------------------------------------------------


async def hide(who: Actor, community_id: int, log_id: int, hidden: bool) -> None:
    await actions.hide_directly(
        who, community_id, "care_log", log_id, hidden=hidden, reason="offensive", now=now()
    )


async def is_hidden(log_id: int) -> bool:
    return log_id in await hidden_ids("care_log", [log_id])


async def test_the_committee_hides_and_shows_a_log(
    world: World, people: People, scene: Scene
) -> None:
    entry = await log(world, scene.member, scene.plot, "40")
    committee = as_actor(people.committee)
    await hide(committee, world.community.id, entry.id, True)
    assert await is_hidden(entry.id)
    assert [v.id for v in await care_timeline(plot_id=scene.plot.id)] == []
    shown = await care_timeline(plot_id=scene.plot.id, show_hidden=True)
    assert [(v.id, v.hidden) for v in shown] == [(entry.id, True)]
    assert (await stored(scene.plot)).care_minutes == 40  # the work was still done
    await hide(committee, world.community.id, entry.id, False)
    assert not await is_hidden(entry.id)
    entries = [e for e in await audit() if e.target == f"care_log:{entry.id}"]
    assert [(e.action, e.actor_id) for e in entries] == [
        ("moderation.hide", people.committee.id),
        ("moderation.keep", people.committee.id),
    ]
    assert [e.action for e in await public_log(world.community.id)] == ["restore", "hide"]


async def test_only_the_committee_hides_logs(world: World, people: People, scene: Scene) -> None:
    entry = await log(world, scene.member, scene.plot)
    for who in (scene.member, scene.leader, people.resident, people.other_committee):
        with pytest.raises(NotAllowed):
            await hide(as_actor(who), world.community.id, entry.id, True)
    with pytest.raises(NotFound):  # another community's committee, in its own community
        await hide(as_actor(people.other_committee), world.other.id, entry.id, True)
    assert not await is_hidden(entry.id)
    assert await audit("moderation.hide") == []


# --- lapse ---------------------------------------------------------------------------------------


async def lapse_notices(kind: str) -> Counter[int]:
    return Counter(n.user_id for n in await Notification.filter(kind=kind))


async def test_a_quiet_plot_warns_its_team_once(world: World, people: People, scene: Scene) -> None:
    start = scene.adopted_at
    assert await jobs.follow_up_lapses(start + timedelta(days=14, seconds=-1)) == LapseReport(0, 0)
    assert await Notification.all().count() == 0

    assert await jobs.follow_up_lapses(start + timedelta(days=14)) == LapseReport(2, 0)
    # both plots went quiet: each team's active members are warned, nobody else
    assert await lapse_notices("plots.lapse_warning") == {
        scene.leader.id: 1,
        scene.member.id: 1,
        scene.rival_leader.id: 1,
    }
    [notice] = await Notification.filter(user_id=scene.member.id)
    assert notice.payload == {"plot_id": scene.plot.id, "plot": "1号花坛", "days": 14}
    assert await kinds(people.committee) == []

    assert await jobs.follow_up_lapses(start + timedelta(days=15)) == LapseReport(0, 0)
    assert await Notification.filter(kind="plots.lapse_warning").count() == 3


async def test_after_the_grace_days_the_committee_is_asked_once(
    world: World, people: People, scene: Scene
) -> None:
    start = scene.adopted_at
    await log(world, scene.rival_leader, scene.rival_plot, at=start + timedelta(days=10))
    await jobs.follow_up_lapses(start + timedelta(days=14))
    assert await jobs.follow_up_lapses(start + timedelta(days=21, seconds=-1)) == LapseReport(0, 0)
    assert await jobs.follow_up_lapses(start + timedelta(days=21)) == LapseReport(0, 1)
    [prompt] = await Notification.filter(kind="plots.release_prompt")
    assert prompt.user_id == people.committee.id
    assert prompt.payload == {
        "plot_id": scene.plot.id,
        "plot": "1号花坛",
        "adoption_id": scene.adoption.id,
    }
    assert await jobs.follow_up_lapses(start + timedelta(days=60)) == LapseReport(1, 1)
    # the later report is the rival's plot, quiet since its care on day 10
    assert await lapse_notices("plots.release_prompt") == {people.committee.id: 2}
    assert await lapse_notices("plots.lapse_warning") == {
        scene.leader.id: 1,
        scene.member.id: 1,
        scene.rival_leader.id: 1,
    }
    # nothing is ever ended by the follow-up
    assert await Adoption.filter(status="active").count() == 2
    assert (await stored(scene.plot)).status == "adopted"


async def test_warning_and_prompt_come_together_after_a_long_silence(
    world: World, people: People, scene: Scene
) -> None:
    await log(world, scene.rival_leader, scene.rival_plot, at=scene.adopted_at + timedelta(days=25))
    report = await jobs.follow_up_lapses(scene.adopted_at + timedelta(days=30))
    assert report == LapseReport(1, 1)
    assert await kinds(scene.member) == ["plots.lapse_warning"]
    assert await kinds(people.committee) == ["plots.release_prompt"]


async def test_care_starts_a_new_quiet_spell(world: World, people: People, scene: Scene) -> None:
    start = scene.adopted_at
    await log(world, scene.rival_leader, scene.rival_plot, at=start + timedelta(days=100))
    await jobs.follow_up_lapses(start + timedelta(days=22))  # warned and prompted
    cared = start + timedelta(days=23)
    await log(world, scene.member, scene.plot, at=cared)
    row = await Adoption.get(id=scene.adoption.id)
    assert (row.lapse_warned_at, row.release_prompted_at) == (None, None)

    assert await jobs.follow_up_lapses(cared + timedelta(days=13)) == LapseReport(0, 0)
    assert await jobs.follow_up_lapses(cared + timedelta(days=14)) == LapseReport(1, 0)
    assert await jobs.follow_up_lapses(cared + timedelta(days=21)) == LapseReport(0, 1)
    assert await lapse_notices("plots.lapse_warning") == {scene.leader.id: 2, scene.member.id: 2}
    assert await lapse_notices("plots.release_prompt") == {people.committee.id: 2}


async def test_lapse_follows_the_communitys_settings(
    world: World, people: People, scene: Scene
) -> None:
    await Community.filter(id=world.community.id).update(lapse_days=3, lapse_grace_days=1)
    start = scene.adopted_at
    assert await jobs.follow_up_lapses(start + timedelta(days=2)) == LapseReport(0, 0)
    assert await jobs.follow_up_lapses(start + timedelta(days=3)) == LapseReport(2, 0)
    [notice] = await Notification.filter(user_id=scene.member.id)
    assert notice.payload["days"] == 3
    assert await jobs.follow_up_lapses(start + timedelta(days=4)) == LapseReport(0, 2)


async def test_only_current_adoptions_are_followed_up(
    world: World, people: People, scene: Scene
) -> None:
    await adoption.release(
        as_actor(scene.leader), world.community.id, scene.adoption.id, "", now=now()
    )
    await adoption.release(
        as_actor(people.committee),
        world.community.id,
        (await Adoption.get(team_id=scene.rival.id)).id,
        "搬走了",
        now=now(),
    )
    await adoption.request_adoption(
        as_actor(scene.leader), world.community.id, scene.plot.id, scene.team.id, 6, now=now()
    )
    await Notification.all().delete()
    assert await jobs.follow_up_lapses(scene.adopted_at + timedelta(days=90)) == LapseReport(0, 0)
    assert await Notification.all().count() == 0


async def test_parallel_follow_ups_warn_and_ask_once(
    world: World, people: People, scene: Scene
) -> None:
    when = scene.adopted_at + timedelta(days=30)
    results = await asyncio.gather(
        *(jobs.follow_up_lapses(when) for _ in range(5)), return_exceptions=True
    )
    assert outcomes(results) == {"ok": 5}
    reports = [r for r in results if isinstance(r, LapseReport)]
    assert sum(r.warned for r in reports) == 2
    assert sum(r.prompted for r in reports) == 2
    assert await lapse_notices("plots.lapse_warning") == {
        scene.leader.id: 1,
        scene.member.id: 1,
        scene.rival_leader.id: 1,
    }
    assert await lapse_notices("plots.release_prompt") == {people.committee.id: 2}
