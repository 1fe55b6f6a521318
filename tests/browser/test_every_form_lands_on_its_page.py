"""Every form that ends in a redirect leaves the browser on that redirect's page (issue 12).

A plain form follows its 303 to the page that shows the outcome; with htmx the same form must
end at the same place: the address bar names that page (its ``#anchor`` too, when the 303 has
one), the page shown is that page, and a reload shows it again without sending the form. Each
form is submitted through the real UI (clicking its button) with JavaScript on and htmx ready;
boosted forms must be sent by htmx, the few that opt out (``hx-boost="false"``) by the browser.
The forms other browser tests already submit with htmx are not repeated here.

What the forms act on is made for each test with tests/factories.py: the ``projects`` (one
sent back for changes, one in progress, one completed) and the ``plots_and_teams`` (two
volunteer teams, plots adopted, asked for and waited for, a care task and a care log).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, Request, expect

from participation.conventions import comments as amendment_comments
from participation.conventions import services as conventions_services
from participation.plots import care
from participation.proposals.rules import Status
from tests.browser.support import (
    CODE_RE,
    LiveServer,
    OpenPage,
    en,
    expect_htmx_ready,
    html_lang,
    sign_in,
    zh,
)
from tests.factories import (
    COMMITTEE,
    COMMUNITY_NAME,
    COMMUNITY_SLUG,
    COMPLETED,
    IN_PROGRESS,
    RESIDENTS,
    adopt,
    ask_to_adopt,
    log_care,
    make_plot,
    make_proposal,
    make_team,
)
from tests.support import now

TIAN, TIAN_NAME = RESIDENTS[0]  # leads 玉林护花使者队 (its plots 一号, 二号花坛 and 三栋北侧花墙)
LI, LI_NAME = RESIDENTS[1]  # a member of 玉林护花使者队
ZHANG, ZHANG_NAME = RESIDENTS[2]  # leads 银杏花友会 (join by request), waits for 一号花坛

GUARDIANS = "玉林护花使者队"
GINKGO = "银杏花友会"

Heading = str | re.Pattern[str]


@dataclass
class Visitor:
    """One browser on the live server, submitting forms and checking where they land."""

    page: Page
    base: str
    sent: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.sent.append(request))

    def goto(self, path: str) -> None:
        self.page.goto(path)
        expect_htmx_ready(self.page)

    def sign_in(self, subject: str, name: str) -> None:
        sign_in(self.page, subject, shown_as=name, axe=False)
        expect_htmx_ready(self.page)

    def submit(self, button: Locator, *, boosted: bool = True) -> None:
        """Clicks a form's ``button`` and waits until another page is shown.

        ``boosted``: htmx sends the form (else the browser does: ``hx-boost="false"``)."""
        expect_htmx_ready(self.page)
        self.page.locator("main#main").evaluate("main => { main.dataset.before = 'submit' }")
        with self.page.expect_request(lambda request: request.method == "POST") as posted:
            button.click()
        by_htmx = posted.value.header_value("hx-request") == "true"
        assert by_htmx == boosted, (
            f"{posted.value.url} was sent {'by htmx' if by_htmx else 'as a plain form'}"
        )
        # The page shown before the click is gone: a new <main> (swapped in, or loaded).
        expect(self.page.locator("main#main:not([data-before])")).to_be_attached()

    def expect_at(self, path: str, heading: Heading, *, anchor: str = "") -> None:
        """The address bar names ``path`` (and ``anchor``), the page shown is that page (its
        data-path and h1), and a reload shows the same page with no form sent again."""
        self._expect_page(path, heading, anchor)
        self.sent.clear()
        self.page.reload()
        resent = [f"{r.method} {r.url}" for r in self.sent if r.method != "GET"]
        assert not resent, f"the reload of {path} sent {resent}"
        self._expect_page(path, heading, anchor)
        expect_htmx_ready(self.page)

    def _expect_page(self, path: str, heading: Heading, anchor: str) -> None:
        expect(self.page).to_have_url(f"{self.base}{path}{anchor}")
        expect(self.page.locator("main#main")).to_have_attribute("data-path", path)
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        if anchor:  # shown from there, as a browser shows a page#anchor it navigates to
            expect(self.page.locator(anchor)).to_be_in_viewport()

    def expect_notice(self, message: str, **params: object) -> None:
        expect(self.page.locator("main > p.notice[role=status]")).to_have_text(
            zh(message, **params)
        )

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def button(self, name: str, within: Locator | None = None) -> Locator:
        return (within or self.page).get_by_role("button", name=name, exact=True)


def visitor(open_page: OpenPage, live_server: LiveServer) -> Visitor:
    return Visitor(open_page(), live_server.url)


def open_proposal(who: Visitor, slug: str, title: str) -> str:
    """From the list, searched by title, to the proposal's page; returns its path."""
    who.page.goto(f"/c/{slug}/proposals?q={title}")
    expect_htmx_ready(who.page)
    who.page.get_by_role("link", name=title, exact=True).click()
    expect(who.page.get_by_role("heading", level=1)).to_have_text(title)
    match = re.fullmatch(rf"/c/{slug}/proposals/\d+", who.path())
    assert match, who.page.url
    return match.group(0)


