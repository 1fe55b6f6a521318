"""Moderation over HTTP: three trusted residents report a comment and it is hidden for the
public (the author still sees it, with a note); the committee keeps it; another is hidden
with a reason and shows in the public log without its content; its author appeals and a
second committee member decides. Report text is escaped on the committee's queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx

from participation.comments.models import Comment
from participation.communities.models import Community, Membership
from participation.core.permissions import Actor
from participation.media.models import Photo
from participation.moderation.models import ModeratedItem
from participation.proposals import services as proposals
from participation.proposals.models import Proposal
from participation.proposals.rules import Status
from tests.support import (
    HOSTILE,
    World,
    csrf_token,
    login,
    make_committee,
    make_verified,
    make_world,
    now,
    post_form,
)
from tests.web.helpers import ENGLISH, assert_inert, tiny_png

FIRST = "楼下的花坛每天都有人乱扔烟头，管理处根本不管"
SECOND = "加我微信买便宜花苗，量大从优"


async def signed_in(
    browsers: Callable[[], httpx.AsyncClient],
    world: World,
    subject: str,
    *,
    committee: bool = False,
) -> tuple[httpx.AsyncClient, int]:
    browser = browsers()
    user = await login(browser, subject)
    await make_verified(world.community, user, household=f"{subject}栋")
    await Membership.filter(user_id=user.id).update(joined_at=now() - timedelta(days=10))
    if committee:
        await make_committee(world.community, user)
    return browser, user.id


async def submitted(world: World, author_id: int, title: str, body: str) -> int:
    """A proposal by the author, submitted: public, so others can report it."""
    author = Actor(user_id=author_id)
    data = proposals.ProposalInput(title=title, body=body, category="greening", cost_yuan="800")
    proposal = await proposals.create_proposal(author, world.community.id, data, now=now())
    await proposals.move_as_author(
        author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    return proposal.id


async def test_reported_hidden_kept_hidden_appealed_and_decided(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    author, author_id = await signed_in(browsers, world, "m-author")
    proposal_id = await submitted(world, author_id, "花坛改造", "种花")
    page = f"/c/yulin/proposals/{proposal_id}"
    for text in (FIRST, SECOND):
        posted = await post_form(author, f"{page}/comments", {"body": text}, token_from=page)
        assert posted.status_code == 303
    first, second = [c.id for c in await Comment.all().order_by("id")]

    reporters = [await signed_in(browsers, world, f"m-reporter-{n}") for n in range(3)]
    shown = await reporters[0][0].get(page)
    assert f'/c/yulin/report/proposal_comment/{first}"' in shown.text
    for browser, _id in reporters:
        form = await browser.get(f"/c/yulin/report/proposal_comment/{first}")
        assert form.status_code == 200
        sent = await post_form(
            browser,
            f"/c/yulin/report/proposal_comment/{first}",
            {"reason": "offensive", "text": HOSTILE},
            token_from=f"/c/yulin/report/proposal_comment/{first}",
        )
        assert sent.status_code == 303 and sent.headers["location"].endswith(f"#comment-{first}")

    public = (await client.get(page, headers=ENGLISH)).text
    assert FIRST not in public and "Hidden while the committee reviews it." in public
    own = (await author.get(page, headers=ENGLISH)).text
    assert FIRST in own and 'class="notice hidden-banner"' in own

    committee, _ = await signed_in(browsers, world, "m-committee", committee=True)
    queue = await committee.get("/c/yulin/committee/moderation", headers=ENGLISH)
    assert queue.status_code == 200 and FIRST in queue.text
    assert_inert(queue.text, HOSTILE)
    moderated = queue.text.split('id="moderated-')[1].split('"')[0]
    kept = await post_form(
        committee,
        f"/c/yulin/committee/moderation/items/{moderated}",
        {"action": "keep"},
        token_from="/c/yulin/committee/moderation",
    )
    assert kept.status_code == 303
    assert FIRST in (await client.get(page)).text

    # The second comment: reported once, hidden by the committee with a reason.
    await post_form(
        reporters[0][0],
        f"/c/yulin/report/proposal_comment/{second}",
        {"reason": "spam"},
        token_from=page,
    )
    queue = await committee.get("/c/yulin/committee/moderation")
    moderated = queue.text.split('id="moderated-')[1].split('"')[0]
    hidden = await post_form(
        committee,
        f"/c/yulin/committee/moderation/items/{moderated}",
        {"action": "hide", "reason": "spam", "note": "卖花苗的广告"},
        token_from="/c/yulin/committee/moderation",
    )
    assert hidden.status_code == 303
    log = (await client.get("/c/yulin/moderation", headers=ENGLISH)).text  # anonymous
    assert "Spam or advertising" in log and "community committee" in log
    assert SECOND not in log and "卖花苗的广告" not in log and "m-reporter" not in log
    entry = log.split('<li id="entry-')[1].split('"')[0]

    appeal = await author.get(f"/c/yulin/moderation/{entry}/appeal")
    assert appeal.status_code == 200
    refused = await reporters[0][0].get(f"/c/yulin/moderation/{entry}/appeal")
    assert refused.status_code == 403
    sent = await post_form(
        author,
        f"/c/yulin/moderation/{entry}/appeal",
        {"text": "我是在分享便宜的花苗，不是广告"},
        token_from=f"/c/yulin/moderation/{entry}/appeal",
    )
    assert sent.status_code == 303
    queue = await committee.get("/c/yulin/committee/moderation")
    appeal_id = queue.text.split('id="appeal-')[1].split('"')[0]
    own_decision = await post_form(
        committee,
        f"/c/yulin/committee/moderation/appeals/{appeal_id}",
        {"outcome": "overturn", "reason": "我自己改主意"},
        token_from="/c/yulin/committee/moderation",
    )
    assert own_decision.status_code == 403  # four eyes: not the one who hid it
    colleague, _ = await signed_in(browsers, world, "m-colleague", committee=True)
    decided = await post_form(
        colleague,
        f"/c/yulin/committee/moderation/appeals/{appeal_id}",
        {"outcome": "uphold", "reason": "确实是广告"},
        token_from="/c/yulin/committee/moderation",
    )
    assert decided.status_code == 303
    log = (await client.get("/c/yulin/moderation", headers=ENGLISH)).text
    assert "Appeal: the decision stands" in log and "确实是广告" in log


async def test_the_threshold_is_a_community_setting_within_bounds(
    browsers: Callable[[], httpx.AsyncClient],
) -> None:
    world = await make_world()
    committee, _ = await signed_in(browsers, world, "t-committee", committee=True)
    settings = "/c/yulin/committee/settings"
    for bad in ("1", "51", "三", ""):
        refused = await post_form(
            committee, f"{settings}/moderation", {"report_threshold": bad}, token_from=settings
        )
        assert refused.status_code == 422 and 'id="moderation-settings-error"' in refused.text
    saved = await post_form(
        committee, f"{settings}/moderation", {"report_threshold": "5"}, token_from=settings
    )
    assert saved.headers["location"].endswith("#moderation-settings")
    assert (await Community.get(id=world.community.id)).report_threshold == 5


async def test_a_hidden_proposal_leaves_the_list_and_shows_a_placeholder(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    import participation.capabilities  # noqa: F401 - the content kinds moderation knows
    from participation.moderation import services as moderation

    world = await make_world()
    author, author_id = await signed_in(browsers, world, "p-author")
    proposal_id = await submitted(world, author_id, "楼顶菜园计划", "种菜")
    page = f"/c/yulin/proposals/{proposal_id}"
    assert "楼顶菜园计划" in (await client.get("/c/yulin/proposals")).text
    for n in range(3):
        _browser, reporter = await signed_in(browsers, world, f"p-reporter-{n}")
        await moderation.report_item(
            Actor(user_id=reporter), world.community.id, "proposal", proposal_id, "spam", now=now()
        )
    assert "楼顶菜园计划" not in (await client.get("/c/yulin/proposals?q=菜园")).text
    placeholder = await client.get(page, headers=ENGLISH)
    assert placeholder.status_code == 200
    assert "Hidden while the committee reviews it." in placeholder.text
    assert "楼顶菜园计划" not in placeholder.text
    own = (await author.get(page, headers=ENGLISH)).text
    assert "楼顶菜园计划" in own and 'class="notice hidden-banner"' in own


async def test_a_hidden_amendment_is_a_placeholder_on_its_conventions_page(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    import participation.capabilities  # noqa: F401 - the content kinds moderation knows
    from participation.conventions import services as conventions
    from participation.moderation import services as moderation

    world = await make_world()
    committee, committee_id = await signed_in(browsers, world, "a-committee", committee=True)
    author, author_id = await signed_in(browsers, world, "a-author")
    draft = await conventions.open_draft(
        Actor(user_id=committee_id), world.community.id, "公约", "", ["爱护花草。"], now=now()
    )
    amendment = await conventions.propose_amendment(
        Actor(user_id=author_id),
        world.community.id,
        draft.id,
        "change",
        1,
        "爱护花草树木。",
        "加我微信领花苗",
        now=now(),
    )
    page = f"/c/yulin/conventions/{draft.id}"
    shown = (await committee.get(page)).text
    assert f'/c/yulin/report/amendment/{amendment.id}"' in shown
    for n in range(3):
        _browser, reporter = await signed_in(browsers, world, f"a-reporter-{n}")
        await moderation.report_item(
            Actor(user_id=reporter),
            world.community.id,
            "amendment",
            amendment.id,
            "spam",
            now=now(),
        )
    public = (await client.get(page, headers=ENGLISH)).text
    assert "加我微信领花苗" not in public and "Hidden while the committee reviews it." in public
    own = (await author.get(page, headers=ENGLISH)).text
    assert "加我微信领花苗" in own and 'class="notice hidden-banner"' in own
    assert "加我微信领花苗" in (await committee.get(page)).text  # the committee reviews it


async def test_personal_information_in_a_comment_is_masked_for_others(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    author, author_id = await signed_in(browsers, world, "pi-author")
    committee, _ = await signed_in(browsers, world, "pi-committee", committee=True)
    proposal_id = await submitted(world, author_id, "换花苗", "大家来换")
    page = f"/c/yulin/proposals/{proposal_id}"
    said = "有兴趣的打 138-1234-5678，我住3栋2单元501室"
    asked = await post_form(author, f"{page}/comments", {"body": said}, token_from=page)
    # Warned first, nothing posted: the same fields come back with the resident's choice.
    assert asked.status_code == 200 and "138-1234-5678" in asked.text
    assert 'name="personal_data" value="keep"' in asked.text
    assert await Comment.filter(body=said).count() == 0
    posted = await post_form(
        author, f"{page}/comments", {"body": said, "personal_data": "keep"}, token_from=page
    )
    assert posted.status_code == 303 and await Comment.filter(body=said).count() == 1
    public = (await client.get(page)).text
    assert "138****5678" in public and "3栋2单元***室" in public
    assert "138-1234-5678" not in public and "2单元501室" not in public
    own = (await author.get(page, headers=ENGLISH)).text
    assert said in own and "Others see the phone numbers" in own
    assert said in (await committee.get(page)).text


async def test_the_guard_offers_to_take_personal_information_out_before_posting(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    author, _author_id = await signed_in(browsers, world, "pg-author")
    new = "/c/yulin/proposals/new"
    draft = {
        "title": "楼顶种菜",
        "body": "需要帮手，请联系 13812345678 王阿姨\n\n身份证 11010519491231002X 可报销",
        "category": "greening",
        "cost_yuan": "300",
    }
    asked = await post_form(author, "/c/yulin/proposals", draft, token_from=new)
    assert asked.status_code == 200
    assert (
        "Mobile number: 13812345678 (others would see 138****5678)"
        in (
            await post_form(author, "/c/yulin/proposals", draft, token_from=new, headers=ENGLISH)
        ).text
    )
    assert 'value="greening"' in asked.text and 'value="300"' in asked.text  # the rest kept
    assert await Proposal.filter(title="楼顶种菜").count() == 0
    # From a thread that htmx swaps, the question takes the page's main content instead.
    swapped = await post_form(
        author, "/c/yulin/proposals", draft, token_from=new, headers={"HX-Request": "true"}
    )
    assert swapped.headers["HX-Retarget"] == "#main"
    removed = await post_form(
        author, "/c/yulin/proposals", {**draft, "personal_data": "remove"}, token_from=new
    )
    assert removed.status_code == 303
    saved = await Proposal.get(title="楼顶种菜")
    assert saved.body == "需要帮手，请联系 王阿姨\n\n身份证 可报销"


async def test_the_guard_page_keeps_the_forms_fields_inert_and_writes_nothing(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    author, _author_id = await signed_in(browsers, world, "pg-hostile")
    new = "/c/yulin/proposals/new"
    draft = {
        "title": HOSTILE,
        "body": "联系 13812345678",
        "category": HOSTILE,
        "cost_yuan": "300",
        "location": HOSTILE,
    }
    asked = await post_form(author, "/c/yulin/proposals", draft, token_from=new)
    assert asked.status_code == 200
    assert_inert(asked.text)
    assert await Proposal.filter(community_id=world.community.id).count() == 0


async def test_a_reported_photo_shows_on_the_queue_and_hides_behind_a_placeholder(
    client: httpx.AsyncClient, browsers: Callable[[], httpx.AsyncClient]
) -> None:
    world = await make_world()
    author, author_id = await signed_in(browsers, world, "ph-author")
    data = proposals.ProposalInput(
        title="拐角空地", body="拐角空地改造", category="greening", cost_yuan="800"
    )
    proposal = await proposals.create_proposal(
        Actor(user_id=author_id), world.community.id, data, now=now()
    )
    page = f"/c/yulin/proposals/{proposal.id}"
    uploaded = await author.post(
        f"{page}/photos",
        data={"csrf_token": await csrf_token(author, page), "alt_text": "拐角空地现状"},
        files={"photo": ("corner.png", tiny_png((400, 300)), "image/png")},
    )
    assert uploaded.status_code == 303
    await proposals.move_as_author(
        Actor(user_id=author_id), world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    photo = await Photo.get(owner_id=author_id)
    reporter, _ = await signed_in(browsers, world, "ph-reporter")
    shown = await reporter.get(page, headers=ENGLISH)
    assert f'href="/c/yulin/report/photo/{photo.id}"' in shown.text
    sent = await post_form(
        reporter,
        f"/c/yulin/report/photo/{photo.id}",
        {"reason": "offensive"},
        token_from=f"/c/yulin/report/photo/{photo.id}",
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith(f"#photo-{photo.id}")
    committee, _ = await signed_in(browsers, world, "ph-committee", committee=True)
    queue = await committee.get("/c/yulin/committee/moderation")
    assert f"/media/{photo.storage_key}/" in queue.text
    moderated = await ModeratedItem.get(kind="photo", item_id=photo.id)
    decided = await post_form(
        committee,
        f"/c/yulin/committee/moderation/items/{moderated.id}",
        {"action": "hide", "reason": "offensive"},
        token_from="/c/yulin/committee/moderation",
    )
    assert decided.status_code == 303
    public = (await client.get(page, headers=ENGLISH)).text
    assert f"/media/{photo.storage_key}/" not in public
    assert "A photo hidden while the committee reviews it." in public
    assert f"/media/{photo.storage_key}/" in (await author.get(page)).text
