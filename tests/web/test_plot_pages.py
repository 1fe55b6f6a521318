"""Plots, teams, adoption and care over HTTP: the pages render for every visitor, the forms
work without JavaScript, and hostile text stays inert."""

from __future__ import annotations

import csv
import io

import httpx

from participation.plots.models import Adoption, CareLog, Plot, Team
from tests.support import (
    HOSTILE,
    HOSTILE_SHORT,
    login,
    make_committee,
    make_verified,
    make_world,
    post_form,
)

PLOTS_CSV = (
    "name,kind,location,latitude,longitude,area_m2,care_needs\n"
    "银杏树下花坛,flowerbed,玉林东路12号,30.6341,104.0512,12,夏天每周浇水两次\n"
    "二号花墙,flower_wall,玉林东路14号,30.6344,104.0515,8,\n"
    f"口袋花园 {HOSTILE},pocket_garden,转角,,,30,\n"
)


async def test_a_team_adopts_a_plot_and_logs_care(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    world = await make_world()
    committee = await login(client, "plots-committee")
    await make_committee(world.community, committee)
    imported = await post_form(client, "/c/yulin/plots/import", {"csv": PLOTS_CSV})
    assert imported.status_code == 303, imported.text[:800]
    assert await Plot.filter(community_id=world.community.id).count() == 3
    plot = await Plot.get(name="银杏树下花坛")

    leader = await login(other_client, "plots-leader")
    await make_verified(world.community, leader, household="3栋301")
    founded = await post_form(
        other_client, "/c/yulin/teams", {"name": f"护花使者 {HOSTILE_SHORT}", "join_policy": "open"}
    )
    assert founded.status_code == 303, founded.text[:800]
    team = await Team.get(community_id=world.community.id)
    asked = await post_form(
        other_client,
        f"/c/yulin/plots/{plot.id}/adopt",
        {"team_id": str(team.id), "term_months": "6"},
    )
    assert asked.status_code == 303, asked.text[:800]
    adoption = await Adoption.get(plot_id=plot.id)
    decided = await post_form(
        client, f"/c/yulin/adoptions/{adoption.id}/decide", {"decision": "approve", "reason": ""}
    )
    assert decided.status_code == 303, decided.text[:800]
    assert (await Plot.get(id=plot.id)).status == "adopted"

    task = await post_form(
        other_client,
        f"/c/yulin/plots/{plot.id}/tasks",
        {"kind": "watering", "every_days": "3", "note": HOSTILE[:200]},
    )
    assert task.status_code == 303, task.text[:800]
    logged = await post_form(
        other_client,
        f"/c/yulin/plots/{plot.id}/care",
        {"kind": "watering", "minutes": "30", "note": HOSTILE},
    )
    assert logged.status_code == 303, logged.text[:800]
    assert (await CareLog.get()).minutes == 30

    for browser in (client, other_client):
        for path in (
            "/c/yulin/plots",
            f"/c/yulin/plots/{plot.id}",
            "/c/yulin/teams",
            f"/c/yulin/teams/{team.id}",
            "/c/yulin/plots/map.json",
        ):
            page = await browser.get(path)
            assert page.status_code == 200, (path, page.text[:800])
            assert "<script>alert(1)" not in page.text
    shown = (await other_client.get(f"/c/yulin/plots/{plot.id}")).text
    assert "&lt;script&gt;alert(1)" in shown and "30" in shown

    hours = await client.get("/c/yulin/hours.csv")
    assert hours.status_code == 200
    rows = list(csv.reader(io.StringIO(hours.text.lstrip("\ufeff"))))
    assert rows[0] == ["month", "member", "team", "care_logs", "minutes", "hours"]
    assert rows[1][4:] == ["30", "0.5"]
    certificate = await other_client.get(f"/c/yulin/hours/{leader.id}/certificate")
    assert certificate.status_code == 200 and "0.5" in certificate.text
    assert (await client.get("/c/yulin/plots/adoptions")).status_code == 200
    assert (await client.get("/c/yulin/hours")).status_code == 200
    anonymous = await httpx.AsyncClient(
        transport=client._transport, base_url=str(client.base_url)
    ).get("/c/yulin/plots")
    assert anonymous.status_code == 200


async def test_the_follow_up_warns_a_quiet_team_once_and_says_so(client: httpx.AsyncClient) -> None:
    """What `huakai follow-up` (and each worker's timer) runs: the plot follow-up (a six-month
    term that began 30 days ago is not near its end)."""
    from datetime import timedelta

    from participation.core.permissions import Actor
    from participation.jobs import run_all
    from participation.plots import adoption, services, teams
    from participation.plots.plot_input import PlotInput
    from tests.support import make_user, now

    world = await make_world()
    committee, leader = await make_user("fu-committee"), await make_user("fu-leader")
    await make_committee(world.community, committee)
    await make_verified(world.community, leader, household="8栋801")
    boss, lead = Actor(user_id=committee.id), Actor(user_id=leader.id)
    long_ago = now() - timedelta(days=30)
    plot = await services.create_plot(
        boss, world.community.id, PlotInput("安静的花坛", "flowerbed"), now=long_ago
    )
    team = await teams.found_team(lead, world.community.id, teams.TeamInput("安静队"), now=long_ago)
    asked = await adoption.request_adoption(
        lead, world.community.id, plot.id, team.id, 6, now=long_ago
    )
    await adoption.decide_adoption(boss, world.community.id, asked.id, True, "", now=long_ago)
    assert await run_all(now()) == [
        "plot follow-up: 1 teams warned, 1 committees asked, "
        "0 teams reminded of their term's end, 0 members of their rota week",
        "conventions: 0 closed votes counted",
        "conventions: 0 voters told a vote closes soon",
        "0 expired receipts and code sheets forgotten",
    ]
    assert (await run_all(now()))[0] == (
        "plot follow-up: 0 teams warned, 0 committees asked, "
        "0 teams reminded of their term's end, 0 members of their rota week"
    )
    assert (await Adoption.get(id=asked.id)).status == "active"  # nothing is released
