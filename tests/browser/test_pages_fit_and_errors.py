"""Error pages pass axe; pages fit a 360 px phone without scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from participation.demo.seed import COMMITTEE_NAME
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
    community = f"/c/{live_server.facts.community_slug}"
    page.goto(community)
    sign_in(page, "curious-neighbour", axe=False)
    response = page.goto(f"{community}/committee/members")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Not allowed"))
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page)


# The demo's projects, votes and plots: pages with fact lists and results to lay out.
@pytest.mark.parametrize("demo_content", [True])
def test_pages_fit_a_360px_phone(open_page: OpenPage, live_server: LiveServer) -> None:
    page = open_page(viewport=PHONE)
    community = f"/c/{live_server.facts.community_slug}"
    # Rounds 1 (published: the results summary) and 2 (open), a project, a plot: their <dl>s.
    fact_pages = [
        f"{community}/{path}" for path in ("rounds/1", "rounds/2", "proposals/1", "plots/1")
    ]

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

    page.goto(community)
    sign_in(page, live_server.facts.committee_login, shown_as=COMMITTEE_NAME, axe=False)
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
