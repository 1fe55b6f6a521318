"""A participatory-budgeting vote from preparation to published, recounted results.

The committee prepares a round over proposals accepted for the ballot and opens it. Three
verified residents vote: one with htmx (the running total warns her over budget; submitting
anyway is refused and stores nothing), one with JavaScript off, and one on paper, entered by
the committee. Voting time ends (the round's closing time is moved into the past: the server
clock decides), the committee closes, counts and publishes. The results page explains every
project; its ballots file has the published SHA-256 and, counted again, the same winners.
A resident finds her ballot with her receipt code. The committee's part runs with htmx and
with JavaScript off.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.lists import format_list
from playwright.sync_api import Dialog, Locator, Page, Response, expect

from participation.voting import tally
from participation.voting.models import Ballot, VotingRound
from tests.browser.support import (
    CODE_RE,
    LiveServer,
    OpenPage,
    assert_accessible,
    expect_htmx_ready,
    sign_in,
    zh,
)
from tests.factories import ACCEPTED, COMMITTEE, COMMUNITY_SLUG, RESIDENTS, make_proposal
from tests.support import HOSTILE_SHORT, now
from web.core.i18n import translations

VOTER_A, VOTER_A_NAME = RESIDENTS[0]  # tian-xiufang, 田秀芳: votes with htmx
VOTER_B, VOTER_B_NAME = RESIDENTS[1]  # li-family, 李家: votes with JavaScript off
VOTER_C, VOTER_C_NAME = RESIDENTS[2]  # zhang-wei, 张伟: votes on paper

ROUND_TITLE = "2026年玉林东路微更新基金"
ROUND_DESCRIPTION = "社区基金五千元，请大家选出最想做的小项目。"
BUDGET = 5000
BUDGET_TYPED = "5,000"  # as a committee member types it

PLAYGROUND = "儿童游乐角翻新"
STAIR_LIGHTS = "楼道感应灯更换"
READING_CORNER = f"{HOSTILE_SHORT} 读书角"  # hostile text: escaped on every page, the chart too
BIKE_SHED = "自行车棚加顶"
NOT_ON_BALLOT = "小区门口的信报箱"
COSTS = {PLAYGROUND: 3000, STAIR_LIGHTS: 2000, READING_CORNER: 1500, BIKE_SHED: 1000}
ON_BALLOT = list(COSTS)

A_OVER_BUDGET = [PLAYGROUND, STAIR_LIGHTS, READING_CORNER]  # ¥6,500
A_CHOICE = [PLAYGROUND, STAIR_LIGHTS]  # ¥5,000: exactly the budget
B_OVER_BUDGET = [PLAYGROUND, STAIR_LIGHTS, BIKE_SHED]  # ¥6,000
B_CHOICE = [STAIR_LIGHTS, BIKE_SHED]
C_CHOICE = [READING_CORNER, BIKE_SHED]

LOT_RE = re.compile(r"order drawn by lot: ([0-9,]+)(?: #3: |\s*$)")


def money(yuan: int) -> str:
    return f"{yuan:,}"


def ballots_so_far(num: int) -> str:
    text = translations("zh_Hans").ngettext("%(num)d ballot so far", "%(num)d ballots so far", num)
    return text % {"num": num}


def refuse_dialogs(page: Page) -> None:
    """Hostile text that ran as script would open a dialog: that fails the test."""

    def fail(dialog: Dialog) -> None:
        dialog.dismiss()
        raise AssertionError(f"a script ran on {page.url}: {dialog.message}")

    page.on("dialog", fail)


# --- the database: seeding proposals, and time passing -------------------------------------------


@pytest.fixture
def accepted_proposals(live_server: LiveServer) -> dict[str, int]:
    """Proposals by resident A, submitted and accepted for the ballot by the committee (before
    any page is served): title -> proposal id."""
    hood = live_server.neighbourhood
    author = hood.residents[0]  # VOTER_A

    async def work() -> dict[str, int]:
        return {
            title: await make_proposal(
                hood, author, title, path=ACCEPTED, cost_yuan=cost, body="大家一起商量过。"
            )
            for title, cost in [*COSTS.items(), (NOT_ON_BALLOT, 800)]
        }

    return live_server.in_database(work)


def stored_ballots(live_server: LiveServer, round_id: int) -> int:
    async def work() -> int:
        return await Ballot.filter(round_id=round_id).count()

    return live_server.in_database(work)


def let_voting_time_end(live_server: LiveServer, round_id: int) -> None:
    """Time passes: the closing time is now a minute ago (the server clock decides)."""

    async def work() -> None:
        changed = await VotingRound.filter(id=round_id).update(
            closes_at=now() - timedelta(minutes=1)
        )
        assert changed == 1

    live_server.in_database(work)


# --- pages ----------------------------------------------------------------------------------------


def expect_status(page: Page, label: str) -> None:
    expect(page.locator("p.status strong")).to_have_text(zh(label))


def expect_notice(page: Page, message: str) -> None:
    expect(page.locator("main > p.notice[role=status]")).to_have_text(zh(message))


def ballot_box(page: Page, title: str) -> Locator:
    """A project's checkbox, named by its label: the title, then its cost."""
    return page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(title)} · "))


