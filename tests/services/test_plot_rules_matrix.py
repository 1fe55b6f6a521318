"""The plots and teams rules as a matrix: every kind of actor × the subject they are asked
about (a team, an adoption, a plot, a care log, someone's hours), each answer read through the
database as the pages and services load it, on SQLite and PostgreSQL. The table is the policy:
a widened permission must change it. Below it, the services refuse where the table refuses,
and a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.queries import get_standing
from participation.core.errors import DomainError, NotAllowed
from participation.core.permissions import ANONYMOUS, Actor, can
from participation.plots import adoption, care, queries, services, teams
from participation.plots.models import CareLog, Team
from participation.plots.plot_input import PlotInput
from participation.plots.rules import HoursSubject
from tests.support import make_committee, make_user, make_verified, make_world, now
from tests.web.helpers import snapshot

ACTORS = (
    "anonymous",
    "member",  # joined, not verified
    "verified",  # verified resident in no team
    "team_member",  # member of the team asked about
    "leader",  # its leader
    "asker",  # asked to join it, not let in yet
    "other_team",  # leader of another team of the same community
    "committee",  # on the committee (and verified)
    "admin",  # platform admin, member of nothing
    "disabled",  # the team's second leader, whose account is disabled
    "other_member",  # verified resident of another community
    "other_committee",  # committee of another community
)
_ = False
Y = True

# fmt: off
# (rule, subject): one answer per actor, in the order of ACTORS. "adopted": the plot the team
# adopts; "free": a plot nobody adopts; "pending" and "active": the team's request for a plot,
# and its adoption; "log": care the team member logged; "hours": the team member's hours.
#                                           anon mem ver tme lea ask oth com adm dis oth ocm
MATRIX: dict[tuple[str, str], tuple[bool, ...]] = {
    ("plots.manage", "none"):                (_,  _,  _,  _,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("teams.found", "none"):                 (_,  _,  Y,  Y,  Y,  Y,  Y,  Y,  _,  _,  _,  _),
    ("teams.join", "none"):                  (_,  _,  Y,  Y,  Y,  Y,  Y,  Y,  _,  _,  _,  _),
    ("teams.lead", "team"):                  (_,  _,  _,  _,  Y,  _,  _,  _,  _,  _,  _,  _),
    ("teams.see_requests", "team"):          (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("teams.set_leader", "team"):            (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("teams.leave", "team"):                 (_,  _,  _,  Y,  Y,  Y,  _,  _,  _,  _,  _,  _),
    ("plots.log_care", "adopted"):           (_,  _,  _,  Y,  Y,  _,  _,  _,  _,  _,  _,  _),
    ("plots.log_care", "free"):              (_,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _),
    ("plots.plan_care", "adopted"):          (_,  _,  _,  _,  Y,  _,  _,  _,  _,  _,  _,  _),
    ("plots.plan_care", "free"):             (_,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _,  _),
    ("plots.withdraw", "pending"):           (_,  _,  _,  _,  Y,  _,  _,  _,  _,  _,  _,  _),
    ("plots.nickname", "active"):            (_,  _,  _,  _,  Y,  _,  _,  _,  _,  _,  _,  _),
    ("plots.clear_nickname", "active"):      (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("plots.renew", "active"):               (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("plots.hand_over", "active"):           (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("plots.release", "active"):             (_,  _,  _,  _,  Y,  _,  _,  Y,  Y,  _,  _,  _),
    ("teams.see_hours", "hours"):            (_,  _,  _,  Y,  _,  _,  _,  Y,  Y,  _,  _,  _),
}
# fmt: on


@dataclass
class Scene:
    actors: dict[str, Actor]
    community_id: int
    team_id: int
    other_team_id: int
    adopted_plot: int
    free_plot: int
    pending_id: int
    active_id: int
    log_id: int


async def _scene() -> Scene:
    world = await make_world()
    here = world.community
    users = {name: await make_user(f"pm-{name}") for name in ACTORS if name != "anonymous"}
    await communities.join_community(Actor(user_id=users["member"].id), here.id, now=now())
    verified = ("verified", "team_member", "leader", "asker", "other_team", "committee", "disabled")
    for number, name in enumerate(verified, start=1):
        await make_verified(here, users[name], household=f"{number}栋{number}01")
    await make_committee(here, users["committee"])
    await make_verified(world.other, users["other_member"], household="9栋901")
    await make_committee(world.other, users["other_committee"])
    await set_user_access(None, users["admin"].id, admin=True, now=now())
    actor = {name: Actor(user_id=user.id) for name, user in users.items()}
    committee = actor["committee"]

    team = await teams.found_team(
        actor["leader"], here.id, teams.TeamInput("矩阵护花队", "", "request"), now=now()
    )
    for name in ("team_member", "disabled", "asker"):
        await teams.join_team(actor[name], here.id, team.id, now=now())
    for name in ("team_member", "disabled"):
        await teams.decide_join(actor["leader"], here.id, team.id, users[name].id, True, now=now())
    await teams.set_leader(actor["leader"], here.id, team.id, users["disabled"].id, True, now=now())
    other_team = await teams.found_team(
        actor["other_team"], here.id, teams.TeamInput("邻队", "", "open"), now=now()
    )

    plot_ids = [
        (await services.create_plot(committee, here.id, PlotInput(name, "flowerbed"), now=now())).id
        for name in ("银杏花坛", "月季墙", "空地")
    ]
    active = await adoption.request_adoption(
        actor["leader"], here.id, plot_ids[0], team.id, 6, now=now()
    )
    await adoption.decide_adoption(committee, here.id, active.id, True, "", now=now())
    pending = await adoption.request_adoption(
        actor["leader"], here.id, plot_ids[1], team.id, 6, now=now()
    )
    await care.log_care(
        actor["team_member"], here.id, plot_ids[0], care.CareInput("watering", "30"), now=now()
    )
    log = await CareLog.get(member_id=users["team_member"].id)
    await set_user_access(None, users["disabled"].id, disabled=True, now=now())

    actors = {"anonymous": ANONYMOUS}
    for name, user in users.items():
        fresh = await user.__class__.get(id=user.id)
        actors[name] = Actor(user_id=fresh.id, is_admin=fresh.is_admin, disabled=fresh.disabled)
    return Scene(
        actors,
        here.id,
        team.id,
        other_team.id,
        adopted_plot=plot_ids[0],
        free_plot=plot_ids[2],
        pending_id=pending.id,
        active_id=active.id,
        log_id=log.id,
    )


async def _subject(scene: Scene, name: str) -> Any:
    """The subject as the services and pages load it from the database, now."""
    if name == "team":
        return await queries.team_subject(
            await queries.community_team(scene.community_id, scene.team_id)
        )
    if name in ("adopted", "free"):
        plot = scene.adopted_plot if name == "adopted" else scene.free_plot
        return await queries.plot_subject(await queries.active_adoption(plot))
    if name in ("pending", "active"):
        adoption_id = scene.pending_id if name == "pending" else scene.active_id
        found = await queries.community_adoption(scene.community_id, adoption_id)
        return await queries.adoption_subject(found)
    if name == "log":
        return queries.care_log_subject(
            await queries.community_care_log(scene.community_id, scene.log_id)
        )
    if name == "hours":
        return HoursSubject(member_id=scene.actors["team_member"].user_id or 0)
    return None


async def test_the_plot_and_team_rules_answer_as_the_matrix_says(database: str) -> None:
    scene = await _scene()
    wrong = []
    for (rule, subject_name), row in MATRIX.items():
        subject = await _subject(scene, subject_name)
        for actor_name, expected in zip(ACTORS, row, strict=True):
            actor = scene.actors[actor_name]
            standing = await get_standing(actor.user_id, scene.community_id)
            if can(rule, actor, standing, subject) is not expected:
                wrong.append(f"{rule} on {subject_name}, {actor_name}: expected {expected}")
    assert not wrong, "\n".join(wrong)


def _refused(rule: str, subject: str) -> list[str]:
    return [name for name, yes in zip(ACTORS, MATRIX[(rule, subject)], strict=True) if not yes]


Attempt = Callable[[Scene, Actor], Awaitable[object]]

# What each rule guards, tried as a service call (the subject the table names).
ATTEMPTS: dict[tuple[str, str], list[tuple[str, Attempt]]] = {
    ("plots.manage", "none"): [
        (
            "create_plot",
            lambda s, a: services.create_plot(
                a, s.community_id, PlotInput("不该有的花坛", "flowerbed"), now=now()
            ),
        ),
        (
            "set_plot_status",
            lambda s, a: services.set_plot_status(
                a, s.community_id, s.free_plot, "resting", now=now()
            ),
        ),
    ],
    ("teams.lead", "team"): [
        (
            "edit_team",
            lambda s, a: teams.edit_team(
                a, s.community_id, s.team_id, teams.TeamInput("改名", "", "open"), now=now()
            ),
        ),
        (
            "decide_join",
            lambda s, a: teams.decide_join(
                a, s.community_id, s.team_id, s.actors["asker"].user_id or 0, True, now=now()
            ),
        ),
        (
            "request_adoption",
            lambda s, a: adoption.request_adoption(
                a, s.community_id, s.free_plot, s.team_id, 6, now=now()
            ),
        ),
    ],
    ("teams.set_leader", "team"): [
        (
            "set_leader",
            lambda s, a: teams.set_leader(
                a, s.community_id, s.team_id, s.actors["team_member"].user_id or 0, True, now=now()
            ),
        ),
    ],
    ("plots.log_care", "adopted"): [
        (
            "log_care",
            lambda s, a: care.log_care(
                a, s.community_id, s.adopted_plot, care.CareInput("weeding", "20"), now=now()
            ),
        ),
    ],
    ("plots.plan_care", "adopted"): [
        (
            "add_task",
            lambda s, a: care.add_task(
                a, s.community_id, s.adopted_plot, "watering", "3", "", now=now()
            ),
        ),
    ],
    ("plots.withdraw", "pending"): [
        (
            "withdraw_request",
            lambda s, a: adoption.withdraw_request(a, s.community_id, s.pending_id, now=now()),
        ),
    ],
    ("plots.nickname", "active"): [
        (
            "set_nickname",
            lambda s, a: adoption.set_nickname(a, s.community_id, s.active_id, "小银杏", now=now()),
        ),
    ],
    ("plots.clear_nickname", "active"): [
        (
            "clear_nickname",
            lambda s, a: adoption.set_nickname(a, s.community_id, s.active_id, "", now=now()),
        ),
    ],
    ("plots.renew", "active"): [
        ("renew", lambda s, a: adoption.renew(a, s.community_id, s.active_id, 6, now=now())),
    ],
    ("plots.hand_over", "active"): [
        (
            "hand_over",
            lambda s, a: adoption.hand_over(
                a, s.community_id, s.active_id, s.other_team_id, now=now()
            ),
        ),
    ],
    ("plots.release", "active"): [
        (
            "release",
            lambda s, a: adoption.release(a, s.community_id, s.active_id, "理由", now=now()),
        ),
    ],
}


async def test_the_services_refuse_exactly_where_the_table_refuses_and_change_nothing(
    database: str,
) -> None:
    """Every refused actor tries what each rule guards: NotAllowed, and nothing written."""
    scene = await _scene()
    before = await snapshot()
    wrong = []
    for (rule, subject_name), attempts in ATTEMPTS.items():
        for actor_name in _refused(rule, subject_name):
            for what, attempt in attempts:
                try:
                    await attempt(scene, scene.actors[actor_name])
                except NotAllowed:
                    pass
                except DomainError as refusal:
                    wrong.append(f"{what} by {actor_name}: {refusal!r}, not NotAllowed")
                else:
                    wrong.append(f"{what} by {actor_name}: it was done")
                if await snapshot() != before:
                    wrong.append(f"{what} by {actor_name}: a refusal changed data")
                    before = await snapshot()
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("rule", ["plots.log_care", "plots.plan_care"])
async def test_those_the_table_allows_do_what_the_rule_guards(database: str, rule: str) -> None:
    scene = await _scene()
    allowed = [n for n, yes in zip(ACTORS, MATRIX[(rule, "adopted")], strict=True) if yes]
    for actor_name in allowed:
        for _what, attempt in ATTEMPTS[(rule, "adopted")]:
            await attempt(scene, scene.actors[actor_name])


async def test_leaving_a_team_one_is_not_in_changes_nothing(database: str) -> None:
    scene = await _scene()
    before = await snapshot()
    for actor_name in _refused("teams.leave", "team"):
        if actor_name == "anonymous":
            continue
        await teams.leave_team(
            scene.actors[actor_name], scene.community_id, scene.team_id, now=now()
        )
    assert await snapshot() == before
    team = await Team.get(id=scene.team_id)
    assert team.member_count == 3  # the leader, the member and the disabled second leader
