"""Plots, teams, adoption and care under attack, over HTTP on SQLite and PostgreSQL: hostile
text (HOSTILE 13), injected form fields (18), other communities' and malformed ids (19) and
residents at committee endpoints (20). The access matrix (17) is in test_access_plots.py;
both use the scene of plot_scene.py."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from participation.communities.models import Community
from participation.media.models import Photo
from participation.notifications.models import Notification
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
    Team,
    TeamMember,
)
from tests.support import (
    HOSTILE,
    HOSTILE_HTMX,
    HOSTILE_SHORT,
    World,
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
    post_form,
)
from tests.web.helpers import HTMX_PARTIAL, assert_inert, is_fragment, tiny_png
from tests.web.plot_scene import (
    MISSING,
    PLOT_COMMITTEE,
    PLOT_LEADER,
    PLOT_MEMBER,
    PlotScene,
    build_plot_scene,
    plot_snapshot,
)
from web.core.forms import ID_MAX

# Parallel requests racing for one row, or SQL that differs per backend: on both.
pytestmark = pytest.mark.both_backends


def _main(page: str) -> str:
    match = re.search(r'<main id="main"[^>]*>(.*)</main>', page, re.S)
    assert match, page[:300]
    return match.group(1)


def _created_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].split("#")[0].rstrip("/").rsplit("/", 1)[1])


# --- 13. hostile text ----------------------------------------------------------------------------

# Short hostile strings for fields shorter than HOSTILE (team names: 60, display names: 40).
TEAM_HTMX = '<i hx-get=/admin hx-trigger=load hx-on:click="alert(3)">x'
RIVAL_NAME = "<i onclick=alert(4)>{{7*7}}</i>"
LIST_HTMX = (("hx-get", "/c/yulin/plots"), ("hx-trigger", "change, submit"))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


async def test_hostile_text_renders_inert_on_every_plot_and_team_page(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    browsers: Any,
    world: World,
) -> None:
    """Every text field of plots, teams, adoption and care, typed through the forms (and the
    spreadsheet import), shows as text on every page and fragment that shows it."""
    assert len(TEAM_HTMX) <= 60 and len(HOSTILE_SHORT) <= 40 and len(RIVAL_NAME) <= 40
    committee = await login(client, "inert-committee")
    await make_committee(world.community, committee)
    leader = await make_user("inert-leader", HOSTILE_SHORT)
    await make_verified(world.community, leader, household="13栋1301")
    await login(other_client, "inert-leader")
    rival_browser, joiner_browser, anonymous = browsers(), browsers(), browsers()
    rival = await make_user("inert-rival", RIVAL_NAME)
    await make_verified(world.community, rival, household="13栋1302")
    await login(rival_browser, "inert-rival")
    joiner = await make_user("inert-joiner", HOSTILE_SHORT)
    await make_verified(world.community, joiner, household="13栋1303")
    await login(joiner_browser, "inert-joiner")

    # The committee's plots: one typed in, two from a spreadsheet file.
    plot_form = {
        "name": HOSTILE,
        "kind": "flowerbed",
        "description": f"{HOSTILE}\n\n{HOSTILE_HTMX}",
        "location": HOSTILE_HTMX,
        "latitude": "30.6341",
        "longitude": "104.0512",
        "area_m2": "12",
        "care_needs": HOSTILE,
    }
    plot_id = _created_id(await post_form(client, "/c/yulin/plots", plot_form))
    sheet = _csv(
        [
            ["name", "kind", "location", "latitude", "longitude", "area_m2", "care_needs"],
            [HOSTILE_HTMX, "flower_wall", HOSTILE, "30.6344", "104.0515", "8", HOSTILE_HTMX],
            [HOSTILE_SHORT, "planter", HOSTILE_SHORT, "", "", "", HOSTILE],
        ]
    )
    imported = await client.post(
        "/c/yulin/plots/import",
        data={"csrf_token": await csrf_token(client)},
        files={"file": ("花坛.csv", sheet.encode(), "text/csv")},
    )
    assert imported.status_code == 303, imported.text[:800]
    second = await Plot.get(community_id=world.community.id, name=HOSTILE_HTMX)
    third = await Plot.get(community_id=world.community.id, name=HOSTILE_SHORT)
    assert (second.location, second.care_needs, third.care_needs) == (
        HOSTILE,
        HOSTILE_HTMX,
        HOSTILE,
    )

    # Two teams; the leader's asks members to request to join.
    team_id = _created_id(
        await post_form(
            other_client,
            "/c/yulin/teams",
            {
                "name": HOSTILE_SHORT,
                "description": f"{HOSTILE}\n{HOSTILE_HTMX}",
                "join_policy": "request",
            },
        )
    )
    rival_team = _created_id(
        await post_form(
            rival_browser,
            "/c/yulin/teams",
            {"name": TEAM_HTMX, "description": HOSTILE_HTMX, "join_policy": "open"},
        )
    )
    joined = await post_form(joiner_browser, f"/c/yulin/teams/{team_id}/join")
    assert joined.status_code == 303

    # Adoption, nickname, a task and a care log with a photo.
    plot = f"/c/yulin/plots/{plot_id}"
    asked = await post_form(
        other_client, f"{plot}/adopt", {"team_id": str(team_id), "term_months": "6"}
    )
    assert asked.status_code == 303, asked.text[:800]
    adoption = await Adoption.get(plot_id=plot_id, team_id=team_id)
    approved = await post_form(
        client, f"/c/yulin/adoptions/{adoption.id}/decide", {"decision": "approve"}
    )
    assert approved.status_code == 303, approved.text[:800]
    for path, data in [
        (f"/c/yulin/adoptions/{adoption.id}/nickname", {"nickname": HOSTILE_SHORT}),
        (f"{plot}/tasks", {"kind": "watering", "every_days": "3", "note": HOSTILE}),
    ]:
        response = await post_form(other_client, path, data)
        assert response.status_code == 303, (path, response.text[:800])
    [task] = await CareTask.filter(plot_id=plot_id)
    rota = await post_form(
        other_client,
        f"/c/yulin/tasks/{task.id}/rota",
        {"week": now().date().isoformat(), "members": [str(leader.id)]},
    )
    assert rota.status_code == 303, rota.text[:800]
    logged = await other_client.post(
        f"{plot}/care",
        data={
            "csrf_token": await csrf_token(other_client),
            "kind": "watering",
            "minutes": "30",
            "note": f"{HOSTILE}\n{HOSTILE_HTMX}",
            "alt_text": HOSTILE_HTMX,
        },
        files={"photo": ("花坛.png", tiny_png(), "image/png")},
    )
    assert logged.status_code == 303, logged.text[:800]
    assert (await Photo.get(owner_id=leader.id)).alt_text == HOSTILE_HTMX

    # The rival team waits for plot 1, asks for plot 2, and is declined plot 3 with a reason.
    for asked_for in (plot_id, second.id, third.id):
        response = await post_form(
            rival_browser,
            f"/c/yulin/plots/{asked_for}/adopt",
            {"team_id": str(rival_team), "term_months": "3"},
        )
        assert response.status_code == 303, response.text[:800]
    declined = await Adoption.get(plot_id=third.id, team_id=rival_team)
    response = await post_form(
        client,
        f"/c/yulin/adoptions/{declined.id}/decide",
        {"decision": "decline", "reason": HOSTILE, "back": "queue"},
    )
    assert response.status_code == 303, response.text[:800]

    # Every page and fragment that shows this text, for everyone who may see it.
    everything = (HOSTILE, HOSTILE_HTMX, HOSTILE_SHORT)
    pages: list[tuple[httpx.AsyncClient, str, tuple[str, ...]]] = [
        (anonymous, "/c/yulin/plots", everything),
        (client, "/c/yulin/plots", everything),
        (other_client, f"/c/yulin/plots?q={HOSTILE_SHORT}", (HOSTILE_SHORT,)),
        (anonymous, plot, (*everything, TEAM_HTMX)),
        (other_client, plot, (*everything, TEAM_HTMX)),
        (client, plot, (*everything, TEAM_HTMX)),
        (rival_browser, plot, (*everything, TEAM_HTMX)),
        (client, f"{plot}/edit", (HOSTILE, HOSTILE_HTMX)),
        (anonymous, f"/c/yulin/plots/{second.id}", (HOSTILE, HOSTILE_HTMX, TEAM_HTMX)),
        (client, f"/c/yulin/plots/{third.id}", (HOSTILE, HOSTILE_SHORT)),
        (client, f"/c/yulin/plots/{third.id}/edit", (HOSTILE, HOSTILE_SHORT)),
        (anonymous, "/c/yulin/teams", (HOSTILE_SHORT, TEAM_HTMX)),
        (joiner_browser, "/c/yulin/teams", (HOSTILE_SHORT, TEAM_HTMX)),
        (anonymous, f"/c/yulin/teams/{team_id}", everything),
        (other_client, f"/c/yulin/teams/{team_id}", everything),
        (client, f"/c/yulin/teams/{team_id}", everything),
        (other_client, f"/c/yulin/teams/{team_id}/edit", (HOSTILE, HOSTILE_HTMX, HOSTILE_SHORT)),
        (anonymous, f"/c/yulin/teams/{rival_team}", (HOSTILE_HTMX, TEAM_HTMX, RIVAL_NAME)),
        (client, "/c/yulin/plots/adoptions", (HOSTILE_HTMX, TEAM_HTMX)),
        (client, "/c/yulin/hours", (HOSTILE_SHORT,)),
        (client, f"/c/yulin/hours/{leader.id}/certificate", (HOSTILE_SHORT,)),
        (other_client, f"/c/yulin/hours/{leader.id}/certificate", (HOSTILE_SHORT,)),
        (other_client, "/notices", (HOSTILE_SHORT,)),  # someone asks to join the team
        (rival_browser, "/notices", (HOSTILE_SHORT, HOSTILE)),  # declined, with the reason
    ]
    for browser, path, shown in pages:
        page = await browser.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        try:
            assert_inert(page.text, *shown, allowed_tags=("img",), own=LIST_HTMX)
        except AssertionError as problem:
            raise AssertionError(f"{path}: {problem}") from None
        if "/plots/" in path and "/edit" not in path:
            # The photo on the timeline is the page's own <img>, its alt text the hostile one.
            assert page.text.count("<img") == (1 if path == plot else 0), path

    # The htmx fragment of the list, with the hostile search echoed back.
    fragment = await other_client.get(
        "/c/yulin/plots", params={"q": HOSTILE[:40]}, headers=HTMX_PARTIAL
    )
    assert fragment.status_code == 200 and is_fragment(fragment.text)
    assert_inert(fragment.text, HOSTILE, HOSTILE_HTMX, HOSTILE_SHORT)
    searched = await anonymous.get("/c/yulin/plots", params={"q": HOSTILE_HTMX})
    assert_inert(searched.text, HOSTILE_HTMX, own=LIST_HTMX)

    # The map's data: JSON, the text as data.
    data = await anonymous.get("/c/yulin/plots/map.json")
    assert data.headers["content-type"].startswith("application/json")
    assert data.headers["x-content-type-options"] == "nosniff"
    placed = {p["id"]: p for p in data.json()["plots"]}
    assert (placed[plot_id]["name"], placed[plot_id]["team"]) == (HOSTILE, HOSTILE_SHORT)
    assert placed[second.id]["name"] == HOSTILE_HTMX and third.id not in placed

    # Forms sent back with a problem keep what was typed, inert.
    bad_sheet = _csv([["name", "kind"], [HOSTILE, HOSTILE_HTMX]])
    refused: list[tuple[httpx.AsyncClient, str, dict[str, Any], tuple[str, ...]]] = [
        (
            client,
            "/c/yulin/plots",
            {**plot_form, "name": HOSTILE_SHORT, "kind": HOSTILE},
            (HOSTILE_SHORT, HOSTILE_HTMX),
        ),
        (client, f"{plot}/edit", {**plot_form, "area_m2": HOSTILE}, (HOSTILE, HOSTILE_HTMX)),
        (
            client,
            "/c/yulin/plots/import",
            {"csv": bad_sheet},
            (bad_sheet,),
        ),
        (
            client,
            "/c/yulin/committee/settings/plots",
            {"lapse_days": HOSTILE, "lapse_grace_days": HOSTILE_HTMX},
            (HOSTILE, HOSTILE_HTMX),
        ),
        (
            other_client,
            "/c/yulin/teams",
            {"name": HOSTILE, "description": HOSTILE_HTMX, "join_policy": "open"},
            (HOSTILE, HOSTILE_HTMX),
        ),
        (
            other_client,
            f"/c/yulin/teams/{team_id}/edit",
            {"name": HOSTILE_HTMX, "description": HOSTILE, "join_policy": "open"},
            (HOSTILE, HOSTILE_HTMX),
        ),
        (
            other_client,
            f"{plot}/care",
            {"kind": "watering", "minutes": HOSTILE_SHORT, "note": HOSTILE_HTMX},
            (HOSTILE_HTMX,),
        ),
    ]
    before = await plot_snapshot()
    for browser, path, form, shown in refused:
        response = await post_form(browser, path, form)
        assert response.status_code == 422, (path, response.text[:500])
        try:
            assert_inert(response.text, *shown, allowed_tags=("img",), own=LIST_HTMX)
        except AssertionError as problem:
            raise AssertionError(f"{path}: {problem}") from None
    assert await plot_snapshot() == before

    # The committee releases the plot with a reason: the team reads it in its notices, and the
    # committee is told the team in line now asks for the plot.
    released = await post_form(
        client, f"/c/yulin/adoptions/{adoption.id}/release", {"reason": HOSTILE_HTMX}
    )
    assert released.status_code == 303, released.text[:500]
    for browser, shown in [(other_client, (HOSTILE_HTMX,)), (client, (HOSTILE,))]:
        page = await browser.get("/notices")
        assert_inert(page.text, *shown)
    assert await Notification.filter(kind="plots.released").count() == 1


# --- 18. injected form fields --------------------------------------------------------------------


def _injected(scene: PlotScene, world: World, *legit: str) -> dict[str, str]:
    """Fields no plot or team form has (those in ``legit`` left out), pointing elsewhere."""
    victim, other = str(scene.applicant_id), str(world.other.id)
    fields = {
        "id": str(scene.foreign_plot_id),
        "community_id": other,
        "plot_id": str(scene.foreign_plot_id),
        "team_id": str(scene.foreign_team_id),
        "adoption_id": str(scene.foreign_adoption_id),
        "user_id": victim,
        "member_id": victim,
        "requested_by_id": victim,
        "decided_by_id": victim,
        "status": "active",
        "role": "leader",
        "hidden": "1",
        "active": "0",
        "minutes": "600",
        "care_minutes": "9999",
        "member_count": "99",
        "nickname": "注入的小名",
        "term_months": "12",
        "starts_at": "2020-01-01T00:00:00Z",
        "ends_at": "2099-01-01T00:00:00Z",
        "done_at": "2020-01-01T00:00:00Z",
        "last_care_at": "2099-01-01T00:00:00Z",
        "source_proposal_id": str(scene.foreign_proposal_id),
        "photo_id": "1",
        "auto_approve": "1",
        "auto_approve_adoptions": "1",
        "lapse_days": "1",
        "is_committee": "1",
        "is_admin": "1",
        "slug": "hijacked",
    }
    return {key: value for key, value in fields.items() if key not in legit}


async def _foreign_rows(world: World) -> list[Any]:
    """Everything of the other community's plots and teams."""
    there = world.other.id
    return [
        await Plot.filter(community_id=there).order_by("id").values(),
        await Team.filter(community_id=there).order_by("id").values(),
        await TeamMember.filter(team__community_id=there).order_by("id").values(),
        await Adoption.filter(plot__community_id=there).order_by("id").values(),
        await CareTask.filter(plot__community_id=there).order_by("id").values(),
        await CareLog.filter(plot__community_id=there).order_by("id").values(),
        await Community.filter(id=there).values(),
    ]


