"""Switching language with the header button; signing out leaves nothing private behind."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    LiveServer,
    OpenPage,
    account_nav,
    assert_accessible,
    en,
    expect_htmx_ready,
    html_lang,
    sign_in,
    zh,
)
from tests.factories import COMMITTEE, COMMUNITY_NAME, COMMUNITY_SLUG


def test_visitor_switches_to_english_and_back(page: Page, live_server: LiveServer) -> None:
    page.goto(f"/c/{COMMUNITY_SLUG}")
    assert html_lang(page) == "zh-Hans"
    expect(page.get_by_role("heading", level=2, name=zh("Our community"))).to_be_visible()

    account_nav(page).get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=2, name=en("Our community"))).to_be_visible()
    assert page.url.endswith(f"/c/{COMMUNITY_SLUG}"), page.url
    assert html_lang(page) == "en"
    expect(page).to_have_title(f"{COMMUNITY_NAME} · {en('Huakai neighbourhood participation')}")
    expect(account_nav(page, en).get_by_role("link", name=en("Sign in"))).to_be_visible()
    assert_accessible(page)

    # The choice sticks: the next page is English too.
    page.get_by_role("banner").get_by_role("link", name=en("Huakai")).click()
    expect(page.get_by_role("heading", level=2, name=en("Communities"))).to_be_visible()
    assert html_lang(page) == "en"
    assert_accessible(page)

    account_nav(page, en).get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=2, name=zh("Communities"))).to_be_visible()
    assert html_lang(page) == "zh-Hans"
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_back_after_sign_out_shows_nothing_private(
    open_page: OpenPage, live_server: LiveServer, javascript: bool
) -> None:
    page = open_page(java_script_enabled=javascript)
    community = f"/c/{COMMUNITY_SLUG}"
    page.goto(community)
    sign_in(page, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=javascript)
    if javascript:
        expect_htmx_ready(page)

    page.get_by_role("link", name=zh("Members and roles"), exact=True).click()
    members = page.get_by_role("table", name=zh("Everyone who joined this community"))
    expect(members).to_be_visible()
    expect(members).to_contain_text("田秀芳")
    account_nav(page).get_by_role("link", name=COMMITTEE.name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=zh("My profile"))).to_be_visible()
    if javascript:
        assert_accessible(page)

    account_nav(page).get_by_role("button", name=zh("Sign out")).click()
    expect(account_nav(page).get_by_role("link", name=zh("Sign in"), exact=True)).to_be_visible()
    assert page.url == f"{live_server.url}/"

    page.go_back(wait_until="commit")
    # The profile asks to sign in again: the browser did not show its stored copy.
    expect(page.get_by_role("heading", level=1, name=zh("Sign in"))).to_be_visible()
    expect(page.get_by_text(COMMITTEE.name)).to_have_count(0)
    expect(page.get_by_label(zh("Name shown to neighbours"))).to_have_count(0)

    page.go_back(wait_until="commit")
    # The members page is refused or asks to sign in; the member list is not shown.
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        f"{zh('Members and roles')} · {COMMUNITY_NAME}"
    )
    expect(page.get_by_text("田秀芳")).to_have_count(0)
    expect(page.get_by_text(COMMITTEE.name)).to_have_count(0)


def test_after_sign_out_htmx_sends_the_new_sessions_csrf_token(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    sign_in(page, "leaving-resident", axe=False)
    expect_htmx_ready(page)
    account_nav(page).get_by_role("button", name=zh("Sign out")).click()
    expect(account_nav(page).get_by_role("link", name=zh("Sign in"), exact=True)).to_be_visible()

    headers = json.loads(page.locator("body").get_attribute("hx-headers:inherited") or "{}")
    form_token = page.locator("input[name=csrf_token]").first.input_value()
    assert headers.get("X-CSRF-Token") == form_token
