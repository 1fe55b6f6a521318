"""Adopt a plot (issue 5): from a spreadsheet of plots to volunteer hours and a waiting list.

The committee imports five plots from a CSV file. A verified resident founds an open volunteer
team, a second joins it; the leader asks for a plot for six months and the committee approves
it on its adoption requests page. The leader sets a watering task every three days; the member
logs half an hour of care with a photo. The plot shows as adopted in the list and on the map
(and in the map's JSON); the member's 0.5 h show on the committee's hours page and on her
certificate. A third resident's team asks for the same plot and goes on the waiting list.

Runs with JavaScript on (htmx, the Leaflet map) and off (plain forms and 303 redirects), for
everyone. axe checks every page visited with JavaScript on. With it off axe (page script)
cannot run in the visitor's page: the HTML she got is served again, as it was, to a page whose
own scripts are blocked, and checked there, once per page (path): the server sends the same
HTML whether JavaScript is on or not, and the run with JavaScript checks every state. The list
and the plot page must fit a 360 px phone.

Checks whose failure need not stop the flow (axe, the map, wording) are collected and all
reported at the end, so one run shows every problem.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, Response, Route, expect

from tests.browser.support import (
    LiveServer,
    OpenPage,
    assert_accessible,
    assert_no_horizontal_scroll,
    expect_htmx_ready,
    sign_in,
    zh,
)
from tests.factories import COMMITTEE, COMMUNITY_SLUG, RESIDENTS
from web.core.i18n import translations

LEADER, LEADER_NAME = RESIDENTS[0]  # tian-xiufang, 田秀芳: founds the team, asks for the plot
MEMBER, MEMBER_NAME = RESIDENTS[1]  # li-family, 李家: joins, logs care
RIVAL, RIVAL_NAME = RESIDENTS[2]  # zhang-wei, 张伟: his team goes on the waiting list

PHONE = {"width": 360, "height": 740}

TEAM = "东门护花使者"
TEAM_ABOUT = "每周六上午一起浇水、除草。"
RIVAL_TEAM = "九栋花友会"

PLOT = "东门花坛"  # adopted; has coordinates, so it is on the map
PLOTS_CSV = (
    "name,kind,location,latitude,longitude,area_m2,care_needs\n"
    f"{PLOT},flowerbed,玉林东路东门口,30.6321,104.0512,12,夏天每三天浇一次水\n"
    "西墙花墙,flower_wall,3栋西侧围墙,30.6318,104.0498,8,\n"
    "口袋花园,pocket_garden,小区中心广场,30.6325,104.0505,20,定期修剪\n"
    "银杏树池,tree_pit,5栋门口,,,2,\n"
    '活动室花箱,planter,"活动室门前, 两个花箱",,,1,每周浇水\n'
)
PLOT_COUNT = 5
MAPPED_COUNT = 3  # with coordinates

CARE_MINUTES = 30
CARE_NOTE = "浇透了水，拔了几棵杂草。"
PHOTO_ALT = "浇过水的东门花坛"


def plural(singular: str, plural_: str, num: int) -> str:
    return translations("zh_Hans").ngettext(singular, plural_, num) % {"num": num}


def expect_notice(page: Page, message: str, **params: object) -> None:
    expect(page.locator("main > p.notice[role=status]")).to_have_text(zh(message, **params))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#", 1)[0]


def block_app_scripts(page: Page) -> None:
    """The page keeps JavaScript (Playwright and axe need it) but gets none of the app's."""
    page.route("**/*.js", lambda route: route.abort())