def local_time(moment: datetime, zone: str = "Asia/Shanghai") -> str:
    """As a datetime-local field takes it, in the community's time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def prepare_and_open(committee: Page, *, javascript: bool) -> str:
    """From the list of votes to an open round through the form; returns the round's path."""
    slug = COMMUNITY_SLUG
    committee.goto(f"/c/{slug}/rounds")
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Participatory budget votes"))
    expect(committee.get_by_text(zh("No votes yet."))).to_be_visible()
    if javascript:
        expect_htmx_ready(committee)

    committee.get_by_role("link", name=zh("Prepare a new vote"), exact=True).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Prepare a new vote"))
    if javascript:
        assert_accessible(committee)
    committee.get_by_label(zh("Title")).fill(ROUND_TITLE)
    committee.get_by_label(zh("What the vote is about (optional)")).fill(ROUND_DESCRIPTION)
    committee.get_by_label(zh("Budget in yuan")).fill(BUDGET_TYPED)
    committee.get_by_label(zh("Voting opens (community time)")).fill(
        local_time(now() - timedelta(minutes=5))
    )
    committee.get_by_label(zh("Voting closes (community time)")).fill(
        local_time(now() + timedelta(days=7))
    )
    expect(
        committee.get_by_role("radio", name=zh("Method of Equal Shares"), exact=True)
    ).to_be_checked()
    for title in ON_BALLOT:
        ballot_box(committee, title).check()
    expect(ballot_box(committee, NOT_ON_BALLOT)).not_to_be_checked()
    committee.get_by_role("button", name=zh("Save"), exact=True).click()

    expect(committee.get_by_role("heading", level=1)).to_have_text(ROUND_TITLE)
    expect_notice(committee, "The round is saved as a draft. Open it when it is ready.")
    expect_status(committee, "Being prepared")
    match = re.search(rf"/c/{slug}/rounds/(\d+)$", committee.url)
    assert match, committee.url
    if javascript:
        assert_accessible(committee)

    committee.get_by_role("button", name=zh("Open the vote"), exact=True).click()
    expect_notice(committee, "The round is open: residents can vote from its opening time.")
    expect_status(committee, "Open for voting")
    expect(committee.get_by_text(ballots_so_far(0))).to_be_visible()
    projects = committee.locator("#ballot ul.cards > li")
    expect(projects).to_have_count(len(ON_BALLOT))
    for title in ON_BALLOT:
        expect(projects.filter(has_text=title)).to_contain_text(
            zh("¥%(cost)s", cost=money(COSTS[title]))
        )
    expect(committee.locator("#ballot")).not_to_contain_text(NOT_ON_BALLOT)
    # Voting time is not over: nothing to close yet.
    expect(committee.get_by_role("button", name=zh("Close and count"))).to_have_count(0)
    return f"/c/{slug}/rounds/{match.group(1)}"