async def test_injected_fields_are_ignored_by_plot_and_team_forms(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, browsers: Any, world: World
) -> None:
    scene = await build_plot_scene(world)
    here = world.community.id
    foreign_before = await _foreign_rows(world)
    community_before = await Community.get(id=here)

    # The committee (which sits on both communities' committees).
    await login(client, PLOT_COMMITTEE)

    async def committee(path: str, data: dict[str, Any], status: int = 303) -> None:
        response = await post_form(client, path, data)
        assert response.status_code == status, (path, response.text[:800])

    plot_fields = {
        "name": "注入的花坛",
        "kind": "flowerbed",
        "description": "",
        "location": "",
        "latitude": "",
        "longitude": "",
        "area_m2": "",
        "care_needs": "",
    }
    await committee("/c/yulin/plots", {**_injected(scene, world, *plot_fields), **plot_fields})
    await committee(
        f"/c/yulin/plots/{scene.free_plot_id}/edit",
        {**_injected(scene, world, *plot_fields), **plot_fields, "name": "注入后改名"},
    )
    sheet = "name,kind,community_id,status,care_minutes,id,source_proposal_id\n"
    sheet += f"注入导入的花坛,planter,{world.other.id},adopted,999,{scene.plot_id},1\n"
    await committee("/c/yulin/plots/import", {**_injected(scene, world, "csv"), "csv": sheet})
    for name in ("注入的花坛", "注入后改名", "注入导入的花坛"):
        made = await Plot.get(name=name)
        assert (made.community_id, made.status, made.care_minutes) == (here, "available", 0)
        assert (made.last_care_at, made.source_proposal_id, made.photo_id) == (None, None, None)
    assert (await Plot.get(id=scene.plot_id)).name == "认领的花坛"

    await committee(
        f"/c/yulin/adoptions/{scene.pending_id}/decide",
        {**_injected(scene, world, "decision", "reason"), "decision": "approve", "reason": ""},
    )
    decided = await Adoption.get(id=scene.pending_id)
    assert (decided.plot_id, decided.team_id, decided.status) == (
        scene.pending_plot_id,
        scene.other_team_id,
        "active",
    )
    assert (decided.term_months, decided.nickname, decided.requested_by_id) == (
        6,
        "",
        scene.other_leader.id,
    )
    assert decided.decided_by_id == scene.committee.id
    assert decided.ends_at is not None and decided.ends_at.year < 2099
    await committee(
        "/c/yulin/committee/settings/plots",
        {
            **_injected(scene, world, "lapse_days", "lapse_grace_days", "auto_approve_adoptions"),
            "lapse_days": "20",
            "lapse_grace_days": "9",
        },
    )
    # The other settings forms know nothing of automatic approval.
    await committee(
        "/c/yulin/committee/settings",
        {
            **_injected(scene, world),
            "verify_by_code": "1",
            "verify_by_request": "1",
            "household_member_cap": str(community_before.household_member_cap),
            "default_locale": community_before.default_locale,
        },
    )
    await committee(
        "/c/yulin/committee/settings/proposals",
        {**_injected(scene, world), "support_threshold": "3", "custom_categories": ""},
    )
    saved = await Community.get(id=here)
    assert (saved.lapse_days, saved.lapse_grace_days) == (20, 9)
    assert not saved.auto_approve_adoptions and saved.slug == "yulin"

    # The leader of team A.
    await login(other_client, PLOT_LEADER)

    async def leader(path: str, data: dict[str, Any]) -> None:
        response = await post_form(other_client, path, data)
        assert response.status_code == 303, (path, response.text[:800])

    await leader(
        f"/c/yulin/plots/{scene.free_plot_id}/adopt",
        {
            **_injected(scene, world, "team_id", "term_months"),
            "team_id": str(scene.team_id),
            "term_months": "3",
        },
    )
    asked = await Adoption.get(plot_id=scene.free_plot_id)
    assert (asked.team_id, asked.status, asked.term_months, asked.nickname) == (
        scene.team_id,
        "pending",
        3,
        "",
    )
    assert (asked.requested_by_id, asked.decided_by_id, asked.starts_at) == (
        scene.leader.id,
        None,
        None,
    )
    await leader(
        f"/c/yulin/plots/{scene.plot_id}/tasks",
        {
            **_injected(scene, world, "kind", "every_days", "note"),
            "kind": "planting",
            "every_days": "14",
            "note": "注入的任务",
        },
    )
    task = await CareTask.get(note="注入的任务")
    assert (task.plot_id, task.team_id, task.active) == (scene.plot_id, scene.team_id, True)
    await leader(
        f"/c/yulin/tasks/{scene.task_id}/rota",
        {**_injected(scene, world), "week": now().date().isoformat(), "members": []},
    )
    assert not await CareAssignment.exists(user_id=scene.applicant_id)
    await leader(
        f"/c/yulin/adoptions/{scene.adoption_id}/nickname",
        {**_injected(scene, world, "nickname"), "nickname": "小花园"},
    )
    await leader(
        f"/c/yulin/adoptions/{scene.adoption_id}/renew",
        {**_injected(scene, world, "term_months"), "term_months": "3"},
    )
    renewed = await Adoption.get(id=scene.adoption_id)
    assert (renewed.status, renewed.nickname, renewed.plot_id) == (
        "active",
        "小花园",
        scene.plot_id,
    )
    assert renewed.ends_at is not None and renewed.ends_at.year < 2099
    assert renewed.ends_at - scene.adoption_ends < timedelta(days=93)
    team_fields = {"name": "改名的队伍", "description": "新介绍", "join_policy": "request"}
    await leader(
        f"/c/yulin/teams/{scene.team_id}/edit",
        {**_injected(scene, world, *team_fields), **team_fields},
    )
    edited = await Team.get(id=scene.team_id)
    assert (edited.community_id, edited.name, edited.member_count) == (here, "改名的队伍", 2)
    await leader(
        "/c/yulin/teams",
        {**_injected(scene, world, *team_fields), **team_fields, "name": "注入的新队伍"},
    )
    founded = await Team.get(name="注入的新队伍")
    assert (founded.community_id, founded.member_count) == (here, 1)
    [founding] = await TeamMember.filter(team_id=founded.id)
    assert (founding.user_id, founding.role, founding.status) == (
        scene.leader.id,
        "leader",
        "active",
    )
    await leader(
        f"/c/yulin/teams/{scene.team_id}/members/{scene.applicant_id}/decide",
        {**_injected(scene, world, "decision"), "decision": "accept"},
    )
    let_in = await TeamMember.get(team_id=scene.team_id, user_id=scene.applicant_id)
    assert (let_in.role, let_in.status) == ("member", "active")

    # A member of team A logs care: for themselves, their team, this plot, shown.
    member = browsers()
    await login(member, PLOT_MEMBER)
    # No form but the care log's counts minutes, whatever "minutes" it carried.
    plot_before = await Plot.get(id=scene.plot_id)
    assert plot_before.care_minutes == 30  # the scene's one care log
    assert await CareLog.filter(plot__community_id=here).count() == 1
    logged = await post_form(
        member,
        f"/c/yulin/plots/{scene.plot_id}/care",
        {
            **_injected(scene, world, "kind", "minutes", "note"),
            "kind": "weeding",
            "minutes": "25",
            "note": "注入的养护",
        },
    )
    assert logged.status_code == 303, logged.text[:800]
    log = await CareLog.get(note="注入的养护")
    assert (log.plot_id, log.team_id, log.member_id, log.hidden) == (
        scene.plot_id,
        scene.team_id,
        scene.member_id,
        False,
    )
    assert log.minutes == 25 and log.done_at.year == now().year and log.task_id is None
    assert not await CareLogPhoto.exists(log_id=log.id)
    plot_after = await Plot.get(id=scene.plot_id)
    assert plot_after.care_minutes == plot_before.care_minutes + 25
    assert plot_after.last_care_at is not None and plot_after.last_care_at.year < 2099

    # A neighbour asks to join team A (now on request): asking is all they get.
    neighbour = await make_user("injecting-neighbour")
    await make_verified(world.community, neighbour, household="14栋1401")
    joiner = browsers()
    await login(joiner, "injecting-neighbour")
    joined = await post_form(
        joiner, f"/c/yulin/teams/{scene.team_id}/join", _injected(scene, world)
    )
    assert joined.status_code == 303
    asking = await TeamMember.get(user_id=neighbour.id)
    assert (asking.team_id, asking.role, asking.status) == (scene.team_id, "member", "pending")
    assert (await Team.get(id=scene.team_id)).member_count == 3

    assert await _foreign_rows(world) == foreign_before