def write_photo(directory: Path) -> Path:
    """A small JPEG, as from a phone."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 150, 70)).save(buffer, "JPEG", quality=85)
    path = directory / "dongmen-watered.jpg"
    path.write_bytes(buffer.getvalue())
    return path


class Checks:
    """axe on every page visited (see the module doc), and checks collected, not fatal."""

    def __init__(self, open_page: OpenPage, *, javascript: bool) -> None:
        self.javascript = javascript
        self._open_page = open_page
        self._inspector: Page | None = None
        self._checked_without_js: set[str] = set()
        self.failures: list[str] = []

    def soft(self, what: str, check: Callable[[], None]) -> None:
        try:
            check()
        except AssertionError as exc:
            message = re.split(r"\n\s*Call log:", str(exc), maxsplit=1)[0]
            self.failures.append(f"{what}: {message}")

    def report(self) -> None:
        listed = "\n\n".join(f"{n}. {text}" for n, text in enumerate(self.failures, 1))
        assert not self.failures, f"{len(self.failures)} problem(s):\n\n{listed}"

    def page(self, page: Page) -> None:
        """axe on ``page`` as it stands."""
        if self.javascript:
            self.soft("axe", lambda: assert_accessible(page))
            return
        expect(page.locator("[data-htmx-powered]")).to_have_count(0)
        path = path_of(page).split("?", 1)[0]
        if path in self._checked_without_js:
            return
        self._checked_without_js.add(path)
        html = page.content()
        url = page.url.split("#", 1)[0]
        if self._inspector is None:
            self._inspector = self._open_page()
            block_app_scripts(self._inspector)
        inspector = self._inspector

        def serve(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        inspector.route(url, serve, times=1)
        inspector.goto(url)
        self.soft("axe (the page as sent, no JavaScript)", lambda: assert_accessible(inspector))

    def ready(self, page: Page) -> None:
        """With htmx, wait until it boosts links and forms (else clicks would be plain)."""
        if self.javascript:
            expect_htmx_ready(page)


# --- pages ----------------------------------------------------------------------------------------


def plot_entries(page: Page) -> Locator:
    """The plots in the list (cards, or rows of a table)."""
    return page.locator("#results").locator("li, tbody tr")


def plot_entry(page: Page, name: str) -> Locator:
    return plot_entries(page).filter(has=page.get_by_role("link", name=name, exact=True))


def plot_status(page: Page) -> Locator:
    """On a plot page: the status under the heading."""
    return page.locator("main h1 + p .status")


def queue(page: Page) -> Locator:
    """On a plot page: the requests and the waiting list."""
    return page.locator("#adoption ol.queue > li")


def section(page: Page, title: str) -> Locator:
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name=title))


def adopt_form(page: Page) -> Locator:
    return page.locator("form").filter(
        has=page.get_by_role("heading", level=3, name=zh("Adopt this plot"))
    )


def expect_map(page: Page, status: str, count: int) -> None:
    """The Leaflet map: ``count`` markers of ``status``, the legend names it, and (no tile URL
    in tests: a plain background by design) no notice warns about the background."""
    plot_map = page.locator("#plot-map")
    expect(plot_map).to_have_attribute("data-plot-map-state", "ready", timeout=5000)
    # Drawn once; a second, late load of the map data must not undo it: wait, look again.
    page.wait_for_timeout(500)
    expect(plot_map).to_have_attribute("data-plot-map-state", "ready", timeout=1000)
    expect(plot_map).to_be_visible(timeout=1000)
    expect(plot_map).to_have_attribute("role", "region")
    expect(plot_map.locator(f"path.plot-map-marker--{status}")).to_have_count(count)
    label = zh({"available": "Available", "adopted": "Adopted"}[status])
    expect(plot_map.locator(f".plot-map-legend-item--{status}")).to_have_text(label)
    expect(plot_map.locator(".plot-map-legend")).to_contain_text(zh("Status"))
    expect(page.locator("p.plot-map-notice[role=status]")).to_be_hidden()


# --- the committee ------------------------------------------------------------------------------


def import_plots(committee: Page, checks: Checks) -> None:
    """Signed in on the (empty) plot list; the CSV goes in through the file input."""
    committee.goto(f"/c/{COMMUNITY_SLUG}/plots")
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    expect(heading(committee)).to_have_text(zh("Plots and flowerbeds"))
    expect(committee.get_by_text(zh("No plots match."))).to_be_visible()
    checks.page(committee)
    checks.ready(committee)

    committee.get_by_role("link", name=zh("Import plots from a spreadsheet"), exact=True).click()
    expect(heading(committee)).to_have_text(zh("Import plots from a spreadsheet"))
    checks.page(committee)
    checks.ready(committee)
    committee.get_by_label(zh("CSV file")).set_input_files(
        {"name": "玉林东路地块.csv", "mimeType": "text/csv", "buffer": PLOTS_CSV.encode()}
    )
    committee.get_by_role("button", name=zh("Import"), exact=True).click()

    expect(heading(committee)).to_have_text(zh("Plots and flowerbeds"))
    expect_notice(committee, "%(count)s plots imported.", count=PLOT_COUNT)
    expect(plot_entries(committee)).to_have_count(PLOT_COUNT)
    expect(plot_entry(committee, PLOT).locator(".status")).to_have_text(zh("Available"))
    if checks.javascript:
        # list -> import -> list, each a navigation boosted by htmx: the map must be drawn.
        checks.soft(
            "the map after the import (htmx navigation: list -> import -> list)",
            lambda: expect_map(committee, "available", MAPPED_COUNT),
        )
    checks.page(committee)


def approve_request(committee: Page, slug: str, checks: Checks) -> None:
    committee.goto(f"/c/{slug}/plots/adoptions")
    expect(heading(committee)).to_have_text(zh("Adoption requests"))
    card = committee.locator("article.card").filter(
        has=committee.get_by_role("heading", level=3, name=PLOT, exact=True)
    )
    expect(card).to_have_count(1)
    expect(card).to_contain_text(
        zh("%(team)s asks to adopt it for %(months)s months.", team=TEAM, months=6)
    )
    checks.page(committee)
    checks.ready(committee)
    card.get_by_role("button", name=zh("Approve"), exact=True).click()
    expect_notice(committee, "Adoption approved.")
    expect(heading(committee)).to_have_text(zh("Adoption requests"))
    expect(committee.get_by_text(zh("No requests are waiting."))).to_be_visible()
    checks.page(committee)


def check_hours(committee: Page, checks: Checks) -> None:
    """From the adoption requests page, the committee's tools: the member's half hour."""
    checks.ready(committee)
    committee.get_by_role("navigation", name=zh("Committee tools")).get_by_role(
        "link", name=zh("Volunteer hours"), exact=True
    ).click()
    year = committee.get_by_label(zh("Year")).input_value()
    expect(heading(committee)).to_have_text(zh("Volunteer hours %(year)s", year=year))
    rows = committee.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("rowheader")).to_have_text(MEMBER_NAME)
    cells = rows.get_by_role("cell")
    expect(cells.nth(1)).to_have_text(TEAM)
    expect(cells.nth(2)).to_have_text("1")  # care logs
    expect(cells.nth(3)).to_have_text("0.5")  # hours
    checks.page(committee)


# --- residents ----------------------------------------------------------------------------------


def found_team(page: Page, slug: str, who: str, shown_as: str, name: str, checks: Checks) -> str:
    """A verified resident founds an open team; returns the team page's path."""
    page.goto(f"/c/{slug}/teams")
    sign_in(page, who, shown_as=shown_as, axe=False)
    expect(heading(page)).to_have_text(zh("Volunteer teams"))
    checks.page(page)
    checks.ready(page)
    page.get_by_role("link", name=zh("Found a team"), exact=True).click()
    expect(heading(page)).to_have_text(zh("Found a team"))
    checks.page(page)
    checks.ready(page)
    page.get_by_label(zh("Team name")).fill(name)
    page.get_by_label(zh("About the team (optional)")).fill(TEAM_ABOUT)
    page.get_by_role("radio", name=zh("Anyone may join")).check()
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    expect(heading(page)).to_have_text(name)
    expect_notice(page, "Your team is set up. Invite neighbours to join it.")
    members = section(page, zh("Members"))
    expect(members).to_contain_text(shown_as)
    expect(members).to_contain_text(zh("Leader"))
    checks.page(page)
    assert re.fullmatch(rf"/c/{slug}/teams/\d+", path_of(page)), page.url
    return path_of(page)