def total_text(total: int) -> str:
    return zh("Your choices: ¥%(total)s of ¥%(budget)s", total=money(total), budget=money(BUDGET))


def over_budget_text(total: int) -> str:
    return zh(
        "Your choices cost ¥%(total)s, more than the budget of ¥%(budget)s. "
        "Please untick a project.",
        total=money(total),
        budget=money(BUDGET),
    )


def is_total_request(response: Response) -> bool:
    return response.request.method == "GET" and "/ballot/total" in response.url


def is_ballot_post(response: Response) -> bool:
    return response.request.method == "POST" and response.url.split("?")[0].endswith("/ballot")


def tick_with_htmx(page: Page, title: str, *, check: bool, total: int) -> None:
    """Tick (or untick) a box: htmx fetches the running total, the page stays where it is."""
    with page.expect_response(is_total_request) as answer:
        ballot_box(page, title).set_checked(check)
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#ballot-total")).to_contain_text(total_text(total))


def submit_over_budget(page: Page, total: int, ticked: list[str]) -> None:
    """The ballot comes back with the error (422) and the voter's ticks; nothing is stored."""
    with page.expect_response(is_ballot_post) as answer:
        page.get_by_role("button", name=zh("Submit my ballot")).click()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_have_text(over_budget_text(total))
    for title in ON_BALLOT:
        expect(ballot_box(page, title)).to_be_checked(checked=title in ticked)
    voted = zh("You have voted. You can change your ballot until voting closes.")
    expect(page.get_by_text(voted)).to_have_count(0)
    expect(page.get_by_role("button", name=zh("Submit my ballot"))).to_be_visible()


RECEIPT_URL = re.compile(r"/rounds/\d+/receipt/[\w-]{43}$")