def write_photo(directory: Path, name: str) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 150, 70)).save(buffer, "JPEG", quality=85)
    path = directory / name
    path.write_bytes(buffer.getvalue())
    return path


# --- proposals -----------------------------------------------------------------------------------

SHADE = "儿童游乐区遮阳棚"  # 张伟's, sent back for changes: he may still edit it
SHADE_EDITED = "儿童游乐区遮阳棚（附两家报价）"
BALCONY = "点亮我家小阳台：楼道花箱"  # 李家's, in progress: milestones and progress updates
CORNER = "3栋北侧拐角变口袋花园"  # 田秀芳's, completed: its plots are made from its page


@pytest.fixture
def projects(live_server: LiveServer) -> None:
    hood = live_server.neighbourhood
    tian, li, zhang = hood.residents
    sent_back = (Status.SUBMITTED, Status.NEEDS_CHANGES)

    async def work() -> None:
        await make_proposal(
            hood,
            zhang,
            SHADE,
            path=sent_back,
            reason="请补充遮阳棚的材料和两家报价。",
            category="facilities",
            cost_yuan=12000,
        )
        await make_proposal(hood, li, BALCONY, path=IN_PROGRESS, category="balcony_flowers")
        await make_proposal(hood, tian, CORNER, path=COMPLETED, location="3栋北侧拐角")

    live_server.in_database(work)