def join_team(member: Page, team_path: str, checks: Checks) -> None:
    member.goto(team_path)
    sign_in(member, MEMBER, shown_as=MEMBER_NAME, axe=False)
    expect(heading(member)).to_have_text(TEAM)
    checks.page(member)
    checks.ready(member)
    member.get_by_role("button", name=zh("Join the team"), exact=True).click()
    expect_notice(member, "Welcome to the team!")
    expect(section(member, zh("Members"))).to_contain_text(MEMBER_NAME)
    expect(member.get_by_text(plural("%(num)d member", "%(num)d members", 2))).to_be_visible()
    checks.page(member)


def ask_for_plot(leader: Page, checks: Checks) -> str:
    """From the new team's page to the plots available, to the plot; ask for six months.
    Returns the plot page's path."""
    checks.ready(leader)
    leader.get_by_role("link", name=zh("See the plots available"), exact=True).click()
    expect(heading(leader)).to_have_text(zh("Plots and flowerbeds"))
    expect(plot_entries(leader)).to_have_count(PLOT_COUNT)
    checks.page(leader)
    checks.ready(leader)
    plot_entry(leader, PLOT).get_by_role("link", name=PLOT, exact=True).click()
    expect(heading(leader)).to_have_text(PLOT)
    expect(plot_status(leader)).to_have_text(zh("Available"))
    expect(leader.get_by_text(zh("No team cares for this plot yet."))).to_be_visible()
    checks.page(leader)
    checks.ready(leader)
    plot_path = path_of(leader)

    form = adopt_form(leader)
    expect(form.get_by_label(zh("Your team")).locator("option")).to_have_text([TEAM])
    form.get_by_label(zh("For how long")).select_option(label=zh("%(months)s months", months=6))
    form.get_by_role("button", name=zh("Ask to adopt"), exact=True).click()
    expect_notice(leader, "Request sent: the committee will decide soon.")
    expect(plot_status(leader)).to_have_text(zh("Requested"))
    expect(queue(leader)).to_have_count(1)
    expect(queue(leader)).to_contain_text(TEAM)
    expect(queue(leader)).to_contain_text(zh("Waiting for the committee"))
    expect(queue(leader)).to_contain_text(zh("%(months)s months", months=6))
    checks.page(leader)
    return plot_path


