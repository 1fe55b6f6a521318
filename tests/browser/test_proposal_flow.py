"""A micro-project from idea to progress update, in three browsers: author, neighbour, committee.

A verified resident drafts a proposal, adds two photos and submits it; a neighbour supports
it and comments; the committee accepts it, selects it and starts it; the author posts
progress. Once with htmx, once with JavaScript off (every step a plain form or link).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import (
    LiveServer,
    OpenPage,
    assert_accessible,
    expect_htmx_ready,
    sign_in,
    zh,
)
from tests.factories import COMMITTEE, COMMUNITY_NAME, COMMUNITY_SLUG, RESIDENTS
from tests.unit.test_media_pipeline import jpeg_with_everything, quadrants
from web.core.i18n import translations

AUTHOR, AUTHOR_NAME = RESIDENTS[0]  # tian-xiufang, 田秀芳
NEIGHBOUR, NEIGHBOUR_NAME = RESIDENTS[1]  # li-family, 李家

TITLE = "5栋门口的口袋花园"
BODY = "5栋门口有一块荒地，常年堆着杂物。\n\n我们想种上月季和薄荷，再放两张长椅，让老人有地方坐。"
COST_TYPED = "1,200"
COST_SHOWN = "1,200"
PHOTOS = [
    ("5栋门口荒地的现状，堆着纸箱和旧花盆", "before.jpg"),
    ("荒地旁边的墙角，阳光充足", "corner.jpg"),
]
COMMENT = "支持！我家可以出两盆月季。"
FEASIBILITY = "地块属于小区公共绿地，可以改造。"
UPDATE = "土已经翻好了，周六上午一起种月季。"


def zh_n(singular: str, plural: str, num: int) -> str:
    """A plural message as a resident reads it in Chinese."""
    return translations("zh_Hans").ngettext(singular, plural, num) % {"num": num}


def supports(num: int) -> str:
    return zh_n("%(num)d support", "%(num)d supports", num)


def write_photos(directory: Path) -> list[Path]:
    """Camera-like JPEGs (EXIF with GPS, rotated a quarter turn): 1200 px wide once upright."""
    paths = []
    for _, name in PHOTOS:
        path = directory / name
        path.write_bytes(jpeg_with_everything(quadrants(1600, 1200)))
        paths.append(path)
    return paths


def expect_notice(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_have_text(zh(message))


def expect_status(page: Page, label: str) -> None:
    expect(page.locator("p.status strong")).to_have_text(zh(label))


def expect_served(page: Page, image: Locator) -> None:
    """The image's src answers with a WebP (with JavaScript off, naturalWidth is unreadable)."""
    src = image.get_attribute("src")
    assert src, "an <img> without src"
    reply = page.request.get(src)
    assert reply.status == 200, f"{src}: {reply.status}"
    assert reply.headers["content-type"] == "image/webp", src