# --- 19. other communities' objects and malformed ids --------------------------------------------

MALFORMED_IDS = ("abc", "-1", "1e3", "²", "0x10", "1.0", "0", "99999999999", "9" * 13, "9" * 40)


def _id_routes(scene: PlotScene) -> list[tuple[str, str, dict[str, Any]]]:
    """Every plot and team route with an id, as (method, path with {id}, form)."""
    plot_form = {"name": "不该存在", "kind": "flowerbed"}
    team = scene.team_id
    return [
        ("GET", "/c/yulin/plots/{id}", {}),
        ("GET", "/c/yulin/plots/{id}/edit", {}),
        ("POST", "/c/yulin/plots/{id}/edit", plot_form),
        ("POST", "/c/yulin/plots/{id}/status", {"status": "resting"}),
        ("POST", "/c/yulin/plots/{id}/adopt", {"team_id": str(team), "term_months": "6"}),
        ("POST", "/c/yulin/plots/{id}/tasks", {"kind": "watering", "every_days": "3"}),
        ("POST", "/c/yulin/plots/{id}/care", {"kind": "watering", "minutes": "10"}),
        ("POST", "/c/yulin/adoptions/{id}/decide", {"decision": "decline", "reason": "不行"}),
        ("POST", "/c/yulin/adoptions/{id}/withdraw", {}),
        ("POST", "/c/yulin/adoptions/{id}/release", {"reason": "不种了"}),
        ("POST", "/c/yulin/adoptions/{id}/renew", {"term_months": "6"}),
        ("POST", "/c/yulin/adoptions/{id}/hand-over", {"team_id": str(scene.other_team_id)}),
        ("POST", "/c/yulin/adoptions/{id}/nickname", {"nickname": ""}),
        ("POST", "/c/yulin/tasks/{id}/stop", {}),
        ("POST", "/c/yulin/tasks/{id}/rota", {"week": "2026-03-02", "members": []}),
        ("POST", "/c/yulin/care/{id}/hide", {"hidden": "1"}),
        ("GET", "/c/yulin/teams/{id}", {}),
        ("GET", "/c/yulin/teams/{id}/edit", {}),
        ("POST", "/c/yulin/teams/{id}/edit", {"name": "不该存在", "join_policy": "open"}),
        ("POST", "/c/yulin/teams/{id}/join", {}),
        ("POST", "/c/yulin/teams/{id}/leave", {}),
        ("POST", f"/c/yulin/teams/{team}/members/{{id}}/decide", {"decision": "accept"}),
        ("POST", f"/c/yulin/teams/{team}/members/{{id}}/leader", {"leader": "1"}),
        ("POST", "/c/yulin/teams/{id}/members/" + str(scene.member_id) + "/leader", {}),
        ("GET", "/c/yulin/hours/{id}/certificate", {}),
        ("POST", "/c/yulin/plots/from-project/{id}", {"names": "不该存在", "kind": "flowerbed"}),
    ]