def set_watering_task(leader: Page, plot_path: str, checks: Checks) -> None:
    leader.goto(plot_path)
    expect(plot_status(leader)).to_have_text(zh("Adopted"))
    adoption = leader.locator("#adoption")
    expect(adoption).to_contain_text(zh("Adopted by"))
    expect(adoption.get_by_role("link", name=TEAM, exact=True)).to_be_visible()
    expect(leader.get_by_text(zh("No care tasks yet."))).to_be_visible()
    checks.page(leader)
    checks.ready(leader)
    care = leader.locator("#care")
    care.get_by_text(zh("Add a care task"), exact=True).click()
    care.get_by_label(zh("Task"), exact=True).select_option(label=zh("Watering"))
    care.get_by_label(zh("Every how many days")).fill("3")
    care.get_by_role("button", name=zh("Add the task"), exact=True).click()
    expect_notice(leader, "Task added.")
    task = leader.locator("#care ul.tasks > li")
    expect(task).to_have_count(1)
    expect(task).to_contain_text(zh("Watering"))
    # "every 3 days" in Chinese must say how many days (每3天), not "every day" (每天).
    checks.soft(
        "the watering task's interval, in Chinese, on the plot page",
        lambda: expect(task).to_contain_text(re.compile(r"3\s*天"), timeout=1000),
    )
    checks.page(leader)


