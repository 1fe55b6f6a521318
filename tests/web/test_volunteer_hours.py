"""A volunteer's own hours (issue 12, item 6): their check-ins and totals on a page of their own,
the same figures as the committee's page and their certificate, counted in the community's
months; and no link to volunteer hours is shown to anyone who may not open it."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from participation.accounts.models import User
from participation.core.permissions import Actor
from participation.moderation.services import actions
from participation.plots import adoption, care, teams
from participation.plots import services as plot_services
from participation.plots.models import CareLog
from participation.plots.plot_input import PlotInput
from participation.plots.teams import TeamInput
from tests.support import World, login, make_committee, make_user, make_verified, now
from tests.web.helpers import page_links, table_rows

YEAR = 2025
CHENGDU = ZoneInfo("Asia/Shanghai")
MEMBER = "hours-member"  # in both teams
LEADER = "hours-leader"  # leads team A
OTHER_LEADER = "hours-other-leader"  # leads team B
RESIDENT = "hours-resident"  # verified here, in no team
FOREIGN = "hours-foreign"  # a volunteer of the other community
COMMITTEE = "hours-committee"


def chengdu(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHENGDU).astimezone(UTC)  # type: ignore[misc]


@dataclass
class HoursScene:
    member: User
    team_a: int
    team_b: int
    plot_a: int
    plot_b: int


async def _log(
    user: User, community_id: int, plot_id: int, kind: str, minutes: int, at: datetime
) -> CareLog:
    log = await care.log_care(
        Actor(user_id=user.id),
        community_id,
        plot_id,
        care.CareInput(kind, str(minutes), ""),
        now=now(),
    )
    await CareLog.filter(id=log.id).update(done_at=at)
    return log


async def build_hours_scene(world: World) -> HoursScene:
    here, there = world.community.id, world.other.id
    users = {
        subject: await make_user(subject, name)
        for subject, name in (
            (MEMBER, "队员老周"),
            (LEADER, "队长阿芳"),
            (OTHER_LEADER, "绿手指队长"),
            (RESIDENT, "没入队的邻居"),
            (FOREIGN, "别处的志愿者"),
            (COMMITTEE, "时长委员"),
        )
    }
    for number, subject in enumerate((MEMBER, LEADER, OTHER_LEADER, RESIDENT), start=1):
        await make_verified(world.community, users[subject], household=f"7栋70{number}")
    await make_verified(world.other, users[FOREIGN], household="8栋801")
    committee = users[COMMITTEE]
    await make_committee(world.community, committee)
    await make_committee(world.other, committee)

    def by(subject: str) -> Actor:
        return Actor(user_id=users[subject].id)

    team_a = await teams.found_team(by(LEADER), here, TeamInput("护花使者", "", "open"), now=now())
    team_b = await teams.found_team(
        by(OTHER_LEADER), here, TeamInput("绿手指", "", "open"), now=now()
    )
    foreign_team = await teams.found_team(
        by(FOREIGN), there, TeamInput("别处的队伍", "", "open"), now=now()
    )
    for team in (team_a, team_b):
        await teams.join_team(by(MEMBER), here, team.id, now=now())

    async def adopted(community_id: int, name: str, team_id: int, leader: str) -> int:
        plot = await plot_services.create_plot(
            Actor(user_id=committee.id), community_id, PlotInput(name, "flowerbed"), now=now()
        )
        asked = await adoption.request_adoption(
            by(leader), community_id, plot.id, team_id, 6, now=now()
        )
        await adoption.decide_adoption(
            Actor(user_id=committee.id), community_id, asked.id, True, "", now=now()
        )
        return plot.id

    plot_a = await adopted(here, "银杏树下花坛", team_a.id, LEADER)
    plot_b = await adopted(here, "二号花墙", team_b.id, OTHER_LEADER)
    foreign_plot = await adopted(there, "别处的花坛", foreign_team.id, FOREIGN)

    member = users[MEMBER]
    # 05:00 on New Year's Day in Chengdu is still 2024 in UTC; 07:00 on 1 March still February.
    await _log(member, here, plot_a, "watering", 30, chengdu(YEAR, 1, 1, 5))
    await _log(member, here, plot_b, "weeding", 45, chengdu(YEAR, 3, 1, 7))
    hidden = await _log(member, here, plot_a, "cleaning", 20, chengdu(YEAR, 3, 15, 10))
    await actions.hide_directly(
        Actor(user_id=committee.id), here, "care_log", hidden.id, hidden=True, now=now()
    )
    await _log(member, here, plot_a, "watering", 60, chengdu(YEAR - 1, 6, 1, 9))  # last year
    await _log(users[LEADER], here, plot_a, "watering", 25, chengdu(YEAR, 3, 10, 8))
    await _log(users[FOREIGN], there, foreign_plot, "planting", 40, chengdu(YEAR, 3, 5, 9))
    return HoursScene(member, team_a.id, team_b.id, plot_a, plot_b)


@pytest.fixture
async def scene(world: World) -> HoursScene:
    return await build_hours_scene(world)


MINE = f"/c/yulin/hours/mine?year={YEAR}"
CHECK_IN_PARTS = ("day", "plot", "task", "minutes", "team")


def check_ins(page: str) -> list[dict[str, str]]:
    """The page's list of check-ins: each one's day, plot, task, minutes, team, and whether it
    says it is hidden."""
    found = re.search(r'<ol class="timeline" id="check-ins"[^>]*>(.*?)</ol>', page, re.S)
    assert found, "no list of check-ins on the page"
    items = []
    for item in found.group(1).split("<li>")[1:]:
        parts = {
            part: html.unescape(
                re.search(rf'class="check-in-{part}"[^>]*>([^<]*)<', item).group(1)  # type: ignore[union-attr]
            )
            for part in CHECK_IN_PARTS
        }
        parts["hidden"] = "yes" if "<small>" in item else ""
        items.append(parts)
    return items


async def test_a_volunteer_sees_each_of_their_check_ins_and_their_totals(
    client: httpx.AsyncClient, scene: HoursScene
) -> None:
    await login(client, MEMBER)
    page = await client.get(MINE)
    assert page.status_code == 200, page.text[:800]
    assert "no-store" in page.headers["cache-control"]

    # Newest first; the hidden one is theirs and still counts; last year's is not this year's;
    # the leader's and the other community's volunteer's logs are not theirs.
    assert check_ins(page.text) == [
        {
            "day": f"{YEAR}年3月15日星期六",
            "plot": "银杏树下花坛",
            "task": "清洁",
            "minutes": "20分钟",
            "team": "护花使者",
            "hidden": "yes",
        },
        {
            "day": f"{YEAR}年3月1日星期六",
            "plot": "二号花墙",
            "task": "除草",
            "minutes": "45分钟",
            "team": "绿手指",
            "hidden": "",
        },
        {
            "day": f"{YEAR}年1月1日星期三",
            "plot": "银杏树下花坛",
            "task": "浇水",
            "minutes": "30分钟",
            "team": "护花使者",
            "hidden": "",
        },
    ], "each on the community's calendar"
    assert table_rows(page.text, "by-team") == [["护花使者", "2", "0.8"], ["绿手指", "1", "0.8"]]
    assert table_rows(page.text, "by-month") == [
        [f"{YEAR}-01", "1", "0.5"],
        [f"{YEAR}-03", "2", "1.1"],
    ]
    assert re.search(r'id="my-total">[^<]*1\.6[^<]*3', page.text), "95 minutes in 3 logs"
    links = dict(page_links(page.text))
    certificate = f"/c/yulin/hours/{scene.member.id}/certificate?year={YEAR}"
    assert links[certificate] == "打印我的志愿服务时长证明"
    assert links[f"/c/yulin/plots/{scene.plot_b}"] == "二号花墙"

    last_year = await client.get(f"/c/yulin/hours/mine?year={YEAR - 1}")
    assert [(c["plot"], c["minutes"]) for c in check_ins(last_year.text)] == [
        ("银杏树下花坛", "60分钟")
    ]


def _sums(rows: list[tuple[str, str, int, int]]) -> tuple[dict[str, int], dict[str, int]]:
    """(minutes per team, minutes per month) of (month, team, logs, minutes) rows."""
    teams_: dict[str, int] = {}
    months: dict[str, int] = {}
    for month, team, _logs, minutes in rows:
        teams_[team] = teams_.get(team, 0) + minutes
        months[month] = months.get(month, 0) + minutes
    return teams_, months


async def test_the_figures_match_the_committee_page_the_csv_and_the_certificate(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, scene: HoursScene
) -> None:
    await login(client, MEMBER)
    mine = (await client.get(MINE)).text
    certificate = await client.get(f"/c/yulin/hours/{scene.member.id}/certificate?year={YEAR}")
    assert certificate.status_code == 200
    await login(other_client, COMMITTEE)
    committee_page = (await other_client.get(f"/c/yulin/hours?year={YEAR}")).text
    committee_csv = await other_client.get(f"/c/yulin/hours.csv?year={YEAR}")

    # Hours are rounded per row, so compare minutes (the CSV has them) and logs.
    csv_rows = [
        (row[0], row[2], int(row[3]), int(row[4]))
        for row in list(csv.reader(io.StringIO(committee_csv.text.lstrip("\ufeff"))))[1:]
        if row[1] == "队员老周"
    ]
    assert csv_rows == [
        (f"{YEAR}-01", "护花使者", 1, 30),
        (f"{YEAR}-03", "护花使者", 1, 20),
        (f"{YEAR}-03", "绿手指", 1, 45),
    ]
    committee_rows = [
        (row[0], row[2], int(row[3]), row[4])
        for row in table_rows(committee_page, "volunteer-hours")
        if row[1] == "队员老周"
    ]
    certificate_rows = [
        (row[0], row[1], int(row[2]), row[3])
        for row in table_rows(certificate.text, "certificate-rows")
    ]
    hours_shown = [
        (m, t, n, f"{(minutes * 10 + 30) // 60 / 10:.1f}") for m, t, n, minutes in csv_rows
    ]
    assert committee_rows == certificate_rows == hours_shown

    by_team, by_month = _sums(csv_rows)
    assert {row[0]: row[2] for row in table_rows(mine, "by-team")} == {
        team: f"{(minutes * 10 + 30) // 60 / 10:.1f}" for team, minutes in by_team.items()
    }
    assert {row[0]: row[2] for row in table_rows(mine, "by-month")} == {
        month: f"{(minutes * 10 + 30) // 60 / 10:.1f}" for month, minutes in by_month.items()
    }
    assert sum(int(c["minutes"].removesuffix("分钟")) for c in check_ins(mine)) == sum(
        minutes for *_, minutes in csv_rows
    )
    lead = re.search(r'class="cert-lead">([^<]*)<', certificate.text)
    assert lead and "1.6" in lead.group(1), "the certificate's total is the page's"


async def test_the_committee_counts_hours_in_the_communitys_months(
    client: httpx.AsyncClient, scene: HoursScene
) -> None:
    """New Year's morning in Chengdu is this year's, the morning of 1 March is March's."""
    await login(client, COMMITTEE)
    rows = table_rows((await client.get(f"/c/yulin/hours?year={YEAR}")).text, "volunteer-hours")
    member_rows = [(row[0], row[2], row[4]) for row in rows if row[1] == "队员老周"]
    assert member_rows == [
        (f"{YEAR}-01", "护花使者", "0.5"),
        (f"{YEAR}-03", "护花使者", "0.3"),
        (f"{YEAR}-03", "绿手指", "0.8"),
    ]
    earlier = table_rows(
        (await client.get(f"/c/yulin/hours?year={YEAR - 1}")).text, "volunteer-hours"
    )
    assert [(row[0], row[4]) for row in earlier if row[1] == "队员老周"] == [
        (f"{YEAR - 1}-06", "1.0")
    ]


