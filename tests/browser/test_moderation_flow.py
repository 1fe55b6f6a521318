"""Moderation in the open, in Chromium with JavaScript on.

A resident posts a comment with her mobile number: she is warned before it is posted, posts it
anyway, and her neighbours see the number masked. Three trusted neighbours report another of
her comments: it is hidden for the public at once and shown to her with a note; the committee
keeps it, and it is back for everyone. The committee hides a third comment as advertising: an
anonymous visitor reads it in the public moderation log, without its text. Its author appeals
from her notice, and a second committee member (not the one who hid it) reverses it.
"""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from participation.communities.models import Community, Membership
from tests.browser.support import LiveServer, OpenPage, assert_accessible, sign_in, zh
from tests.factories import ACCEPTED, COMMITTEE, COMMUNITY_SLUG, RESIDENTS, make_proposal
from tests.support import make_committee, make_user, make_verified, now

MOBILE = "有意向的邻居请打 138 1234 5678 联系我"
OFFENSIVE = "楼下那几户天天往花坛扔烟头，真没素质"
ADVERT = "加我微信买便宜花苗，量大从优"
SECOND = ("committee-liu", "刘委员")
FOURTH = ("zhao-neighbour", "赵邻居")


def comment(page: Page, text: str) -> Locator:
    return page.locator("ol.threads > li").filter(has_text=text)


def post_comment(page: Page, text: str) -> None:
    page.get_by_label(zh("Add a comment")).fill(text)
    page.get_by_role("button", name=zh("Post comment")).click()