def log_care(member: Page, photo: Path, checks: Checks) -> None:
    """Back on her team's page (now with a plot), to the plot: 30 minutes' watering, a photo."""
    member.reload()
    plots = section(member, zh("Plots"))
    expect(plots).to_contain_text(zh("Adopted"))
    checks.page(member)
    checks.ready(member)
    plots.get_by_role("link", name=PLOT, exact=True).click()
    expect(heading(member)).to_have_text(PLOT)
    expect(member.locator("#care ul.tasks > li")).to_contain_text(zh("Watering"))
    checks.page(member)
    checks.ready(member)

    form = member.locator("#care form").filter(
        has=member.get_by_role("heading", level=3, name=zh("Log care"))
    )
    form.get_by_label(zh("What did you do?")).select_option(label=zh("Watering"))
    form.get_by_label(zh("Minutes spent")).fill(str(CARE_MINUTES))
    form.get_by_label(zh("Note (optional)")).fill(CARE_NOTE)
    form.get_by_label(zh("Photo (optional: JPEG, PNG or WebP)")).set_input_files(photo)
    form.get_by_label(zh("What does the photo show?")).fill(PHOTO_ALT)
    form.get_by_role("button", name=zh("Log care"), exact=True).click()

    expect_notice(member, "Thank you! Your care is logged.")
    entry = member.locator("#timeline ol.timeline > li").first
    expect(entry).to_contain_text(zh("Watering"))
    expect(entry).to_contain_text(f"{MEMBER_NAME} ({TEAM})")
    expect(entry).to_contain_text(zh("%(minutes)s minutes", minutes=CARE_MINUTES))
    expect(entry).to_contain_text(CARE_NOTE)
    image = entry.get_by_role("img", name=PHOTO_ALT, exact=True)
    expect(image).to_be_visible()
    src = image.get_attribute("src")
    assert src, "the photo has no src"
    served = member.request.get(src)
    assert served.status == 200, (src, served.status)
    assert served.headers["content-type"].startswith("image/"), served.headers
    expect(member.locator("dl.facts")).to_contain_text(zh("%(hours)s hours in all", hours="0.5"))
    checks.page(member)


def adopted_in_list_and_map(member: Page, slug: str, checks: Checks) -> None:
    """From the plot page back to the list: adopted in the list, on the map and in its JSON."""
    checks.ready(member)
    member.get_by_role("link", name=f"← {zh('Plots and flowerbeds')}", exact=True).click()
    expect(heading(member)).to_have_text(zh("Plots and flowerbeds"))
    entry = plot_entry(member, PLOT)
    expect(entry).to_have_count(1)
    expect(entry.locator(".status")).to_have_text(zh("Adopted"))
    expect(entry).to_contain_text(TEAM)
    if checks.javascript:

        def drawn() -> None:
            expect_map(member, "adopted", 1)
            available = member.locator("#plot-map path.plot-map-marker--available")
            expect(available).to_have_count(MAPPED_COUNT - 1)

        checks.soft("the map with the adopted plot (htmx navigation: plot -> list)", drawn)
    else:
        box = member.locator("#plot-map").bounding_box()
        assert box is None or box["height"] == 0, f"without JavaScript the map takes {box}"
    checks.page(member)

    answer = member.request.get(f"/c/{slug}/plots/map.json")
    assert answer.status == 200
    plots: list[dict[str, Any]] = answer.json()["plots"]
    [ours] = [p for p in plots if p["name"] == PLOT]
    assert ours["status"] == "adopted", ours
    assert ours["status_label"] == zh("Adopted"), ours
    assert ours["team"] == TEAM, ours
    assert sum(p["lat"] is not None for p in plots) == MAPPED_COUNT, plots