def submit_ballot(page: Page) -> str:
    """Submit the ballot; returns the receipt code shown on the receipt page it leads to.

    The answer is a redirect (with htmx, a navigation), so the receipt has an address of its
    own: reloading it shows the same code again and casts nothing.
    """
    with page.expect_response(is_ballot_post) as answer:
        page.get_by_role("button", name=zh("Submit my ballot")).click()
    posted = answer.value
    assert posted.status == 303 or "hx-location" in posted.headers, posted.status
    expect(page).to_have_url(RECEIPT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Your ballot is in"))
    expect(page.locator(".slip-community")).to_contain_text(ROUND_TITLE)
    code = page.locator(".slip-code code").inner_text().strip()
    assert CODE_RE.match(code), code
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.reload()
    expect(page.locator(".slip-code code")).to_have_text(code)
    assert posts == [], "reloading the receipt sent the ballot again"
    return code


def vote_with_htmx(page: Page, round_path: str, live_server: LiveServer, round_id: int) -> str:
    """Resident A: the running total follows her ticks without a page load."""
    page.goto(round_path)
    sign_in(page, VOTER_A, shown_as=VOTER_A_NAME, axe=False)
    expect(page.get_by_role("heading", level=2, name=zh("Your ballot"))).to_be_visible()
    expect(page.locator("#ballot-total")).to_contain_text(total_text(0))
    expect_htmx_ready(page)
    assert_accessible(page)  # the round page, open

    page.evaluate("window.stillTheSamePage = true")
    for index, title in enumerate(A_OVER_BUDGET):
        tick_with_htmx(
            page, title, check=True, total=sum(COSTS[t] for t in A_OVER_BUDGET[: index + 1])
        )
    over = sum(COSTS[t] for t in A_OVER_BUDGET)
    total = page.locator("#ballot-total")
    expect(total).to_contain_text(over_budget_text(over))
    expect(total).to_have_class("error-text")
    assert page.evaluate("window.stillTheSamePage") is True, "ticking a box reloaded the page"
    assert_accessible(page)

    submit_over_budget(page, over, A_OVER_BUDGET)
    expect(page.locator("#ballot-total")).to_contain_text(over_budget_text(over))
    expect(page.get_by_text(ballots_so_far(0))).to_be_visible()
    assert stored_ballots(live_server, round_id) == 0
    assert_accessible(page)

    expect_htmx_ready(page)
    page.evaluate("window.stillTheSamePage = true")
    [dropped] = set(A_OVER_BUDGET) - set(A_CHOICE)
    tick_with_htmx(page, dropped, check=False, total=sum(COSTS[t] for t in A_CHOICE))
    expect(total).not_to_have_class("error-text")
    expect(total).not_to_contain_text(over_budget_text(over))
    assert page.evaluate("window.stillTheSamePage") is True

    code = submit_ballot(page)
    assert_accessible(page)  # the receipt page
    assert stored_ballots(live_server, round_id) == 1
    return code


def vote_without_javascript(page: Page, round_path: str) -> str:
    """Resident B: the same form as plain HTML, checked on submit."""
    page.goto(round_path)
    sign_in(page, VOTER_B, shown_as=VOTER_B_NAME, axe=False)
    expect(page.locator("#ballot-total")).to_contain_text(total_text(0))
    for title in B_OVER_BUDGET:
        ballot_box(page, title).check()
    # No script: the total is computed when the form comes back.
    expect(page.locator("#ballot-total")).to_contain_text(total_text(0))
    over = sum(COSTS[t] for t in B_OVER_BUDGET)
    submit_over_budget(page, over, B_OVER_BUDGET)
    expect(page.locator("#ballot-total")).to_contain_text(total_text(over))
    expect(page.get_by_text(ballots_so_far(1))).to_be_visible()

    for title in ON_BALLOT:
        ballot_box(page, title).set_checked(title in B_CHOICE)
    code = submit_ballot(page)
    expect(page.locator("[data-htmx-powered]")).to_have_count(0)
    return code


def enter_paper_ballot(committee: Page, round_path: str, *, javascript: bool) -> str:
    """The committee enters resident C's paper ballot; returns the receipt code to give her."""
    committee.goto(round_path)
    committee.get_by_role("link", name=zh("Enter a paper ballot"), exact=True).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Enter a paper ballot"))
    if javascript:
        assert_accessible(committee)
    resident = committee.get_by_label(zh("Resident"))
    option = resident.locator("option").filter(has_text=VOTER_C_NAME)
    expect(option).to_have_count(1)
    resident.select_option(value=option.get_attribute("value"))
    for title in C_CHOICE:
        ballot_box(committee, title).check()
    committee.get_by_role("button", name=zh("Enter the ballot"), exact=True).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Your ballot is in"))
    code = committee.locator(".slip-code code").inner_text().strip()
    assert CODE_RE.match(code), code
    if javascript:
        assert_accessible(committee)
    return code


def paper_ballot_stands(page: Page, round_path: str) -> None:
    """Resident C, signed in, sees her paper ballot and no form to vote online."""
    page.goto(round_path)
    sign_in(page, VOTER_C, shown_as=VOTER_C_NAME, axe=False)
    expect(page.locator("#ballot").get_by_role("status")).to_have_text(
        zh("A paper ballot was entered for you; it stands.")
    )
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name=zh("Submit my ballot"))).to_have_count(0)
    expect(page.get_by_role("button", name=zh("Change my ballot"))).to_have_count(0)
    for item in page.locator("#ballot ul.cards > li").all():
        title = next(t for t in ON_BALLOT if t in item.inner_text())
        if title in C_CHOICE:
            expect(item).to_contain_text(zh("your choice"))
        else:
            expect(item).not_to_contain_text(zh("your choice"))


