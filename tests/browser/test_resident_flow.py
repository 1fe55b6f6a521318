"""A new resident signs in, joins the community and verifies with a household code."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import (
    CJK_RE,
    LiveServer,
    OpenPage,
    account_nav,
    assert_accessible,
    expect_htmx_ready,
    html_lang,
    sign_in,
    zh,
)
from tests.factories import COMMUNITY_NAME, COMMUNITY_SLUG, HOUSEHOLD, SPARE_HOUSEHOLD


def as_typed_by_a_neighbour(code: str) -> str:
    """``K7M2Q-9XH4D`` as typed on a phone: lower case, a space for the dash, stray spaces."""
    return f"  {code.lower().replace('-', ' ')} "


def join_and_verify(page: Page, live_server: LiveServer, code: str, *, javascript: bool) -> None:
    page.get_by_role("link", name=COMMUNITY_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=COMMUNITY_NAME)).to_be_visible()
    expect(page).to_have_title(f"{COMMUNITY_NAME} · {zh('Huakai neighbourhood participation')}")
    assert page.url == f"{live_server.url}/c/{COMMUNITY_SLUG}"
    if javascript:
        assert_accessible(page)

    page.get_by_role("button", name=zh("I live here: join this community")).click()
    expect(page.get_by_role("heading", level=1, name=zh("Verify my residence"))).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        zh("Welcome! Verify that you live here to take part.")
    )
    assert page.url.endswith(f"/c/{COMMUNITY_SLUG}/verify")
    if javascript:
        assert_accessible(page)

    code_field = page.get_by_label(zh("Household code"), exact=True)
    code_field.fill("not-a-code")
    page.get_by_role("button", name=zh("Verify with this code")).click()
    expect(page.get_by_role("alert")).to_have_text(
        zh("This code is not valid. Check it and try again.")
    )
    expect(code_field).to_have_attribute("aria-invalid", "true")
    if javascript:
        assert_accessible(page)

    code_field.fill(as_typed_by_a_neighbour(code))
    page.get_by_role("button", name=zh("Verify with this code")).click()
    expect(page.get_by_role("heading", level=1, name=COMMUNITY_NAME)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        zh("You are now a verified resident of %(name)s.", name=COMMUNITY_NAME)
    )
    expect(page.get_by_text(zh("You are a verified resident."), exact=True)).to_be_visible()
    assert page.url == f"{live_server.url}/c/{COMMUNITY_SLUG}"
    if javascript:
        assert_accessible(page)

    page.get_by_role("banner").get_by_role("link", name=zh("Huakai")).click()
    mine = page.get_by_role("heading", level=2, name=zh("My communities")).locator("..")
    expect(mine.get_by_text(zh("Verified resident"), exact=True)).to_be_visible()
    if javascript:
        assert_accessible(page)


def expect_verified_for(page: Page, household: str) -> None:
    """The verify page now names the household the code was printed for."""
    page.goto(f"/c/{COMMUNITY_SLUG}/verify")
    expect(page.get_by_text(zh("You are a verified resident."))).to_contain_text(household)
    expect(page.get_by_label(zh("Household code"), exact=True)).to_have_count(0)


def test_new_resident_joins_and_verifies_with_a_code(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    assert html_lang(page) == "zh-Hans"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert CJK_RE.search(heading), heading
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    expect_htmx_ready(page)
    assert_accessible(page)

    sign_in(page, "刘小花")
    expect_htmx_ready(page)
    assert_accessible(page)
    # From here on every click is boosted or an htmx request: the page is never reloaded.
    page.evaluate("window.neverReloaded = true")

    join_and_verify(page, live_server, live_server.neighbourhood.codes[HOUSEHOLD], javascript=True)

    assert page.evaluate("window.neverReloaded") is True, "a click reloaded the whole page"
    expect_verified_for(page, HOUSEHOLD)
    assert_accessible(page)
    account_nav(page).get_by_role("link", name="刘小花", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=zh("My profile"))).to_be_visible()
    expect(page.get_by_label(zh("Name shown to neighbours"))).to_have_value("刘小花")
    assert_accessible(page)

    # Choosing English in the profile switches the whole page, <html lang> included.
    page.get_by_label(zh("Language")).select_option("en")
    page.get_by_role("button", name=zh("Save")).click()
    expect(page.get_by_role("status")).to_have_text("Your profile was saved.")
    assert html_lang(page) == "en"
    assert_accessible(page)


def test_resident_verifies_without_javascript(open_page: OpenPage, live_server: LiveServer) -> None:
    page = open_page(java_script_enabled=False)
    page.goto("/")
    assert html_lang(page) == "zh-Hans"
    sign_in(page, "no-js-resident", axe=False)
    join_and_verify(
        page, live_server, live_server.neighbourhood.codes[SPARE_HOUSEHOLD], javascript=False
    )
    expect_verified_for(page, SPARE_HOUSEHOLD)

    account_nav(page).get_by_role("link", name="no-js-resident", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=zh("My profile"))).to_be_visible()
    # htmx marks what it boosts; nothing was, so every step above was a plain form or link.
    expect(page.locator("[data-htmx-powered]")).to_have_count(0)
