"""The plot map warns that its background is missing only when configured tiles fail to load.

With no tile server configured (the default) the map is drawn on a plain background on purpose:
that is no fault, and a warning would tell residents something is broken when nothing is.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import LiveServer, zh
from tests.factories import COMMUNITY_SLUG, make_plot

# Nothing answers here: the browser context aborts every request that is not to 127.0.0.1,
# and the .invalid top-level domain never resolves anyway.
UNREACHABLE_TILES = "https://tiles.example.invalid/{z}/{x}/{y}.png"
NOTICE = "The map background could not be loaded; the list below has every plot."


@pytest.fixture(autouse=True)
def plots_on_the_map(live_server: LiveServer) -> None:
    """Two plots with their places: the list page draws them on the map."""
    hood = live_server.neighbourhood

    async def work() -> None:
        await make_plot(hood, "银杏树下花坛", north_east=(0, 0))
        await make_plot(hood, "三栋北侧花墙", kind="flower_wall", north_east=(5, 8))

    live_server.in_database(work)


def drawn_map(page: Page) -> Locator:
    page.goto(f"/c/{COMMUNITY_SLUG}/plots")
    plot_map = page.locator("#plot-map")
    expect(plot_map).to_have_attribute("data-plot-map-state", "ready")
    expect(plot_map.locator("path.plot-map-marker").first).to_be_attached()
    return plot_map


def test_map_without_tiles_configured_shows_no_warning(page: Page, live_server: LiveServer) -> None:
    plot_map = drawn_map(page)
    expect(plot_map).to_have_attribute("data-tiles", "")
    # The notice is built (hidden) when the map is drawn; it must stay hidden.
    notice = page.locator("p.plot-map-notice")
    expect(notice).to_be_attached()
    expect(notice).to_be_hidden()
    expect(plot_map).not_to_contain_class("plot-map--no-tiles")


@pytest.mark.parametrize("server_settings", [{"MAP_TILE_URL": UNREACHABLE_TILES}])
def test_map_warns_when_configured_tiles_fail(page: Page, live_server: LiveServer) -> None:
    plot_map = drawn_map(page)
    expect(plot_map).to_have_attribute("data-tiles", UNREACHABLE_TILES)
    notice = page.locator("p.plot-map-notice[role=status]")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(zh(NOTICE))
    expect(plot_map).to_contain_class("plot-map--no-tiles")