def participation_only(visitor: Page, round_path: str, ballots: int) -> None:
    """While voting is open, a visitor sees how many voted, and no results."""
    visitor.goto(round_path)
    expect_status(visitor, "Open for voting")
    expect(visitor.get_by_text(ballots_so_far(ballots))).to_be_visible()
    expect(visitor.get_by_text(zh("Results are counted only after voting closes."))).to_be_visible()
    expect(visitor.locator("#results")).to_have_count(0)
    expect(visitor.locator("svg.bars")).to_have_count(0)
    expect(visitor.get_by_role("link", name=zh("Sign in to vote"))).to_be_visible()


def close_count_publish(
    committee: Page, visitor: Page, round_path: str, *, javascript: bool
) -> None:
    committee.goto(round_path)
    expect(committee.get_by_text(ballots_so_far(3))).to_be_visible()
    committee.get_by_role("button", name=zh("Close and count"), exact=True).click()
    expect_notice(committee, "Voting is closed and counted. Check the results, then publish them.")
    expect_status(committee, "Counted, to be published")
    results = committee.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_contain_text(zh("not yet published"))
    if javascript:
        assert_accessible(committee)

    # Counted but not published: the committee's to check, nobody else's to see.
    visitor.goto(round_path)
    expect_status(visitor, "Counted, to be published")
    expect(visitor.locator("#results")).to_have_count(0)
    assert visitor.request.get(f"{round_path}/ballots.pb").status == 404

    committee.get_by_role("button", name=zh("Publish the results"), exact=True).click()
    expect_notice(committee, "The results are published.")
    expect_status(committee, "Results published")
    expect(results.get_by_role("heading", level=2)).not_to_contain_text(zh("not yet published"))


# --- the ballots file, counted again -------------------------------------------------------------


@dataclass(frozen=True)
class BallotsFile:
    meta: dict[str, str]
    names: dict[int, str]  # project id -> name
    costs: dict[int, int]
    votes: dict[int, int]
    selected: frozenset[int]
    ballots: dict[str, frozenset[int]]  # voter id (SHA-256 of the receipt code) -> choices

    def project_id(self, name: str) -> int:
        [found] = [i for i, n in self.names.items() if n == name]
        return found


def parse_pb(text: str) -> BallotsFile:
    """pabulib: sections META, PROJECTS, VOTES, each a header row then rows; ';' separated."""
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if len(row) == 1 and row[0] in {"META", "PROJECTS", "VOTES"}:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    assert list(sections) == ["META", "PROJECTS", "VOTES"], list(sections)
    meta = dict(row for row in sections["META"][1:])
    assert sections["META"][0] == ["key", "value"]
    header, *projects = sections["PROJECTS"]
    assert header == ["project_id", "cost", "votes", "name", "selected", "public_id"], header
    header, *votes = sections["VOTES"]
    assert header == ["voter_id", "vote"], header
    return BallotsFile(
        meta=meta,
        names={int(p[0]): p[3] for p in projects},
        costs={int(p[0]): int(p[1]) for p in projects},
        votes={int(p[0]): int(p[2]) for p in projects},
        selected=frozenset(int(p[0]) for p in projects if p[4] == "1"),
        ballots={v[0]: frozenset(int(i) for i in v[1].split(",") if i) for v in votes},
    )


def recount(pb: BallotsFile) -> tally.Outcome:
    """Count the file's ballots again with the round's rule and the published lot."""
    lot = LOT_RE.search(pb.meta["comment"])
    assert lot, pb.meta["comment"]
    instance = tally.Instance(
        budget=int(pb.meta["budget"]),
        projects=tuple(tally.Project(id=i, cost=c) for i, c in sorted(pb.costs.items())),
        ballots=tuple(pb.ballots[voter] for voter in sorted(pb.ballots)),
        lot=tuple(int(i) for i in lot.group(1).split(",")),
    )
    rule = {"unknown": tally.equal_shares, "greedy-threshold": tally.greedy}[pb.meta["rule"]]
    return rule(instance)