def certificate(member: Page, team_path: str, checks: Checks) -> None:
    """Her team's page (now with her care), her own hours, then her certificate of hours."""
    member.goto(team_path)
    expect(section(member, zh("Care history"))).to_contain_text(MEMBER_NAME)
    checks.page(member)
    checks.ready(member)
    member.get_by_role("link", name=zh("My volunteer hours"), exact=True).click()
    year = member.get_by_label(zh("Year")).input_value()
    expect(heading(member)).to_have_text(zh("My volunteer hours %(year)s", year=year))
    expect(member.locator("#check-ins > li")).to_have_count(1)
    expect(member.locator("#check-ins .check-in-team")).to_have_text(TEAM)
    checks.page(member)
    checks.ready(member)
    member.get_by_role("link", name=zh("Print my certificate of service hours")).click()
    expect(heading(member)).to_have_text(zh("Volunteer service certificate"))
    lead = member.locator("p.cert-lead")
    expect(lead).to_contain_text(MEMBER_NAME)
    expect(lead).to_contain_text(re.compile(r"(?<![\d.])0\.5(?!\d)"))
    rows = member.locator("article.certificate tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("cell").nth(1)).to_have_text(TEAM)
    expect(rows.get_by_role("cell").nth(3)).to_have_text("0.5")
    checks.page(member)


def goes_on_waiting_list(rival: Page, slug: str, plot_path: str, checks: Checks) -> None:
    found_team(rival, slug, RIVAL, RIVAL_NAME, RIVAL_TEAM, checks)
    rival.goto(plot_path)
    expect(heading(rival)).to_have_text(PLOT)
    expect(plot_status(rival)).to_have_text(zh("Adopted"))
    form = adopt_form(rival)
    expect(form).to_contain_text(
        zh("Another team has asked first: your team will go on the waiting list.")
    )
    checks.page(rival)
    checks.ready(rival)
    expect(form.get_by_label(zh("Your team")).locator("option")).to_have_text([RIVAL_TEAM])
    form.get_by_label(zh("For how long")).select_option(label=zh("%(months)s months", months=6))
    form.get_by_role("button", name=zh("Ask to adopt"), exact=True).click()
    expect_notice(rival, "Another team has this plot: your team is on the waiting list.")
    expect(plot_status(rival)).to_have_text(zh("Adopted"))
    expect(rival.locator("#adoption").get_by_role("link", name=TEAM, exact=True)).to_be_visible()
    waiting = queue(rival).filter(has_text=RIVAL_TEAM)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(zh("On the waiting list"))
    expect(adopt_form(rival)).to_have_count(0)
    checks.page(rival)


def fits_a_phone(phone: Page, slug: str, plot_path: str, checks: Checks) -> None:
    """A visitor on a 360 px phone: the list (with its map, with JavaScript) and the plot."""
    if not checks.javascript:
        block_app_scripts(phone)
    for path in (f"/c/{slug}/plots", plot_path):
        phone.goto(path)
        expect(heading(phone)).to_be_visible()
        if checks.javascript and path == f"/c/{slug}/plots":
            expect(phone.locator("#plot-map")).to_have_attribute("data-plot-map-state", "ready")
        checks.soft(f"360 px, {path}", lambda: assert_no_horizontal_scroll(phone, PHONE["width"]))
        checks.soft(f"axe at 360 px, {path}", lambda: assert_accessible(phone))


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_plot_from_import_to_adoption_care_hours_and_waiting_list(
    open_page: OpenPage, live_server: LiveServer, tmp_path: Path, javascript: bool
) -> None:
    slug = COMMUNITY_SLUG
    checks = Checks(open_page, javascript=javascript)
    committee, leader, member, rival = (open_page(java_script_enabled=javascript) for _ in range(4))
    posts: list[tuple[str, int]] = []  # every form sent to the app, and its answer

    def record(response: Response) -> None:
        if response.request.method == "POST" and response.url.startswith(live_server.url):
            navigates = response.status == 200 and "hx-location" in response.headers
            posts.append((response.url, 303 if navigates else response.status))

    for page in (committee, leader, member, rival):
        page.on("response", record)

    import_plots(committee, checks)
    team_path = found_team(leader, slug, LEADER, LEADER_NAME, TEAM, checks)
    join_team(member, team_path, checks)
    plot_path = ask_for_plot(leader, checks)
    approve_request(committee, slug, checks)
    set_watering_task(leader, plot_path, checks)
    log_care(member, write_photo(tmp_path), checks)
    adopted_in_list_and_map(member, slug, checks)
    check_hours(committee, checks)
    certificate(member, team_path, checks)
    goes_on_waiting_list(rival, slug, plot_path, checks)
    fits_a_phone(open_page(viewport=PHONE), slug, plot_path, checks)

    # Import, found (twice), join, ask (twice), approve, add the task, log care: each answered
    # with a redirect, "303 See Other" (with htmx, the same as a navigation: HX-Location).
    assert [status for _, status in posts] == [303] * 9, posts
    checks.report()