@pytest.mark.usefixtures("projects")
def test_proposal_forms(open_page: OpenPage, live_server: LiveServer, tmp_path: Path) -> None:
    slug = COMMUNITY_SLUG
    author = visitor(open_page, live_server)
    author.goto(f"/c/{slug}/proposals")
    author.sign_in(ZHANG, ZHANG_NAME)
    shade = open_proposal(author, slug, SHADE)

    # Editing the proposal: the form's own page, then back on the proposal's.
    author.page.get_by_role("link", name=zh("Edit"), exact=True).click()
    expect(author.page.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Edit proposal')} · {COMMUNITY_NAME}"
    )
    author.page.get_by_label(zh("Title")).fill(SHADE_EDITED)
    author.submit(author.button(zh("Save draft")))
    author.expect_notice("Your changes are saved.")
    author.expect_at(shade, SHADE_EDITED)

    author.page.get_by_label(zh("Invite a neighbour as co-author (their name here)")).fill(
        TIAN_NAME
    )
    author.submit(author.button(zh("Invite")))
    author.expect_notice("Invitation sent.")
    author.expect_at(shade, SHADE_EDITED)

    # Photos are sent by the browser itself (hx-boost="false"): the 303's #photos is kept.
    author.page.get_by_label(zh("Add a photo (JPEG, PNG or WebP)")).set_input_files(
        write_photo(tmp_path, "shade.jpg")
    )
    author.page.get_by_label(zh("What does the photo show?")).fill("滑梯上方没有遮挡")
    author.submit(author.button(zh("Upload photo")), boosted=False)
    author.expect_notice("Photo added.")
    author.expect_at(shade, SHADE_EDITED, anchor="#photos")

    co_author = visitor(open_page, live_server)
    co_author.goto(shade)
    co_author.sign_in(TIAN, TIAN_NAME)
    co_author.submit(co_author.button(zh("Accept the invitation")))
    co_author.expect_notice("You are now a co-author of this proposal.")
    co_author.expect_at(shade, SHADE_EDITED)

    # A comment is posted in place (htmx swaps the discussion); editing it is a page of its own.
    discussion = co_author.page.get_by_role("region", name=zh("Discussion"))
    discussion.get_by_label(zh("Add a comment")).fill("我问了两家，报价明天发群里。")
    discussion.get_by_role("button", name=zh("Post comment")).click()
    mine = discussion.locator("ol.threads > li").filter(has_text="我问了两家")
    mine.get_by_role("link", name=zh("Edit"), exact=True).click()
    expect(co_author.page.get_by_role("heading", level=1)).to_have_text(zh("Edit comment"))
    co_author.page.get_by_label(zh("Your comment")).fill("我问了两家，报价已经发群里了。")
    co_author.submit(co_author.button(zh("Save")))
    co_author.expect_at(shade, SHADE_EDITED, anchor="#comments")
    mine = co_author.page.locator("ol.threads > li").filter(has_text="报价已经发群里了")
    expect(mine).to_contain_text(zh("edited"))

    # Replying and deleting are swapped in place by htmx (no redirect): the browser stays on
    # the proposal, and a reload shows the same.
    mine.get_by_text(zh("Reply"), exact=True).click()
    mine.get_by_label(zh("Your reply")).fill("谢谢！")
    mine.get_by_role("button", name=zh("Post reply")).click()
    expect(mine.locator("ol.replies")).to_contain_text("谢谢！")
    co_author.expect_at(shade, SHADE_EDITED, anchor="#comments")
    mine.get_by_role("button", name=zh("Delete")).first.click()
    expect(co_author.page.locator("ol.threads")).to_contain_text(
        zh("This comment was deleted by its author.")
    )
    co_author.expect_at(shade, SHADE_EDITED, anchor="#comments")
    expect(co_author.page.locator("ol.threads")).to_contain_text(
        zh("This comment was deleted by its author.")
    )

    author.goto(shade)
    author.submit(author.button(zh("Withdraw")))
    author.expect_notice("The proposal was withdrawn.")
    author.expect_at(shade, SHADE_EDITED)
    expect(author.page.locator("p.status strong")).to_have_text(zh("Withdrawn"))

    # Progress: a neighbour's update waits for the committee, which tracks the project.
    balcony = open_proposal(co_author, slug, BALCONY)
    progress = co_author.page.get_by_role("region", name=zh("Progress"))
    progress.get_by_label(zh("What has happened?")).fill("三单元门口的花箱已经放好了。")
    co_author.submit(co_author.button(zh("Post progress")), boosted=False)
    co_author.expect_notice("Thank you! The committee will check your update before it shows.")
    co_author.expect_at(balcony, BALCONY, anchor="#progress")

    committee = visitor(open_page, live_server)
    committee.goto(balcony)
    committee.sign_in(COMMITTEE.subject, COMMITTEE.name)
    progress = committee.page.get_by_role("region", name=zh("Progress"))
    progress.get_by_label(zh("How far along, in %%").replace("%%", "%")).fill("40")
    committee.submit(committee.button(zh("Save"), progress))
    committee.expect_notice("Progress saved.")
    committee.expect_at(balcony, BALCONY, anchor="#progress")
    expect(committee.page.locator("#progress-bar")).to_have_attribute("value", "40")

    committee.page.get_by_label(zh("New milestone")).fill("五栋花箱到货")
    committee.submit(committee.button(zh("Add milestone")))
    committee.expect_notice("Milestone added.")
    committee.expect_at(balcony, BALCONY, anchor="#progress")

    milestone = committee.page.locator("ul.milestones > li").filter(has_text="五栋花箱到货")
    committee.submit(committee.button(zh("Mark done"), milestone))
    committee.expect_at(balcony, BALCONY, anchor="#progress")
    expect(milestone).to_contain_text(zh("Done"))

    pending = committee.page.locator("ol.timeline > li").filter(has_text="花箱已经放好了")
    committee.submit(committee.button(zh("Publish"), pending))
    committee.expect_at(balcony, BALCONY, anchor="#progress")
    expect(pending).not_to_contain_text(zh("Waiting for committee approval"))

    progress = committee.page.get_by_role("region", name=zh("Progress"))
    progress.get_by_label(zh("What has happened?")).fill("一到四栋的花箱都已放好。")
    committee.submit(committee.button(zh("Post progress")), boosted=False)
    committee.expect_notice("Progress posted.")
    committee.expect_at(balcony, BALCONY, anchor="#progress")


# --- committee -----------------------------------------------------------------------------------