def explanation(pb: BallotsFile, result: tally.ProjectResult) -> list[str]:
    """What the results page must say about a project, from the recount."""
    if result.funded and result.chosen_by == "equal_shares":
        return [
            zh("Funded:"),
            zh("its supporters paid for it from their equal shares of the budget."),
        ]
    if result.funded:
        left = money(result.budget_left_at_turn or 0)
        return [
            zh("Funded:"),
            zh("¥%(left)s of the budget was left when its turn came.", left=left),
        ]
    if result.votes == 0:
        return [zh("Not funded: nobody voted for it.")]
    cost = money(result.cost)
    if result.supporters_money_left_yuan is not None:
        said = [
            zh(
                "Not funded: its supporters had ¥%(left)s left of the ¥%(cost)s needed.",
                left=money(result.supporters_money_left_yuan),
                cost=cost,
            )
        ]
        if result.supporters_paid_for:
            paid_for = format_list(
                [pb.names[c.project_id] for c in result.supporters_paid_for], locale="zh_Hans_CN"
            )
            said.append(zh("They had already funded %(projects)s.", projects=paid_for))
        if result.budget_left_at_turn is not None:
            said.append(
                zh(
                    "Afterwards, ¥%(left)s of the budget was left, too little for it.",
                    left=money(result.budget_left_at_turn),
                )
            )
        return said
    left = money(result.budget_left_at_turn or 0)
    return [
        zh(
            "Not funded: only ¥%(left)s of the budget was left when its turn came; "
            "it costs ¥%(cost)s.",
            left=left,
            cost=cost,
        )
    ]