def _id_fields(scene: PlotScene) -> list[tuple[str, str, dict[str, Any]]]:
    """Ids in forms, as (path, field, the rest of the form)."""
    return [
        (f"/c/yulin/plots/{scene.free_plot_id}/adopt", "team_id", {"term_months": "6"}),
        (f"/c/yulin/adoptions/{scene.hand_over_id}/hand-over", "team_id", {}),
        (
            f"/c/yulin/plots/{scene.plot_id}/care",
            "task_id",
            {"kind": "watering", "minutes": "10"},
        ),
    ]


async def _request(
    client: httpx.AsyncClient, token: str, method: str, path: str, form: dict[str, Any]
) -> httpx.Response:
    if method == "GET":
        return await client.get(path)
    return await client.post(path, data={"csrf_token": token, **form})


@pytest.fixture
async def empowered(client: httpx.AsyncClient, world: World) -> tuple[PlotScene, str]:
    """The plot scene, and the leader of team A signed in, made committee here as well: each
    route gets as far as looking its object up. Returns the scene and a CSRF token."""
    scene = await build_plot_scene(world)
    await make_committee(world.community, scene.leader)
    await login(client, PLOT_LEADER)
    return scene, await csrf_token(client)


async def test_other_communitys_plot_objects_are_the_same_404_as_missing_ones(
    client: httpx.AsyncClient, world: World, empowered: tuple[PlotScene, str]
) -> None:
    scene, token = empowered
    before = await plot_snapshot()
    foreign = {
        "plots": scene.foreign_plot_id,
        "adoptions": scene.foreign_adoption_id,
        "tasks": scene.foreign_task_id,
        "care": scene.foreign_log_id,
        "teams": scene.foreign_team_id,
        "hours": scene.foreign_leader_id,
        "proposals": scene.foreign_proposal_id,
    }
    failures = []
    for method, template, form in _id_routes(scene):
        kind = template.split("/")[3]
        # For a member of the team: the other community's team leader, not in team A.
        foreign_id = scene.foreign_leader_id if "members/{id}" in template else foreign[kind]
        ids = [str(foreign_id)]
        if kind == "adoptions":
            ids.append(str(scene.foreign_pending_id))
        missing = await _request(client, token, method, template.format(id=MISSING), form)
        # Letting in someone who has not asked to join is a 409, whoever they are.
        refusal = 409 if template.endswith("/decide") and kind == "teams" else 404
        if missing.status_code != refusal:
            failures.append(f"{method} {template} with a missing id: {missing.status_code}")
        for value in ids:
            response = await _request(client, token, method, template.format(id=value), form)
            where = f"{method} {template} with {value}"
            if response.status_code != missing.status_code:
                failures.append(f"{where}: {response.status_code}, missing {missing.status_code}")
            elif _main(response.text) != _main(missing.text):
                failures.append(f"{where}: not the same page as a missing one")
    # Another community's team or task named in this community's forms.
    for path, name, form in _id_fields(scene):
        value = {"team_id": scene.foreign_team_id, "task_id": scene.foreign_task_id}[name]
        for sent in (str(value), MISSING):
            response = await client.post(path, data={"csrf_token": token, **form, name: sent})
            if response.status_code != 404:
                failures.append(f"POST {path} with {name}={sent}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert await plot_snapshot() == before


async def test_malformed_plot_and_team_ids_are_404(
    client: httpx.AsyncClient, world: World, empowered: tuple[PlotScene, str]
) -> None:
    scene, token = empowered
    before = await plot_snapshot()
    failures = []
    for method, template, form in _id_routes(scene):
        missing = await _request(client, token, method, template.format(id=MISSING), form)
        for raw in MALFORMED_IDS:
            response = await _request(client, token, method, template.format(id=raw), form)
            # Malformed: 404. Well-formed ids of nothing: as a missing one (see above).
            well_formed = raw.isascii() and raw.isdigit() and int(raw) <= ID_MAX
            expected = missing.status_code if well_formed else 404
            if response.status_code != expected:
                failures.append(f"{method} {template} with {raw!r}: {response.status_code}")
    for path, name, form in _id_fields(scene):
        for raw in MALFORMED_IDS:
            response = await client.post(path, data={"csrf_token": token, **form, name: raw})
            if response.status_code != 404:
                failures.append(f"POST {path} with {name}={raw!r}: {response.status_code}")
    rota = f"/c/yulin/tasks/{scene.task_id}/rota"
    for raw in MALFORMED_IDS:
        response = await client.post(
            rota, data={"csrf_token": token, "week": "2026-03-02", "members": [raw]}
        )
        if response.status_code not in (404, 422):
            failures.append(f"POST {rota} with members={raw!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert await plot_snapshot() == before


# --- 20. residents at the committee's plot endpoints ---------------------------------------------


async def test_residents_posting_to_plot_committee_endpoints_get_403(
    client: httpx.AsyncClient, world: World
) -> None:
    """A plain resident, a team leader and a team member: the committee's plot pages and
    actions are refused, in full pages and in htmx fragments, and nothing changes."""
    scene = await build_plot_scene(world)
    neighbour = await make_user("plot-neighbour")
    await make_verified(world.community, neighbour, household="14栋1402")
    writes: list[tuple[str, dict[str, Any]]] = [
        ("/c/yulin/plots", {"name": "居民的花坛", "kind": "flowerbed"}),
        ("/c/yulin/plots/import", {"csv": "name,kind\n居民导入的花坛,planter\n"}),
        (f"/c/yulin/plots/{scene.plot_id}/edit", {"name": "居民改名", "kind": "planter"}),
        (f"/c/yulin/plots/{scene.status_plot_id}/status", {"status": "retired"}),
        (f"/c/yulin/adoptions/{scene.pending_id}/decide", {"decision": "approve"}),
        (f"/c/yulin/adoptions/{scene.request_id}/decide", {"decision": "decline", "reason": "x"}),
        (f"/c/yulin/care/{scene.log_id}/hide", {"hidden": "1"}),
        (
            "/c/yulin/committee/settings/plots",
            {"lapse_days": "1", "lapse_grace_days": "0", "auto_approve_adoptions": "1"},
        ),
        (
            f"/c/yulin/plots/from-project/{scene.completed_proposal_id}",
            {"names": "居民的花坛", "kind": "flowerbed"},
        ),
    ]
    reads = [
        "/c/yulin/plots/new",
        "/c/yulin/plots/import",
        "/c/yulin/plots/adoptions",
        f"/c/yulin/plots/{scene.plot_id}/edit",
        "/c/yulin/hours",
        "/c/yulin/hours.csv",
    ]
    before = await plot_snapshot()
    failures = []
    for subject in ("plot-neighbour", PLOT_LEADER, PLOT_MEMBER):
        await login(client, subject)
        token = await csrf_token(client)
        for path, data in writes:
            plain = await client.post(path, data={"csrf_token": token, **data})
            if plain.status_code != 403 or "<html" not in plain.text:
                failures.append(f"{subject} POST {path}: {plain.status_code}")
            partial = await client.post(
                path, data=data, headers={**HTMX_PARTIAL, "X-CSRF-Token": token}
            )
            if partial.status_code != 403 or not is_fragment(partial.text):
                failures.append(f"{subject} htmx POST {path}: {partial.status_code}")
        for path in reads:
            page = await client.get(path)
            if page.status_code != 403:
                failures.append(f"{subject} GET {path}: {page.status_code}")
    assert not failures, "\n".join(failures)
    assert await plot_snapshot() == before
    assert not (await Community.get(id=world.community.id)).auto_approve_adoptions
