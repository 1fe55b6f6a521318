"""Error pages pass axe; pages fit a 360 px phone without scrolling sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    LiveServer,
    OpenPage,
    account_nav,
    assert_accessible,
    assert_no_horizontal_scroll,
    en,
    sign_in,
    zh,
)
from tests.factories import (
    ACCEPTED,
    COMMITTEE,
    COMMUNITY_SLUG,
    adopt,
    log_care,
    make_open_round,
    make_plot,
    make_proposal,
    make_published_round,
    make_team,
)
from tests.support import now

PHONE = {"width": 360, "height": 740}
LONG_NAME = "wangzhuren.yulin-east.wuhou@example.com"


def test_not_found_page_is_accessible(page: Page, live_server: LiveServer) -> None:
    response = page.goto("/c/nope")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Page not found"))
    expect(page.get_by_role("link", name=zh("Back to the home page"))).to_be_visible()
    assert_accessible(page)


def test_signed_in_resident_gets_an_accessible_refusal_on_committee_pages(
    page: Page, live_server: LiveServer
) -> None:
    community = f"/c/{COMMUNITY_SLUG}"
    page.goto(community)
    sign_in(page, "curious-neighbour", axe=False)
    response = page.goto(f"{community}/committee/members")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Not allowed"))
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page)


@pytest.fixture
def fact_pages(live_server: LiveServer) -> list[str]:
    """Pages with fact lists and results to lay out: a vote counted and published (its
    results summary), a vote open now, a funded project and an adopted plot cared for. One
    title and one place are long with no space to break at, as Chinese text often is.
    Returns their paths, the published vote first."""
    hood = live_server.neighbourhood
    tian, li, zhang = hood.residents

    async def work() -> list[str]:
        at = now()
        spring = [
            await make_proposal(hood, author, title, path=ACCEPTED, cost_yuan=cost)
            for author, title, cost in (
                (tian, "东门口袋花园：月季、薄荷和三角梅，还有两张给老人歇脚的长椅", 6000),
                (li, "2栋楼顶晾衣架翻新", 3500),
                (zhang, "楼道感应灯", 2500),
            )
        ]
        published = await make_published_round(
            hood,
            "2026 年春季社区微基金（玉林东路社区居民议事会）",
            spring,
            budget_yuan=9000,
            ballots=[[spring[0], spring[2]], [spring[0]], [spring[1], spring[2]]],
            proposal_url=live_server.proposal_url,
            closed_at=at - timedelta(days=2),
        )
        winter = [
            await make_proposal(hood, tian, title, path=ACCEPTED, cost_yuan=cost)
            for title, cost in (("5栋门口花箱", 2000), ("雨棚下的快递架", 3000))
        ]
        open_now = await make_open_round(
            hood,
            "2026 年冬季社区微基金",
            winter,
            budget_yuan=4000,
            opens_at=at - timedelta(days=1),
            closes_at=at + timedelta(days=14),
        )
        plot = await make_plot(
            hood,
            "银杏树下一号花坛",
            location="玉林东路12号门口，银杏树下靠近公交站的一侧",
            care_needs="夏季每周浇水两次，春秋每周一次",
            north_east=(0, 0),
            at=at - timedelta(days=10),
        )
        team = await make_team(hood, tian, "玉林护花使者队", at=at - timedelta(days=10))
        await adopt(hood, tian, team, plot, at=at - timedelta(days=10))
        await log_care(hood, tian, plot, "watering", 30, note="浇透了。", at=at - timedelta(days=1))
        community = f"/c/{COMMUNITY_SLUG}"
        return [
            f"{community}/rounds/{published}",
            f"{community}/rounds/{open_now}",
            f"{community}/proposals/{spring[0]}",
            f"{community}/plots/{plot}",
        ]

    return live_server.in_database(work)


def test_pages_fit_a_360px_phone(
    open_page: OpenPage, live_server: LiveServer, fact_pages: list[str]
) -> None:
    page = open_page(viewport=PHONE)
    community = f"/c/{COMMUNITY_SLUG}"

    def check(path: str) -> None:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(page, PHONE["width"])
        # Narrow screens bring their own failures (scrolling regions, reflow): axe again.
        assert_accessible(page)

    check("/")
    check(community)
    check("/login")
    check("/c/nope")
    for path in fact_pages:
        check(path)
    page.goto(fact_pages[0])
    expect(page.locator("section#results")).to_be_visible()  # what the published vote lays out

    page.goto(community)
    sign_in(page, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    # Some providers send a login without spaces as the name; it must wrap, not widen pages.
    page.goto("/profile")
    page.get_by_label(zh("Name shown to neighbours")).fill(LONG_NAME)
    page.get_by_role("button", name=zh("Save")).click()
    expect(account_nav(page).get_by_role("link", name=LONG_NAME)).to_be_visible()
    check("/profile")
    check("/")
    check(community)
    check(f"{community}/committee/members")
    check(f"{community}/committee/codes")
    check(f"{community}/committee/requests")
    check(f"{community}/verify")

    # English labels are longer than Chinese ones.
    account_nav(page).get_by_role("button", name="English").click()
    expect(account_nav(page, en).get_by_role("button", name="中文")).to_be_visible()
    for path in (
        "/",
        community,
        f"{community}/committee/members",
        f"{community}/committee/codes",
        *fact_pages,
    ):
        check(path)