def test_committee_forms(open_page: OpenPage, live_server: LiveServer) -> None:
    slug = COMMUNITY_SLUG
    committee = visitor(open_page, live_server)
    committee.goto(f"/c/{slug}")
    committee.sign_in(COMMITTEE.subject, COMMITTEE.name)

    settings = f"/c/{slug}/committee/settings"
    settings_heading = f"{zh('Community settings')} · {COMMUNITY_NAME}"
    committee.page.get_by_role("link", name=zh("Community settings"), exact=True).first.click()
    committee.page.get_by_label(zh("Most verified members per household")).fill("5")
    committee.submit(committee.button(zh("Save")).nth(0))
    committee.expect_notice("Community settings saved.")
    committee.expect_at(settings, settings_heading)
    expect(committee.page.get_by_label(zh("Most verified members per household"))).to_have_value(
        "5"
    )
    # Each of the other two forms brings the committee back to the part of the page it saved.
    committee.page.get_by_label(
        zh("Supports a proposal needs before the committee reviews it")
    ).fill("3")
    committee.submit(committee.button(zh("Save")).nth(1))
    committee.expect_notice("Micro-project settings saved.")
    committee.expect_at(settings, settings_heading, anchor="#proposal-settings")
    committee.page.get_by_label(zh("Days without a care log before the team is reminded")).fill(
        "10"
    )
    committee.submit(committee.button(zh("Save")).nth(2))
    committee.expect_notice("Plot settings saved.")
    committee.expect_at(settings, settings_heading, anchor="#plot-settings")
    expect(
        committee.page.get_by_label(zh("Days without a care log before the team is reminded"))
    ).to_have_value("10")
    committee.page.get_by_role("radio", name=zh("One vote per verified resident")).check()
    committee.submit(committee.button(zh("Save")).nth(3))
    committee.expect_notice("Convention settings saved.")
    committee.expect_at(settings, settings_heading, anchor="#convention-settings")
    expect(
        committee.page.get_by_role("radio", name=zh("One vote per verified resident"))
    ).to_be_checked()
    committee.page.get_by_label(
        zh("Reports from trusted residents that hide an item until the committee reviews it")
    ).fill("4")
    committee.submit(committee.button(zh("Save")).nth(4))
    committee.expect_notice("Moderation settings saved.")
    committee.expect_at(settings, settings_heading, anchor="#moderation-settings")

    # Issuing codes is a plain form (hx-boost="false"): it lands on the sheet, which a reload
    # shows again, with the same codes and none issued anew.
    codes = f"/c/{slug}/committee/codes"
    codes_heading = f"{zh('Household codes')} · {COMMUNITY_NAME}"
    committee.page.get_by_role("link", name=zh("Household codes"), exact=True).first.click()
    expect(committee.page.get_by_role("heading", level=1)).to_have_text(codes_heading)
    rows = committee.page.locator("tbody > tr")
    issued_before = rows.count()
    households = committee.page.get_by_label(zh("Households (e.g. 3栋2单元501)"))
    households.fill("7栋1单元101\n7栋1单元102")
    committee.submit(committee.button(zh("Create codes and open the print sheet")), boosted=False)
    sheet = committee.path()
    assert re.fullmatch(rf"/c/{slug}/committee/codes/sheet/[A-Za-z0-9_-]+", sheet), sheet
    slips = committee.page.locator("p.slip-code code")
    expect(slips).to_have_count(2)
    printed = slips.all_inner_texts()
    assert all(CODE_RE.match(code) for code in printed), printed
    committee.expect_at(sheet, f"{zh('Household code slips')} · {COMMUNITY_NAME}")
    assert slips.all_inner_texts() == printed
    committee.page.get_by_role("link", name=zh("Back to household codes")).click()
    expect(committee.page.get_by_role("heading", level=1)).to_have_text(codes_heading)
    expect(rows).to_have_count(issued_before + 2)

    fresh = rows.filter(has_text="7栋1单元102")
    committee.submit(fresh.get_by_role("button", name=re.compile(f"^{zh('Revoke')}")))
    committee.expect_notice("The code was revoked.")
    committee.expect_at(codes, codes_heading)
    expect(fresh).to_contain_text(zh("Revoked"))

    # A vote being prepared, edited: back on the round's page.
    committee.page.get_by_role(
        "link", name=zh("Participatory budget votes"), exact=True
    ).first.click()
    committee.page.get_by_role("link", name=zh("Prepare a new vote"), exact=True).click()
    committee.page.get_by_label(zh("Title")).fill("2027 年春季社区微基金")
    committee.page.get_by_label(zh("Budget in yuan")).fill("20000")
    opens = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)
    committee.page.get_by_label(zh("Voting opens (community time)")).fill(
        opens.strftime("%Y-%m-%dT%H:%M")
    )
    committee.page.get_by_label(zh("Voting closes (community time)")).fill(
        (opens + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    committee.submit(committee.button(zh("Save")))
    committee.expect_notice("The round is saved as a draft. Open it when it is ready.")
    voting_round = committee.path()
    assert re.fullmatch(rf"/c/{slug}/rounds/\d+", voting_round), voting_round
    committee.page.get_by_role("link", name=zh("Edit the round and its projects")).click()
    committee.page.get_by_label(zh("Title")).fill("2027 年春季社区微基金（第一轮）")
    committee.submit(committee.button(zh("Save")))
    committee.expect_notice("The round is saved.")
    committee.expect_at(voting_round, "2027 年春季社区微基金（第一轮）")


# --- plots ---------------------------------------------------------------------------------------

FIRST_BED = "银杏树下一号花坛"  # 玉林护花使者队's, with a watering task; 银杏花友会 waits for it
SECOND_BED = "银杏树下二号花坛"  # 玉林护花使者队's: handed over
FLOWER_WALL = "三栋北侧花墙"  # 玉林护花使者队's: released
PLANTERS = "单元门口花箱"  # 玉林护花使者队 asked for it: the committee decides on its page
NEW_PLOT = "东门新花坛"


@pytest.fixture
def plots_and_teams(live_server: LiveServer) -> None:
    """玉林护花使者队 (田秀芳 leads, 李家 in it) has adopted three plots, cares for the first
    with a watering task and has logged care there, and asks for a fourth; 银杏花友会 (张伟
    leads, join by request) waits for the first. The approvals left 田秀芳 unread notices."""
    hood = live_server.neighbourhood
    tian, li, zhang = hood.residents
    month_ago = now() - timedelta(days=30)

    async def work() -> None:
        guardians = await make_team(hood, tian, GUARDIANS, members=[li], at=month_ago)
        ginkgo = await make_team(hood, zhang, GINKGO, join_policy="request", at=month_ago)
        plots: dict[str, int] = {}
        for name in (FIRST_BED, SECOND_BED, FLOWER_WALL, PLANTERS):
            plots[name] = await make_plot(hood, name, at=month_ago)
        for name in (FIRST_BED, SECOND_BED, FLOWER_WALL):
            await adopt(hood, tian, guardians, plots[name], at=month_ago)
        await ask_to_adopt(hood, zhang, ginkgo, plots[FIRST_BED])
        await ask_to_adopt(hood, tian, guardians, plots[PLANTERS], term_months=12)
        await care.add_task(
            tian, hood.community_id, plots[FIRST_BED], "watering", "3", "早上8点前浇透", now=now()
        )
        yesterday = now() - timedelta(days=1)
        await log_care(hood, li, plots[FIRST_BED], "weeding", 45, note="拔了一袋草。", at=yesterday)

    live_server.in_database(work)


def open_plot(who: Visitor, slug: str, name: str) -> str:
    """From the list, searched by name, to the plot's page; returns its path."""
    who.page.goto(f"/c/{slug}/plots?q={name}")
    expect_htmx_ready(who.page)
    who.page.get_by_role("link", name=name, exact=True).click()
    expect(who.page.get_by_role("heading", level=1)).to_have_text(plot_heading(name))
    match = re.fullmatch(rf"/c/{slug}/plots/\d+", who.path())
    assert match, who.page.url
    return match.group(0)


def plot_heading(name: str) -> re.Pattern[str]:
    """A plot's h1: its name, then its team's nickname for it, if any."""
    return re.compile(rf"^{re.escape(name)}(\s+“[^”]*”)?$")


def manage(who: Visitor) -> None:
    who.page.get_by_text(zh("Manage this adoption"), exact=True).click()


@pytest.mark.usefixtures("projects", "plots_and_teams")
def test_plot_forms_of_the_committee(
    open_page: OpenPage, live_server: LiveServer, tmp_path: Path
) -> None:
    slug = COMMUNITY_SLUG
    committee = visitor(open_page, live_server)
    committee.goto(f"/c/{slug}/plots")
    committee.sign_in(COMMITTEE.subject, COMMITTEE.name)

    committee.page.get_by_role("link", name=zh("Add a plot"), exact=True).click()
    committee.page.get_by_label(zh("Name")).fill(NEW_PLOT)
    committee.submit(committee.button(zh("Save")))
    committee.expect_notice("Plot added.")
    new_plot = committee.path()
    assert re.fullmatch(rf"/c/{slug}/plots/\d+", new_plot), new_plot
    committee.expect_at(new_plot, NEW_PLOT)

    committee.page.get_by_role("link", name=zh("Edit the plot"), exact=True).click()
    committee.page.get_by_label(zh("Description")).fill("东门右手边，原来堆杂物的地方。")
    committee.submit(committee.button(zh("Save")))
    committee.expect_notice("Plot saved.")
    committee.expect_at(new_plot, NEW_PLOT)

    committee.page.get_by_role("link", name=zh("Edit the plot"), exact=True).click()
    committee.page.get_by_label(zh("Photo (JPEG, PNG or WebP)")).set_input_files(
        write_photo(tmp_path, "bed.jpg")
    )
    committee.page.get_by_label(zh("What does the photo show?")).fill("清理后的东门空地")
    committee.submit(committee.button(zh("Upload the photo")))
    committee.expect_notice("Photo saved.")
    committee.expect_at(new_plot, NEW_PLOT)
    expect(committee.page.get_by_role("img", name="清理后的东门空地")).to_be_visible()

    committee.page.get_by_role("link", name=zh("Edit the plot"), exact=True).click()
    committee.submit(committee.button(zh("Remove the photo")))
    committee.expect_notice("Photo removed.")
    committee.expect_at(new_plot, NEW_PLOT)
    expect(committee.page.locator("img.plot-photo")).to_have_count(0)

    committee.page.get_by_label(zh("Status")).select_option(label=zh("Resting"))
    committee.submit(committee.button(zh("Change")))
    committee.expect_notice("Plot status changed.")
    committee.expect_at(new_plot, NEW_PLOT)

    planters = open_plot(committee, slug, PLANTERS)
    request = committee.page.locator("ol.queue > li").filter(has_text=GUARDIANS)
    committee.submit(committee.button(zh("Approve"), request))
    committee.expect_notice("Adoption approved.")
    committee.expect_at(planters, plot_heading(PLANTERS))

    first_bed = open_plot(committee, slug, FIRST_BED)
    log = committee.page.locator("#timeline ol.timeline > li").first
    back_at = f"#{log.get_attribute('id')}"  # the log itself: it is in the moderation log now
    committee.submit(committee.button(zh("Hide"), log))
    committee.expect_at(first_bed, plot_heading(FIRST_BED), anchor=back_at)
    expect(log).to_contain_text(zh("Hidden"))
    committee.submit(committee.button(zh("Show again"), log))
    committee.expect_at(first_bed, plot_heading(FIRST_BED), anchor=back_at)
    expect(log).not_to_contain_text(zh("Hidden"))

    open_proposal(committee, slug, CORNER)
    committee.page.get_by_label(zh("Plot names, one per line")).fill("拐角东花坛\n拐角西花坛")
    committee.submit(committee.button(zh("Make plots")))
    committee.expect_notice("%(count)s plots imported.", count=2)
    committee.expect_at(f"/c/{slug}/plots", zh("Plots and flowerbeds"))


@pytest.mark.usefixtures("plots_and_teams")
def test_plot_forms_of_the_teams(open_page: OpenPage, live_server: LiveServer) -> None:
    slug = COMMUNITY_SLUG
    leader = visitor(open_page, live_server)
    leader.goto(f"/c/{slug}/plots")
    leader.sign_in(TIAN, TIAN_NAME)

    first_bed = open_plot(leader, slug, FIRST_BED)
    manage(leader)
    leader.page.get_by_label(zh("Your team's nickname for the plot")).fill("大银杏")
    leader.submit(leader.button(zh("Save nickname")))
    leader.expect_notice("Nickname saved.")
    leader.expect_at(first_bed, f"{FIRST_BED} “大银杏”")

    manage(leader)
    leader.page.get_by_label(zh("Renew for")).select_option(
        label=zh("%(months)s months", months=12)
    )
    leader.submit(leader.button(zh("Renew")))
    leader.expect_notice("Adoption renewed.")
    leader.expect_at(first_bed, plot_heading(FIRST_BED))

    leader.page.get_by_text(zh("Put members on the rota"), exact=True).click()
    leader.page.get_by_label(LI_NAME, exact=True).check()
    leader.submit(leader.button(zh("Save the rota")))
    leader.expect_notice("Rota saved.")
    leader.expect_at(first_bed, plot_heading(FIRST_BED), anchor="#care")

    leader.submit(leader.button(zh("Stop this task")))
    leader.expect_notice("Task stopped.")
    leader.expect_at(first_bed, plot_heading(FIRST_BED), anchor="#care")
    expect(leader.page.locator("#care")).to_contain_text(zh("No care tasks yet."))

    second_bed = open_plot(leader, slug, SECOND_BED)
    manage(leader)
    leader.page.get_by_label(zh("Hand over to")).select_option(label=GINKGO)
    leader.submit(leader.button(zh("Hand over")))
    leader.expect_notice("The plot has been handed over.")
    leader.expect_at(second_bed, plot_heading(SECOND_BED))

    wall = open_plot(leader, slug, FLOWER_WALL)
    manage(leader)
    leader.page.get_by_label(re.compile(f"^{zh('Reason for releasing the plot')}")).fill(
        "大家暑假都不在"
    )
    leader.submit(leader.button(zh("Release the plot")))
    leader.expect_notice("The plot has been released.")
    leader.expect_at(wall, plot_heading(FLOWER_WALL))

    waiting = visitor(open_page, live_server)
    waiting.goto(first_bed)
    waiting.sign_in(ZHANG, ZHANG_NAME)
    waiting.submit(waiting.button(zh("Withdraw our request")))
    waiting.expect_notice("Request withdrawn.")
    waiting.expect_at(first_bed, plot_heading(FIRST_BED))


# --- teams ---------------------------------------------------------------------------------------


def open_team(who: Visitor, slug: str, name: str) -> str:
    who.page.goto(f"/c/{slug}/teams")
    expect_htmx_ready(who.page)
    who.page.get_by_role("link", name=name, exact=True).click()
    expect(who.page.get_by_role("heading", level=1)).to_have_text(name)
    match = re.fullmatch(rf"/c/{slug}/teams/\d+", who.path())
    assert match, who.page.url
    return match.group(0)


@pytest.mark.usefixtures("plots_and_teams")
def test_team_forms(open_page: OpenPage, live_server: LiveServer) -> None:
    slug = COMMUNITY_SLUG
    joining = visitor(open_page, live_server)
    joining.goto(f"/c/{slug}/teams")
    joining.sign_in(TIAN, TIAN_NAME)
    ginkgo = open_team(joining, slug, GINKGO)
    joining.submit(joining.button(zh("Ask to join")))
    joining.submit(joining.button(zh("Withdraw my request")))
    joining.expect_notice("You have left the team.")
    joining.expect_at(ginkgo, GINKGO)
    joining.submit(joining.button(zh("Ask to join")))

    turned_down = visitor(open_page, live_server)
    turned_down.goto(ginkgo)
    turned_down.sign_in(LI, LI_NAME)
    turned_down.submit(turned_down.button(zh("Ask to join")))

    leader = visitor(open_page, live_server)
    leader.goto(ginkgo)
    leader.sign_in(ZHANG, ZHANG_NAME)
    asking = leader.page.locator("section li").filter(has_text=TIAN_NAME)
    leader.submit(leader.button(zh("Let in"), asking))
    leader.expect_notice("Member let in.")
    leader.expect_at(ginkgo, GINKGO)
    asking = leader.page.locator("section li").filter(has_text=LI_NAME)
    leader.submit(leader.button(zh("Turn down"), asking))
    leader.expect_notice("Request turned down.")
    leader.expect_at(ginkgo, GINKGO)

    member = leader.page.locator("section li").filter(has_text=TIAN_NAME)
    leader.submit(leader.button(zh("Make leader"), member))
    leader.expect_notice("Team leaders updated.")
    leader.expect_at(ginkgo, GINKGO)
    expect(member).to_contain_text(zh("Leader"))

    leader.page.get_by_role("link", name=zh("Edit the team"), exact=True).click()
    leader.page.get_by_label(zh("About the team (optional)")).fill("喜欢养花的邻居，每月聚一次。")
    leader.submit(leader.button(zh("Save")))
    leader.expect_notice("Team saved.")
    leader.expect_at(ginkgo, GINKGO)

    joining.goto(ginkgo)
    joining.submit(joining.button(zh("Leave the team")))
    joining.expect_notice("You have left the team.")
    joining.expect_at(ginkgo, GINKGO)
    expect(joining.button(zh("Ask to join"))).to_be_visible()


# --- account -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("plots_and_teams")
def test_account_forms(open_page: OpenPage, live_server: LiveServer) -> None:
    slug = COMMUNITY_SLUG
    resident = visitor(open_page, live_server)
    resident.goto(f"/c/{slug}")
    resident.sign_in(TIAN, TIAN_NAME)

    resident.page.get_by_role("link", name=re.compile(f"^{zh('Notices')}")).click()
    expect(resident.page.locator("ol.notices li.unread").first).to_be_visible()
    resident.submit(resident.button(zh("Mark all as read")))
    resident.expect_at("/notices", zh("Notices"))
    expect(resident.page.locator("ol.notices li.unread")).to_have_count(0)

    # Both are plain forms (hx-boost="false": htmx would keep the old <html lang>).
    resident.page.get_by_role("link", name=TIAN_NAME, exact=True).click()
    resident.page.get_by_label(zh("Name shown to neighbours")).fill("田阿姨")
    resident.submit(resident.button(zh("Save")), boosted=False)
    resident.expect_notice("Your profile was saved.")
    resident.expect_at("/profile", zh("My profile"))

    proposals = f"/c/{slug}/proposals"
    resident.goto(proposals)
    resident.submit(resident.button("English"), boosted=False)
    resident.expect_at(proposals, en("Micro-projects"))
    assert html_lang(resident.page) == "en"
    resident.submit(resident.button("中文"), boosted=False)
    resident.expect_at(proposals, zh("Micro-projects"))
    assert html_lang(resident.page) == "zh-Hans"


# --- conventions ---------------------------------------------------------------------------------

DRAFT = "小区文明养犬公约（草案）"
ADOPTED = "玉林东路社区居民公约"


@pytest.fixture
def conventions(live_server: LiveServer) -> dict[str, int]:
    """A draft with 田秀芳's amendment and her comment on it, and an adopted convention."""
    hood = live_server.neighbourhood
    tian, li, _zhang = hood.residents

    async def work() -> dict[str, int]:
        here, committee = hood.community_id, hood.committee
        draft = await conventions_services.open_draft(
            committee, here, DRAFT, "", ["外出牵绳。", "及时清理粪便。"], now=now()
        )
        amendment = await conventions_services.propose_amendment(
            tian, here, draft.id, "change", 1, "外出一律牵绳。", "说得更清楚", now=now()
        )
        said = await amendment_comments.post_comment(
            tian, here, draft.id, amendment.id, "我先说两句", now=now()
        )
        adopted = await conventions_services.open_draft(
            committee, here, ADOPTED, "", ["爱护绿地。"], now=now()
        )
        rules = conventions_services.VoteRules(
            "resident", 10, "simple", now() - timedelta(hours=1), now() + timedelta(days=1)
        )
        vote = await conventions_services.schedule_ratification(
            committee, here, adopted.id, rules, now=now()
        )
        await conventions_services.cast_vote(li, here, vote.id, "yes", now=now())
        later = now() + timedelta(days=2)
        await conventions_services.count_ratification(committee, here, vote.id, now=later)
        return {
            "draft": draft.id,
            "amendment": amendment.id,
            "comment": said,
            "adopted": adopted.id,
        }

    return live_server.in_database(work)


def test_convention_forms(
    open_page: OpenPage, live_server: LiveServer, conventions: dict[str, int]
) -> None:
    base = f"/c/{COMMUNITY_SLUG}/conventions"
    draft, adopted = f"{base}/{conventions['draft']}", f"{base}/{conventions['adopted']}"
    amendment = f"#amendment-{conventions['amendment']}"

    tian = visitor(open_page, live_server)
    tian.goto(draft)
    tian.sign_in(TIAN, TIAN_NAME)
    tian.submit(tian.button(zh("Delete"), tian.page.locator(f"#comment-{conventions['comment']}")))
    tian.expect_at(draft, DRAFT, anchor=amendment)
    expect(tian.page.locator(f"#comment-{conventions['comment']}")).to_contain_text(
        zh("This comment was deleted by its author.")
    )
    tian.submit(tian.button(zh("Withdraw my amendment")))
    tian.expect_notice("Your amendment is withdrawn.")
    tian.expect_at(draft, DRAFT, anchor=amendment)

    committee = visitor(open_page, live_server)
    committee.goto(draft)
    committee.sign_in(COMMITTEE.subject, COMMITTEE.name)
    committee.submit(committee.button(zh("Close to new amendments")))
    committee.expect_notice("Amendments are closed while the committee decides on them.")
    committee.expect_at(draft, DRAFT)
    committee.submit(committee.button(zh("Reopen to amendments")))
    committee.expect_notice("The draft is open to amendments again.")
    committee.expect_at(draft, DRAFT)
    committee.goto(adopted)
    committee.submit(committee.button(zh("Start a revision")))
    committee.expect_notice(
        "A revision is open. The adopted text stays in force until a new one is adopted."
    )
    committee.expect_at(adopted, ADOPTED)
    expect(committee.page.locator("#in-force")).to_have_count(0)  # no new version yet
