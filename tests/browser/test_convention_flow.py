"""A neighbourhood convention (小区公约) from a pasted text to its adoption by households.

The committee pastes a convention of five articles, checks the split and saves it. Three
residents propose amendments (a change, an insert, a delete), support and discuss them; the
committee accepts two (in two rounds, so the text has three versions) and rejects one with a
reason. Versions 1 and 3 compare article by article, the Chinese change marked character by
character. Households vote with a quorum of 30% and a two-thirds majority: two online, two on
paper entered by the committee; voting time ends, the committee counts, and the adopted text
says by how many households. A second convention, with fifteen articles, fails for lack of
quorum and prints on one A4 page. JavaScript is on (htmx boosts the forms); the pages are
checked with axe.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from participation.conventions import services
from participation.conventions.models import Convention, Ratification, RatificationVote
from tests.browser.support import (
    LiveServer,
    OpenPage,
    assert_accessible,
    expect_htmx_ready,
    sign_in,
    zh,
)
from tests.factories import COMMITTEE, COMMUNITY_SLUG, RESIDENTS
from tests.support import make_neighbours, now

TITLE = "玉林东路社区居民公约"
PASTED = """为了建设整洁、安静、友善的家园，全体居民共同制定本公约。

第一条 爱护公共绿地和口袋花园，不踩踏花草，不私自占用绿地种菜。
第二条 晚上十点以后不大声喧哗，装修施工安排在工作日白天。
第三条 垃圾分类投放，按时按点，不乱扔杂物。
第四条 文明养犬，外出牵绳，及时清理宠物粪便。
第五条 电动车不进楼道，不私拉电线充电。
"""
CHANGED_2 = "晚上九点以后不大声喧哗，装修施工安排在工作日白天。"
INSERTED = "阳台花盆要放稳、加护栏，防止高空坠物。"
QUIET_TITLE = "小区停车公约"
QUIET_ARTICLES = [
    f"第{n}条的内容：车辆按划线停放，不占用消防通道和绿地，访客车辆在门岗登记后停放。"
    for n in range(1, 16)
]
NEIGHBOURS = [f"邻居{n}" for n in range(1, 8)]  # with the three residents: ten households


def local_time(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def expect_notice(page: Page, message: str, **params: object) -> None:
    expect(page.locator("main > p.notice[role=status]")).to_have_text(zh(message, **params))


def article(page: Page, number: int) -> Locator:
    return page.locator(f"#article-{number}")


def propose(page: Page, number: int, kind: str, body: str | None, why: str) -> None:
    """From the article's links to the published amendment, previewing the change first."""
    labels = {
        "change": "Propose a change",
        "insert": "Propose a new article after it",
        "delete": "Propose deleting it",
    }
    article(page, number).get_by_role("link", name=re.compile("^" + zh(labels[kind]))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Propose an amendment"))
    if body is not None:
        page.get_by_label(zh("The article's new text")).fill(body)
    page.get_by_label(zh("Why? Neighbours decide on reasons.")).fill(why)
    if kind == "change":
        page.get_by_role("button", name=zh("Show the change")).click()
        preview = page.locator("#preview")
        expect(preview.locator("del")).to_contain_text("十")
        expect(preview.locator("ins")).to_contain_text("九")
        assert_accessible(page)
    page.get_by_role("button", name=zh("Propose the amendment")).click()
    expect_notice(page, "Your amendment is published. Neighbours can now support it.")


def amendment_card(page: Page, why: str) -> Locator:
    return page.locator("li.amendment").filter(has_text=why)


def test_a_convention_is_drafted_amended_and_adopted_by_households(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    hood = live_server.neighbourhood
    offline = live_server.in_database(
        lambda: make_neighbours(hood.community_id, NEIGHBOURS, [f"8栋{n}0{n}" for n in range(1, 8)])
    )
    base = f"/c/{COMMUNITY_SLUG}/conventions"

    # The committee pastes the text and checks the split before saving it.
    committee = open_page()
    committee.goto(base)
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Neighbourhood conventions"))
    expect_htmx_ready(committee)
    committee.get_by_role("link", name=zh("Open a new draft")).click()
    committee.get_by_label(zh("Title")).fill(TITLE)
    committee.get_by_label(zh("The text of the convention")).fill(PASTED)
    committee.get_by_role("button", name=zh("Split into articles")).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(zh("Check the articles"))
    expect(committee.locator("#article-count")).to_have_text("共 5 条")
    expect(committee.get_by_label(zh("Preamble"))).to_have_value(
        "为了建设整洁、安静、友善的家园，全体居民共同制定本公约。"
    )
    expect(committee.get_by_label("第二条")).to_have_value(
        "晚上十点以后不大声喧哗，装修施工安排在工作日白天。"
    )
    assert_accessible(committee)
    committee.get_by_role("button", name=zh("Save the draft")).click()
    expect(committee.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect_notice(committee, "The draft is open: verified residents can now propose amendments.")
    expect(committee.locator("ol.articles > li")).to_have_count(5)
    expect(article(committee, 5).get_by_role("heading")).to_have_text("第五条")
    url = committee.url

    # Three residents amend: a change, an insert, a delete; they support and discuss.
    tian, li, zhang = (open_page() for _ in range(3))
    for page, person in zip((tian, li, zhang), RESIDENTS, strict=True):
        page.goto(url)
        sign_in(page, person.subject, shown_as=person.name, axe=False)
        expect_htmx_ready(page)
    propose(tian, 2, "change", CHANGED_2, "老人睡得早")
    propose(li, 3, "insert", INSERTED, "点亮我家小阳台，也要安全")
    propose(zhang, 5, "delete", None, "第三条已经说了不乱放")
    assert_accessible(zhang)

    li.goto(url)
    amendment_card(li, "老人睡得早").get_by_role(
        "button", name=zh("Support this amendment")
    ).click()
    expect(amendment_card(li, "老人睡得早").locator(".support-count")).to_have_text("1 位居民支持")
    zhang.goto(url)
    card = amendment_card(zhang, "老人睡得早")
    card.locator("summary").first.click()
    card.get_by_label(zh("Add a comment")).fill("九点是不是太早了？")
    card.get_by_role("button", name=zh("Post comment")).click()
    expect(amendment_card(zhang, "老人睡得早").locator("ol.threads")).to_contain_text(
        "九点是不是太早了？"
    )

    # The committee decides in two rounds: version 2, then version 3.
    committee.goto(url)
    committee.get_by_role("link", name=zh("Decide on amendments")).click()
    first = committee.locator("fieldset").filter(has_text="老人睡得早")
    first.get_by_role("radio", name=zh("Accept"), exact=True).check()
    first.get_by_label(zh("Public reason")).fill("大家都同意")
    committee.get_by_role("button", name=zh("Publish the decisions")).click()
    expect_notice(
        committee,
        "The decisions are published; the accepted amendments make version %(number)s.",
        number=2,
    )
    committee.get_by_role("link", name=zh("Decide on amendments")).click()
    committee.locator("fieldset").filter(has_text="点亮我家小阳台").get_by_role(
        "radio", name=zh("Accept"), exact=True
    ).check()
    rejected = committee.locator("fieldset").filter(has_text="第三条已经说了")
    rejected.get_by_role("radio", name=zh("Reject"), exact=True).check()
    rejected.get_by_label(zh("Public reason")).fill("电动车充电是消防大事，要单独写一条")
    committee.get_by_role("button", name=zh("Publish the decisions")).click()
    expect_notice(
        committee,
        "The decisions are published; the accepted amendments make version %(number)s.",
        number=3,
    )
    expect(committee.locator("ol.articles > li")).to_have_count(6)
    expect(article(committee, 4)).to_contain_text(INSERTED)
    expect(article(committee, 2).locator(".shaped-by")).to_contain_text(RESIDENTS[0].name)
    expect(committee.locator("#decided")).to_contain_text("电动车充电是消防大事")

    # Versions 1 → 3: the Chinese change is marked character by character.
    committee.goto(f"{url}/compare?old=1&new=3")
    rows = committee.locator("#compare > li")
    expect(rows).to_have_count(6)
    changed = rows.nth(1)
    # Character-level inside Chinese: only 十 → 九 is marked, announced as such.
    assert [marked(m) for m in changed.locator("del").all()] == ["十"]
    assert [marked(m) for m in changed.locator("ins").all()] == ["九"]
    expect(changed.locator("del .visually-hidden").first).to_have_text(zh("[deleted:") + " ")
    expect(rows.nth(3).locator(".badge")).to_have_text(zh("New"))
    expect(rows.nth(0).locator("ins, del")).to_have_count(0)
    assert_accessible(committee)

    # The vote: households, quorum 30%, two thirds.
    committee.goto(url)
    committee.get_by_role("link", name=zh("Schedule the ratification vote")).click()
    expect(committee.locator("#vote-mode")).to_contain_text(zh("One vote per household"))
    committee.get_by_label(re.compile(re.escape(zh("Quorum")))).fill("30")
    committee.get_by_role("radio", name=zh("Two thirds of the yes and no votes")).check()
    committee.get_by_label(zh("Voting opens")).fill(local_time(now() - timedelta(minutes=5)))
    committee.get_by_label(zh("Voting closes")).fill(local_time(now() + timedelta(days=7)))
    committee.get_by_role("button", name=zh("Schedule the vote")).click()
    expect_notice(committee, "The vote is scheduled; residents are told when and how to vote.")
    expect(committee.locator("#vote-rules")).to_contain_text(zh("One vote per household"))

    for page, choice in ((tian, "Yes, adopt it"), (li, "No")):
        page.goto(url)
        page.get_by_role("radio", name=zh(choice)).check()
        page.get_by_role("button", name=zh("Vote"), exact=True).click()
        expect_notice(page, "Your vote is recorded. You can change it until voting closes.")
    committee.goto(url)
    committee.get_by_role("link", name=zh("Enter paper votes")).click()
    for neighbour in offline[:2]:
        committee.get_by_label(zh("Resident")).select_option(str(neighbour.id))
        committee.get_by_role("radio", name=zh("Yes, adopt it")).check()
        committee.get_by_role("button", name=zh("Enter the paper vote")).click()
        expect_notice(committee, "The paper vote is entered and marked as such.")
    expect(committee.locator("#vote-count")).to_have_text(zh("Votes so far: %(count)s", count=4))

    convention_id = int(url.rstrip("/").rsplit("/", 1)[1])

    async def end_voting() -> list[str]:
        await Ratification.filter(convention_id=convention_id).update(
            closes_at=now() - timedelta(minutes=1)
        )
        return list(
            await RatificationVote.filter(ratification__convention_id=convention_id)
            .order_by("id")
            .values_list("channel", flat=True)
        )

    assert live_server.in_database(end_voting) == ["online", "online", "paper", "paper"]
    committee.goto(url)
    committee.get_by_role("button", name=zh("Count the votes and publish the result")).click()
    expect_notice(committee, "The vote is counted and its result published.")
    expect(committee.locator("#vote-result")).to_contain_text(zh("Adopted by vote"))
    adopted = committee.locator("#adopted-line")
    expect(adopted).to_contain_text("10 户中的 4 户")
    expect(adopted).to_contain_text("参与率 40.0%")
    expect(adopted).to_contain_text("赞成 75.0%")
    assert_accessible(committee)

    # A second convention, fifteen articles, too few households vote: no quorum.
    async def quiet_vote() -> int:
        by_committee = hood.committee
        opened = await services.open_draft(
            by_committee, hood.community_id, QUIET_TITLE, "", QUIET_ARTICLES, now=now()
        )
        held = await services.schedule_ratification(
            by_committee,
            hood.community_id,
            opened.id,
            services.VoteRules(
                "household", 30, "two_thirds", now() - timedelta(hours=1), now() + timedelta(days=1)
            ),
            now=now(),
        )
        await services.cast_vote(hood.residents[0], hood.community_id, held.id, "yes", now=now())
        await Ratification.filter(id=held.id).update(closes_at=now() - timedelta(minutes=1))
        return opened.id

    quiet_id = live_server.in_database(quiet_vote)
    committee.goto(f"{base}/{quiet_id}")
    committee.get_by_role("button", name=zh("Count the votes and publish the result")).click()
    expect(committee.locator("#vote-result")).to_contain_text(
        zh("No decision: too few took part (quorum not reached)")
    )
    expect(committee.locator("#phase")).to_have_text(zh("Not adopted"))
    expect(committee.locator("#adopted-line")).to_have_count(0)

    # The notice board: the adopted text, and fifteen articles on one A4 page.
    committee.goto(f"{url}/print")
    expect(committee.locator("#adopted-line")).to_contain_text("10 户中的 4 户")
    expect(committee.locator("#article-4")).to_contain_text(INSERTED)
    assert pdf_pages(committee) == 1
    committee.goto(f"{base}/{quiet_id}/print")
    expect(committee.locator("ol.articles > li")).to_have_count(15)
    assert pdf_pages(committee) == 1

    async def statuses() -> list[str]:
        return list(await Convention.all().order_by("id").values_list("status", flat=True))

    assert live_server.in_database(statuses) == ["adopted", "not_adopted"]


def marked(mark: Locator) -> str:
    """The text of an <ins> or <del> without the words only screen readers hear."""
    return str(
        mark.evaluate(
            """m => [...m.childNodes]
                .filter(n => !(n.classList && n.classList.contains("visually-hidden")))
                .map(n => n.textContent).join("")"""
        )
    )


def pdf_pages(page: Page) -> int:
    """Pages of the A4 PDF Chromium prints (with the print style sheet)."""
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))
