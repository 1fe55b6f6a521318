"""A volunteer's own hours (issue 12, item 6).

田秀芳 leads 玉林护花使者队, which has adopted two flowerbeds; she has logged care on them
three times, and 李家, in her team, once. From her team's page she follows 我的志愿服务时长
to her own hours: each check-in, the totals per team and month; then to her certificate,
which prints on one A4 page without the site's header and links. The same page is on her
profile. 陈阿姨, a volunteer in no team, is not offered the link. No page visited answers 403.
With JavaScript on (htmx boosts the links) and off.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Response, expect

from participation.plots.rules import CARE_LABELS, CareKind, hours_text
from tests.browser.support import (
    LiveServer,
    OpenPage,
    assert_accessible,
    assert_no_horizontal_scroll,
    sign_in,
    zh,
)
from tests.factories import (
    COMMUNITY_NAME,
    COMMUNITY_SLUG,
    RESIDENTS,
    VOLUNTEER,
    adopt,
    log_care,
    make_plot,
    make_team,
)
from tests.support import now

VOLUNTEER_SUBJECT, VOLUNTEER_NAME = RESIDENTS[0]  # tian-xiufang, 田秀芳
TEAM = "玉林护花使者队"
FIRST_BED, SECOND_BED = "银杏树下一号花坛", "银杏树下二号花坛"
# Her care logs: days ago, plot, kind, minutes.
HER_LOGS = [
    (2, FIRST_BED, CareKind.WATERING, 30),
    (6, SECOND_BED, CareKind.PLANTING, 60),
    (12, FIRST_BED, CareKind.WATERING, 30),
]
CHENGDU = ZoneInfo("Asia/Shanghai")
PHONE = {"width": 360, "height": 740}


def this_years_logs() -> list[tuple[int, str, CareKind, int]]:
    """Her logs that fall in this year on Chengdu's calendar (early in January, fewer)."""
    today = datetime.now(CHENGDU)
    return [log for log in HER_LOGS if (today - timedelta(days=log[0])).year == today.year]


@pytest.fixture
def her_care_logs(live_server: LiveServer) -> None:
    """The team, its two flowerbeds (adopted a month ago), her logs and one of 李家's."""
    hood = live_server.neighbourhood
    tian, li = hood.residents[0], hood.residents[1]
    adopted = now() - timedelta(days=30)

    async def work() -> None:
        team = await make_team(hood, tian, TEAM, members=[li], at=adopted)
        plots: dict[str, int] = {}
        for name in (FIRST_BED, SECOND_BED):
            plots[name] = await make_plot(hood, name, at=adopted)
            await adopt(hood, tian, team, plots[name], at=adopted)
        today = now()
        for days_ago, plot, kind, minutes in HER_LOGS:
            at = today - timedelta(days=days_ago)
            await log_care(hood, tian, plots[plot], kind.value, minutes, at=at)
        await log_care(hood, li, plots[FIRST_BED], "weeding", 45, at=today - timedelta(days=9))

    live_server.in_database(work)


def watch_for_refusals(page: Page, refused: list[str]) -> None:
    def record(response: Response) -> None:
        if response.status in (401, 403):
            refused.append(f"{response.status} {response.url}")

    page.on("response", record)


@pytest.mark.usefixtures("her_care_logs")
@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_volunteer_finds_her_own_hours_and_prints_her_certificate(
    open_page: OpenPage, live_server: LiveServer, javascript: bool
) -> None:
    slug = COMMUNITY_SLUG
    year = datetime.now(CHENGDU).year
    logs = this_years_logs()
    minutes = sum(log[3] for log in logs)
    refused: list[str] = []

    page = open_page(java_script_enabled=javascript)
    watch_for_refusals(page, refused)
    page.goto(f"/c/{slug}/teams")
    sign_in(page, VOLUNTEER_SUBJECT, shown_as=VOLUNTEER_NAME, axe=javascript)
    page.get_by_role("link", name=TEAM, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TEAM)
    page.get_by_role("link", name=zh("My volunteer hours"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        zh("My volunteer hours %(year)s", year=year)
    )
    assert re.search(rf"/c/{slug}/hours/mine$", page.url), page.url
    expect(page.get_by_label(zh("Year"))).to_have_value(str(year))
    items = page.locator("#check-ins > li")
    expect(items).to_have_count(len(logs))
    for item, (_days, plot, kind, logged) in zip(items.all(), logs, strict=True):
        expect(item.locator(".check-in-plot")).to_have_text(plot)
        expect(item.locator(".check-in-team")).to_have_text(TEAM)
        expect(item.locator(".check-in-task")).to_have_text(zh(CARE_LABELS[kind]))
        expect(item.locator(".check-in-minutes")).to_have_text(
            zh("%(minutes)s minutes", minutes=logged)
        )
    by_team = page.locator("#by-team tbody tr")
    expect(by_team).to_have_count(1)
    expect(by_team.get_by_role("rowheader")).to_have_text(TEAM)
    expect(by_team.get_by_role("cell").nth(1)).to_have_text(hours_text(minutes))
    expect(page.locator("#my-total")).to_contain_text(hours_text(minutes))
    if javascript:
        assert_accessible(page)

    page.get_by_role("link", name=zh("Print my certificate of service hours")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Volunteer service certificate"))
    lead = page.locator("p.cert-lead")
    expect(lead).to_contain_text(VOLUNTEER_NAME)
    expect(lead).to_contain_text(re.compile(rf"(?<![\d.]){re.escape(hours_text(minutes))}(?!\d)"))
    if javascript:
        assert_accessible(page)
        # On paper: the certificate alone, on one A4 sheet.
        page.emulate_media(media="print")
        expect(page.locator("header.site")).to_be_hidden()
        expect(page.locator("footer.site")).to_be_hidden()
        expect(page.locator(".no-print").first).to_be_hidden()
        expect(page.locator("article.certificate")).to_be_visible()
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the certificate is one A4 page"
        page.emulate_media(media="screen")

    # Her profile leads to the same page.
    page.goto("/profile")
    page.get_by_role(
        "link", name=zh("My volunteer hours in %(community)s", community=COMMUNITY_NAME)
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        zh("My volunteer hours %(year)s", year=year)
    )

    phone = open_page(java_script_enabled=javascript, viewport=PHONE)
    watch_for_refusals(phone, refused)
    phone.goto(f"/c/{slug}")
    sign_in(phone, VOLUNTEER_SUBJECT, shown_as=VOLUNTEER_NAME, axe=False)
    phone.goto(f"/c/{slug}/hours/mine")
    expect(phone.locator("#check-ins")).to_be_visible()
    assert_no_horizontal_scroll(phone, PHONE["width"])

    # A volunteer in no team has no hours to be linked to on the team's page.
    other = open_page(java_script_enabled=javascript)
    watch_for_refusals(other, refused)
    other.goto(f"/c/{slug}/teams")
    sign_in(other, VOLUNTEER[0], shown_as=VOLUNTEER[1], axe=False)
    other.get_by_role("link", name=TEAM, exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(TEAM)
    expect(other.get_by_role("link", name=zh("My volunteer hours"))).to_have_count(0)

    assert refused == [], refused