def draft_proposal(author: Page, *, javascript: bool) -> str:
    """From the list to a saved draft through the form; returns the proposal's path."""
    slug = COMMUNITY_SLUG
    author.goto(f"/c/{slug}/proposals")
    sign_in(author, AUTHOR, shown_as=AUTHOR_NAME, axe=javascript)
    expect(author.get_by_role("heading", level=1, name=zh("Micro-projects"))).to_be_visible()
    expect(author.get_by_text(zh("No micro-projects match."))).to_be_visible()
    if javascript:
        expect_htmx_ready(author)
        assert_accessible(author)

    author.get_by_role("link", name=zh("Propose a project"), exact=True).click()
    expect(author.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Propose a project')} · {COMMUNITY_NAME}"
    )
    if javascript:
        assert_accessible(author)

    author.get_by_label(zh("Title")).fill(TITLE)
    author.get_by_label(zh("What do you propose, and why?")).fill(BODY)
    author.get_by_label(zh("Category")).select_option(label=zh("Greening"))
    cost = author.get_by_label(zh("Estimated cost in yuan"))
    cost.fill("一千二")  # a resident types the amount in words: refused, and said why
    author.get_by_role("button", name=zh("Save draft")).click()
    expect(author.get_by_role("alert")).to_have_text(
        zh("Please enter the estimated cost in whole yuan.")
    )
    expect(cost).to_have_attribute("aria-invalid", "true")
    expect(author.get_by_label(zh("Title"))).to_have_value(TITLE)
    if javascript:
        assert_accessible(author)

    cost.fill(COST_TYPED)
    author.get_by_role("button", name=zh("Save draft")).click()
    expect(author.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect_notice(author, "Your draft is saved. Submit it when you are ready.")
    expect_status(author, "Draft")
    expect(author.get_by_text(zh("¥%(cost)s", cost=COST_SHOWN), exact=True)).to_be_visible()
    match = re.search(rf"/c/{slug}/proposals/(\d+)$", author.url)
    assert match, author.url
    if javascript:
        assert_accessible(author)
    return f"/c/{slug}/proposals/{match.group(1)}"


def add_photos_and_submit(author: Page, photo_files: list[Path], *, javascript: bool) -> None:
    for (alt, _), path in zip(PHOTOS, photo_files, strict=True):
        author.get_by_label(zh("Add a photo (JPEG, PNG or WebP)")).set_input_files(path)
        author.get_by_label(zh("What does the photo show?")).fill(alt)
        author.get_by_role("button", name=zh("Upload photo")).click()
        expect_notice(author, "Photo added.")
    photos = author.locator("#photos").get_by_role("img")
    expect(photos).to_have_count(2)
    for index, (alt, _) in enumerate(PHOTOS):
        expect(photos.nth(index)).to_have_attribute("alt", alt)
        expect_served(author, photos.nth(index))
    if javascript:
        assert_accessible(author)

    author.get_by_role("button", name=zh("Submit to the committee")).click()
    expect_notice(author, "Submitted: the committee will review it.")
    expect_status(author, "Waiting for committee review")
    expect(author.get_by_role("button", name=zh("Submit to the committee"))).to_have_count(0)
    if javascript:
        assert_accessible(author)


def support_and_comment(neighbour: Page, proposal: str, *, javascript: bool) -> None:
    neighbour.goto(proposal)
    sign_in(neighbour, NEIGHBOUR, shown_as=NEIGHBOUR_NAME, axe=False)
    expect(neighbour.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    support = neighbour.locator("#support")
    expect(support).to_contain_text(supports(0))
    if javascript:
        expect_htmx_ready(neighbour)
    support.get_by_role("button", name=zh("I support this")).click()
    expect(support.get_by_role("button", name=zh("Withdraw my support"))).to_be_visible()
    expect(support).to_contain_text(supports(1))

    discussion = neighbour.get_by_role("region", name=zh("Discussion"))
    expect(discussion).to_contain_text(zh("No comments yet."))
    discussion.get_by_label(zh("Add a comment")).fill(COMMENT)
    discussion.get_by_role("button", name=zh("Post comment")).click()
    discussion = neighbour.get_by_role("region", name=zh("Discussion"))
    comment = discussion.locator("ol.threads > li").filter(has_text=COMMENT)
    expect(comment).to_contain_text(NEIGHBOUR_NAME)
    expect(discussion).not_to_contain_text(zh("No comments yet."))
    if javascript:
        assert_accessible(neighbour)


def decide(committee: Page, button: str, status: str) -> None:
    committee.get_by_role("button", name=zh(button), exact=True).click()
    expect_notice(committee, "Decision saved. The author has been notified.")
    expect_status(committee, status)


def accept(committee: Page, *, javascript: bool) -> None:
    slug = COMMUNITY_SLUG
    committee.goto(f"/c/{slug}")
    sign_in(committee, COMMITTEE.subject, shown_as=COMMITTEE.name, axe=False)
    committee.goto(f"/c/{slug}/committee/proposals")
    expect(committee.get_by_role("heading", level=1)).to_have_text(
        f"{zh('Proposals to review')} · {COMMUNITY_NAME}"
    )
    card = committee.get_by_role("listitem").filter(
        has=committee.get_by_role("link", name=TITLE, exact=True)
    )
    expect(card).to_contain_text(zh("¥%(cost)s", cost=COST_SHOWN))
    expect(card).to_contain_text(supports(1))
    if javascript:
        assert_accessible(committee)

    card.get_by_role("link", name=TITLE, exact=True).click()
    expect(committee.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(committee.get_by_role("region", name=zh("Discussion"))).to_contain_text(COMMENT)
    if javascript:
        assert_accessible(committee)
    committee.get_by_label(zh("Feasibility note")).fill(FEASIBILITY)
    decide(committee, "Accept for the ballot", "Accepted for the ballot")
    note = (
        committee.get_by_role("article")
        .locator("section")
        .filter(
            has=committee.get_by_role("heading", level=2, name=zh("Committee's feasibility note"))
        )
    )
    expect(note).to_contain_text(FEASIBILITY)
    if javascript:
        assert_accessible(committee)


def listed_with_thumbnail(page: Page, *, javascript: bool) -> None:
    page.goto(f"/c/{COMMUNITY_SLUG}/proposals")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=2, name=TITLE))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(zh("Accepted for the ballot"))
    expect(card).to_contain_text(zh("¥%(cost)s", cost=COST_SHOWN))
    expect(card).to_contain_text(supports(1))
    first_alt = PHOTOS[0][0]
    thumbnail = card.get_by_role("img", name=first_alt, exact=True)
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/media/[0-9a-f]+/320\.webp$"))
    expect_served(page, thumbnail)
    if javascript:
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("img => img.naturalWidth") == 320
        assert_accessible(page)


def select_and_start(committee: Page, proposal: str, *, javascript: bool) -> None:
    committee.goto(proposal)
    decide(committee, "Mark selected", "Selected")
    progress = committee.get_by_role("region", name=zh("Progress"))
    expect(progress).to_contain_text(zh("No progress posted yet."))
    decide(committee, "Mark in progress", "In progress")
    expect(committee.get_by_role("button", name=zh("Mark completed"), exact=True)).to_be_visible()
    if javascript:
        assert_accessible(committee)


def post_progress(author: Page, proposal: str, *, javascript: bool) -> None:
    author.goto(proposal)
    expect_status(author, "In progress")
    # Past review, the proposal can no longer take photos or edits.
    expect(author.get_by_label(zh("Add a photo (JPEG, PNG or WebP)"))).to_have_count(0)
    progress = author.get_by_role("region", name=zh("Progress"))
    progress.get_by_label(zh("What has happened?")).fill(UPDATE)
    progress.get_by_role("button", name=zh("Post progress")).click()
    expect_notice(author, "Progress posted.")
    progress = author.get_by_role("region", name=zh("Progress"))
    entry = progress.locator("ol.timeline > li").filter(has_text=UPDATE)
    expect(entry).to_contain_text(AUTHOR_NAME)
    expect(entry).not_to_contain_text(zh("Waiting for committee approval"))
    if javascript:
        assert_accessible(author)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_proposal_from_draft_to_progress_update(
    open_page: OpenPage, live_server: LiveServer, tmp_path: Path, javascript: bool
) -> None:
    author = open_page(java_script_enabled=javascript)
    neighbour = open_page(java_script_enabled=javascript)
    committee = open_page(java_script_enabled=javascript)
    photo_files = write_photos(tmp_path)

    proposal = draft_proposal(author, javascript=javascript)
    add_photos_and_submit(author, photo_files, javascript=javascript)
    support_and_comment(neighbour, proposal, javascript=javascript)
    accept(committee, javascript=javascript)
    listed_with_thumbnail(neighbour, javascript=javascript)
    select_and_start(committee, proposal, javascript=javascript)
    post_progress(author, proposal, javascript=javascript)

    # The neighbour reads the update, and the history names who moved the proposal.
    neighbour.goto(proposal)
    expect(neighbour.get_by_role("region", name=zh("Progress"))).to_contain_text(UPDATE)
    history = neighbour.locator("section.history li")
    expect(history).to_have_count(5)
    expect(history.last).to_contain_text(f"{zh('In progress')} · {COMMITTEE.name}")
    if not javascript:
        # Nothing was boosted: every step above was a plain form or link.
        for page in (author, neighbour, committee):
            expect(page.locator("[data-htmx-powered]")).to_have_count(0)


def quick_draft_with_photo(page: Page, photo: Path, alt: str) -> None:
    """The shortest way to a submitted proposal with one photo (no checks on the way)."""
    slug = COMMUNITY_SLUG
    page.goto(f"/c/{slug}/proposals")
    sign_in(page, AUTHOR, shown_as=AUTHOR_NAME, axe=False)
    page.goto(f"/c/{slug}/proposals/new")
    page.get_by_label(zh("Title")).fill(TITLE)
    page.get_by_label(zh("What do you propose, and why?")).fill(BODY)
    page.get_by_label(zh("Estimated cost in yuan")).fill(COST_TYPED)
    page.get_by_role("button", name=zh("Save draft")).click()
    expect_notice(page, "Your draft is saved. Submit it when you are ready.")
    page.get_by_label(zh("Add a photo (JPEG, PNG or WebP)")).set_input_files(photo)
    page.get_by_label(zh("What does the photo show?")).fill(alt)
    page.get_by_role("button", name=zh("Upload photo")).click()
    expect_notice(page, "Photo added.")
    page.get_by_role("button", name=zh("Submit to the committee")).click()
    expect_notice(page, "Submitted: the committee will review it.")


def test_a_phone_sized_photo_shows_on_the_proposal_page(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    photo = tmp_path / "small.jpg"
    photo.write_bytes(jpeg_with_everything(quadrants(1066, 800)))  # 800 × 1066 upright
    quick_draft_with_photo(page, photo, PHOTOS[0][0])
    image = page.locator("#photos").get_by_role("img", name=PHOTOS[0][0])
    expect(image).to_be_visible()
    expect_served(page, image)


def test_a_small_photo_shows_as_a_thumbnail_in_the_list(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    photo = tmp_path / "tiny.jpg"
    photo.write_bytes(jpeg_with_everything(quadrants(400, 300)))  # 300 × 400 upright
    quick_draft_with_photo(page, photo, PHOTOS[0][0])
    page.goto(f"/c/{COMMUNITY_SLUG}/proposals")
    thumbnail = page.get_by_role("img", name=PHOTOS[0][0], exact=True)
    expect(thumbnail).to_be_visible()
    expect_served(page, thumbnail)