async def test_an_anonymous_visitor_is_asked_to_sign_in(
    client: httpx.AsyncClient, scene: HoursScene
) -> None:
    response = await client.get(MINE)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/c/yulin/hours/mine"


async def test_another_communitys_volunteer_gets_their_own_empty_page(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, scene: HoursScene
) -> None:
    """Anyone signed in may open the page of any community: it only ever shows their own care,
    so a community where they have none shows an empty year, never anyone else's."""
    await login(client, FOREIGN)
    here = await client.get(MINE)
    assert here.status_code == 200
    assert 'id="check-ins"' not in here.text
    assert re.search(rf'id="my-total">[^<]*{YEAR}', here.text)
    there = await client.get(f"/c/yulin-other/hours/mine?year={YEAR}")
    assert [(c["plot"], c["team"], c["task"]) for c in check_ins(there.text)] == [
        ("别处的花坛", "别处的队伍", "种植")
    ]
    await login(other_client, MEMBER)
    theirs = await other_client.get(f"/c/yulin-other/hours/mine?year={YEAR}")
    assert theirs.status_code == 200 and 'id="check-ins"' not in theirs.text
    assert (await client.get("/c/nowhere/hours/mine")).status_code == 404


HOURS_LINK = re.compile(r"^/c/[^/]+/hours")