def check_results(
    page: Page, tmp_path: Path, receipts: dict[str, tuple[str, list[str]]]
) -> frozenset[str]:
    """The published results against the ballots file, counted again; returns funded titles."""
    results = page.locator("#results")
    expect(results).to_be_visible()
    chart = results.locator("svg.bars")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("rect")).to_have_count(len(ON_BALLOT))
    shown_hash = results.locator("code.hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash), shown_hash

    link = results.get_by_role("link", name=zh("Download all ballots (pabulib .pb, anonymous)"))
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "ballots.pb"
    download.value.save_as(saved)
    body = saved.read_bytes()
    assert hashlib.sha256(body).hexdigest() == shown_hash, "the file is not the one published"
    assert not body.startswith(b"\xef\xbb\xbf"), "the .pb starts with a BOM"
    pb = parse_pb(body.decode("utf-8"))

    assert pb.meta["description"] == ROUND_TITLE
    assert pb.meta["budget"] == str(BUDGET)
    assert pb.meta["num_votes"] == "3"
    assert pb.meta["vote_type"] == "approval"
    assert sorted(pb.names.values()) == sorted(ON_BALLOT)
    assert {pb.names[i]: c for i, c in pb.costs.items()} == COSTS
    # Each voter's line is under the SHA-256 of their receipt code, with their choices.
    assert pb.ballots == {
        hashlib.sha256(code.encode()).hexdigest(): frozenset(pb.project_id(t) for t in chosen)
        for code, chosen in receipts.values()
    }
    for project_id, votes in pb.votes.items():
        assert votes == sum(project_id in b for b in pb.ballots.values())

    outcome = recount(pb)
    winners = frozenset(outcome.winners)
    assert winners, "nothing was funded"
    assert winners == pb.selected, (winners, pb.selected)
    assert outcome.total_spent <= BUDGET

    expect(chart.locator("rect.funded")).to_have_count(len(winners))
    facts = results.locator("dl")
    expect(facts).to_contain_text(zh("Method of Equal Shares"))
    expect(facts).to_contain_text(
        zh(
            "¥%(spent)s of ¥%(budget)s",
            spent=money(outcome.total_spent),
            budget=money(BUDGET),
        )
    )
    rows = results.locator("table tbody tr")
    expect(rows).to_have_count(len(ON_BALLOT))
    funded_on_page = set()
    for project_id, name in pb.names.items():
        row = rows.filter(has=page.get_by_role("rowheader", name=name, exact=True))
        expect(row).to_have_count(1)
        cells = row.get_by_role("cell")
        expect(cells.nth(0)).to_have_text(str(pb.votes[project_id]))
        expect(cells.nth(1)).to_have_text(zh("¥%(cost)s", cost=money(pb.costs[project_id])))
        why = cells.nth(2)
        for sentence in explanation(pb, outcome.project(project_id)):
            expect(why).to_contain_text(sentence)
        if why.locator("strong").filter(has_text=zh("Funded:")).count():
            funded_on_page.add(project_id)
    assert funded_on_page == winners, (funded_on_page, winners)
    return frozenset(pb.names[i] for i in winners)


def find_my_ballot(page: Page, code: str, chosen: list[str]) -> None:
    page.get_by_role("link", name=zh("Find my ballot with my receipt code")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Find my ballot"))
    page.get_by_label(zh("Receipt code")).fill(code.lower().replace("-", " "))  # as typed
    page.get_by_role("button", name=zh("Find"), exact=True).click()
    found = page.locator("#find-result")
    voter = hashlib.sha256(code.encode()).hexdigest()[:12]
    expect(found.locator("p.notice")).to_have_text(
        zh("Your ballot is in the published list, as voter %(id)s…", id=voter)
    )
    expect(found.get_by_role("listitem")).to_have_text(chosen, use_inner_text=True)
    assert_accessible(page)


def funded_proposals_selected(page: Page, funded: frozenset[str]) -> None:
    page.goto(f"/c/{COMMUNITY_SLUG}/proposals")
    for title in ON_BALLOT:
        card = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", level=2, name=title, exact=True)
        )
        expect(card).to_have_count(1)
        status = "Selected" if title in funded else "Accepted for the ballot"
        expect(card).to_contain_text(zh(status))


@pytest.mark.usefixtures("accepted_proposals")
@pytest.mark.parametrize("javascript", [True, False], ids=["committee-htmx", "committee-no-js"])
def test_a_vote_from_preparation_to_recounted_results(
    open_page: OpenPage,
    live_server: LiveServer,
    tmp_path: Path,
    javascript: bool,
) -> None:
    committee = open_page(java_script_enabled=javascript)
    voter_a = open_page()
    voter_b = open_page(java_script_enabled=False)
    voter_c = open_page(java_script_enabled=javascript)
    visitor = open_page(java_script_enabled=False)
    for page in (committee, voter_a, voter_b, voter_c, visitor):
        refuse_dialogs(page)

    round_path = prepare_and_open(committee, javascript=javascript)
    round_id = int(round_path.rsplit("/", 1)[1])
    participation_only(visitor, round_path, 0)

    code_a = vote_with_htmx(voter_a, round_path, live_server, round_id)
    code_b = vote_without_javascript(voter_b, round_path)
    code_c = enter_paper_ballot(committee, round_path, javascript=javascript)
    paper_ballot_stands(voter_c, round_path)
    participation_only(visitor, round_path, 3)
    assert stored_ballots(live_server, round_id) == 3

    let_voting_time_end(live_server, round_id)
    close_count_publish(committee, visitor, round_path, javascript=javascript)

    voter_a.goto(round_path)
    expect_status(voter_a, "Results published")
    receipts = {"A": (code_a, A_CHOICE), "B": (code_b, B_CHOICE), "C": (code_c, C_CHOICE)}
    funded = check_results(voter_a, tmp_path, receipts)
    expect_htmx_ready(voter_a)
    assert_accessible(voter_a)  # the results page
    visitor.goto(round_path)
    expect(visitor.locator("#results code.hash")).to_be_visible()

    find_my_ballot(voter_a, code_a, A_CHOICE)
    funded_proposals_selected(visitor, funded)
    if not javascript:
        for page in (committee, voter_b, voter_c, visitor):
            expect(page.locator("[data-htmx-powered]")).to_have_count(0)