def report(page: Page, text: str, reason: str) -> None:
    comment(page, text).get_by_role("link", name=zh("Report")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Report this to the committee"))
    page.get_by_label(zh(reason)).check()
    page.get_by_role("button", name=zh("Send the report")).click()
    expect(page.locator("main > p.notice[role=status]")).to_have_text(
        zh("Thank you: the committee will look at it. Nobody else sees who reported.")
    )


def decide(page: Page, text: str, action: str, reason: str | None = None) -> None:
    card = page.locator("#moderation-queue > li").filter(has_text=text)
    card.get_by_label(zh(action)).check()
    if reason:
        card.get_by_label(zh("Reason residents will see")).select_option(label=zh(reason))
    card.get_by_role("button", name=zh("Decide")).click()
    expect(page.locator("main > p.notice[role=status]")).to_have_text(
        zh("Done. It is in the moderation log where residents can see it.")
    )


def test_reported_hidden_kept_hidden_logged_appealed_and_masked(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    hood = live_server.neighbourhood
    author, *reporters = RESIDENTS

    async def seed() -> int:
        proposal = await make_proposal(hood, hood.residents[0], "东门口袋花园", path=ACCEPTED)
        here = await Community.get(id=hood.community_id)
        await make_verified(here, await make_user(*FOURTH), household="9栋1单元")
        await make_committee(here, await make_user(*SECOND))
        # Trusted reporters: members for more than a day.
        await Membership.filter(community_id=here.id).update(joined_at=now() - timedelta(days=30))
        return proposal

    proposal_id = live_server.in_database(seed)
    page_path = f"/c/{COMMUNITY_SLUG}/proposals/{proposal_id}"

    # The personal-data guard: warned before posting, posted anyway, masked for others.
    tian = open_page()
    tian.goto(page_path)
    sign_in(tian, author.subject, shown_as=author.name, axe=False)
    post_comment(tian, MOBILE)
    expect(tian.get_by_role("heading", level=1)).to_have_text(
        zh("Personal information in your text")
    )
    expect(tian.locator("ul.findings")).to_contain_text("138****5678")
    assert_accessible(tian)
    tian.get_by_role("button", name=zh("Post anyway (masked for others)")).click()
    expect(comment(tian, MOBILE)).to_contain_text(
        zh("Others see the phone numbers, ID numbers and room numbers in it masked.")
    )
    post_comment(tian, OFFENSIVE)
    expect(comment(tian, OFFENSIVE)).to_be_visible()
    post_comment(tian, ADVERT)
    expect(comment(tian, ADVERT)).to_be_visible()

    # Three trusted neighbours report one comment: hidden at once.
    neighbours = []
    for subject, name in [(p.subject, p.name) for p in reporters] + [FOURTH]:
        page = open_page()
        page.goto(page_path)
        sign_in(page, subject, shown_as=name, axe=False)
        neighbours.append(page)
    li = neighbours[0]
    masked = comment(li, "有意向的邻居请打")
    expect(masked).to_contain_text("138****5678")
    expect(masked).not_to_contain_text("1234 5678")
    for page in neighbours:
        report(page, OFFENSIVE, "Offensive or abusive")
    report(li, ADVERT, "Spam or advertising")

    visitor = open_page()
    visitor.goto(page_path)
    expect(visitor.locator("ol.threads")).not_to_contain_text(OFFENSIVE)
    expect(visitor.locator("p.hidden-comment")).to_have_count(1)
    tian.reload()
    expect(comment(tian, OFFENSIVE).locator("p.hidden-banner")).to_be_visible()

    # The committee keeps it: back for everyone. It hides the advert with a reason.
    wang = open_page()
    wang.goto(f"/c/{COMMUNITY_SLUG}/moderation")
    sign_in(wang, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    wang.goto(f"/c/{COMMUNITY_SLUG}/committee/moderation")
    assert_accessible(wang)
    decide(wang, OFFENSIVE, "Keep it (dismiss the reports)")
    decide(wang, ADVERT, "Hide it", "Spam or advertising")
    visitor.reload()
    expect(comment(visitor, OFFENSIVE)).to_be_visible()
    expect(visitor.locator("ol.threads")).not_to_contain_text(ADVERT)

    # The public log, anonymous: what was done and why, never the content.
    visitor.goto(f"/c/{COMMUNITY_SLUG}/moderation")
    log = visitor.locator("#moderation-log")
    expect(log.locator("li").first).to_contain_text(zh("Hidden"))
    expect(log.locator("li").first).to_contain_text(zh("Spam or advertising"))
    expect(log).to_contain_text(zh("Shown again"))
    expect(log).not_to_contain_text(ADVERT)
    assert_accessible(visitor)

    # The author appeals from her notice; a second committee member reverses it.
    tian.goto("/notices")
    tian.get_by_role("link").filter(
        has_text=zh(
            "The committee hid something you posted; the community's moderation log says why. "
            "You may appeal once."
        )
    ).click()
    tian.get_by_label(zh("Why should it be decided otherwise?")).fill("这是换花苗的信息，不是广告")
    tian.get_by_role("button", name=zh("Send the appeal")).click()
    expect(tian.locator("main > p.notice[role=status]")).to_have_text(
        zh("Your appeal is sent. Someone other than the one who acted decides it.")
    )
    liu = open_page()
    liu.goto(f"/c/{COMMUNITY_SLUG}/moderation")
    sign_in(liu, SECOND[0], shown_as=SECOND[1], axe=False)
    liu.goto(f"/c/{COMMUNITY_SLUG}/committee/moderation")
    appeal = liu.locator("#appeals > li").filter(has_text="这是换花苗的信息")
    appeal.get_by_label(zh("Reverse the decision")).check()
    appeal.get_by_label(zh("Reason residents will see")).fill("经核实是邻里换苗，不是广告")
    appeal.get_by_role("button", name=zh("Decide the appeal")).click()
    expect(liu.locator("main > p.notice[role=status]")).to_have_text(
        zh("The appeal is decided; the outcome is in the moderation log.")
    )
    visitor.reload()
    first = visitor.locator("#moderation-log > li").first
    expect(first).to_contain_text(zh("Appeal: the decision is reversed"))
    expect(first).to_contain_text("经核实是邻里换苗，不是广告")
    visitor.goto(page_path)
    expect(comment(visitor, ADVERT)).to_be_visible()