async def _hours_links(client: httpx.AsyncClient, path: str) -> set[str]:
    """The links to volunteer-hours pages on the page at ``path``."""
    page = await client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return {href for href, _text in page_links(page.text) if HOURS_LINK.match(urlsplit(href).path)}


async def test_each_visitor_is_linked_only_to_hours_pages_they_may_open(
    browsers: Callable[[], httpx.AsyncClient], scene: HoursScene
) -> None:
    """Where residents look (the community, the teams, the profile), and the hours pages
    themselves: every link to an hours page opens for the visitor who sees it."""
    where_people_look = [
        "/c/yulin",
        "/c/yulin/teams",
        f"/c/yulin/teams/{scene.team_a}",
        f"/c/yulin/teams/{scene.team_b}",
        "/profile",
    ]
    found: dict[str, set[str]] = {}
    for subject in (MEMBER, LEADER, RESIDENT, FOREIGN, COMMITTEE):
        visitor = browsers()
        user = await login(visitor, subject)
        hours_pages = [MINE, f"/c/yulin/hours/{user.id}/certificate?year={YEAR}"]
        if subject == COMMITTEE:
            hours_pages += [
                f"/c/yulin/hours?year={YEAR}",
                f"/c/yulin/hours/{scene.member.id}/certificate?year={YEAR}",
            ]
        found[subject] = set()
        for path in where_people_look + hours_pages:
            links = await _hours_links(visitor, path)
            for href in links:
                opened = await visitor.get(href)
                assert opened.status_code == 200, (
                    f"{subject}: {href} on {path}: {opened.status_code}"
                )
            if path in where_people_look:
                found[subject] |= {urlsplit(href).path for href in links}

    assert found[MEMBER] == found[LEADER] == {"/c/yulin/hours/mine"}, "team pages and profile"
    assert found[RESIDENT] == set(), "in no team: no hours to find"
    assert found[FOREIGN] == {"/c/yulin-other/hours/mine"}, "their profile: their own community"
    assert found[COMMITTEE] == {"/c/yulin/hours"}, "the committee's tools"


async def test_the_profile_links_to_the_hours_of_each_community_where_one_volunteers(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, scene: HoursScene
) -> None:
    await login(client, MEMBER)
    profile = (await client.get("/profile")).text
    assert [href for href, _ in page_links(profile) if "/hours" in href] == ["/c/yulin/hours/mine"]
    await login(other_client, RESIDENT)
    nothing = (await other_client.get("/profile")).text
    assert 'id="my-hours"' not in nothing
