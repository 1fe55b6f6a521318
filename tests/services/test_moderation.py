"""Moderation through its services, on SQLite and PostgreSQL: one report per person and item
under parallel requests, auto-hiding only by trusted residents (verified, members for more
than a day) at the community's threshold, committee members' content escalated to the
platform admin, the committee's actions, redaction, suspension, the four-eyes rule on appeals,
and a public log that never holds the content."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

import participation.capabilities  # noqa: F401 - the content kinds moderation knows
from participation.accounts.models import User
from participation.accounts.services import set_user_access
from participation.comments.models import Comment
from participation.communities.models import Community, Membership
from participation.conventions import services as conventions
from participation.conventions.models import Convention
from participation.core.errors import Conflict, Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor
from participation.moderation import queries, services
from participation.moderation.kinds import rule_articles
from participation.moderation.models import ModeratedItem, ModerationEntry, Report
from participation.notifications.models import Notification
from participation.proposals import comments
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from tests.support import World, make_committee, make_user, make_verified, now

MOBILE_TEXT = "有事打我电话 13812345678，晚上都在。"


def by(user: User) -> Actor:
    return Actor(user_id=user.id, is_admin=user.is_admin)


async def resident(
    world: World, name: str, *, days: int = 30, community: Community | None = None
) -> User:
    """A verified resident who joined ``days`` ago (trusted after a day)."""
    place = community or world.community
    user = await make_user(name, name)
    await make_verified(place, user, household=f"{name}栋")
    await Membership.filter(user_id=user.id, community_id=place.id).update(
        joined_at=now() - timedelta(days=days)
    )
    return user


async def a_comment(world: World, author: User, text: str = "这个花坛设计太丑了") -> int:
    data = proposals.ProposalInput(
        title="口袋花园", body="种花", category="pocket_garden", cost_yuan="500"
    )
    proposal = await proposals.create_proposal(by(author), world.community.id, data, now=now())
    await proposals.move_as_author(
        by(author), world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    posted = await comments.post_comment(
        by(author), world.community.id, proposal.id, text, now=now()
    )
    return posted.id


async def report(world: World, user: User, comment_id: int, reason: str = "offensive") -> None:
    await services.report_item(
        by(user), world.community.id, "proposal_comment", comment_id, reason, now=now()
    )


async def test_twenty_parallel_reports_by_one_resident_are_one_report(world: World) -> None:
    author, reporter = await resident(world, "作者"), await resident(world, "举报人")
    comment_id = await a_comment(world, author)
    await asyncio.gather(*(report(world, reporter, comment_id) for _ in range(20)))
    assert await Report.all().count() == 1
    item = await ModeratedItem.get(kind="proposal_comment", item_id=comment_id)
    assert (item.open_reports, item.counted_reports, item.hidden) == (1, 1, False)


async def test_only_trusted_residents_hide_an_item_at_the_communitys_threshold(
    world: World,
) -> None:
    author = await resident(world, "作者")
    comment_id = await a_comment(world, author)
    # Unverified members, residents who joined today, and one resident again and again.
    for name in ("路人甲", "路人乙", "路人丙"):
        user = await make_user(name)
        await Membership.create(user_id=user.id, community_id=world.community.id, joined_at=now())
        await report(world, user, comment_id)
    for name in ("新人甲", "新人乙"):
        await report(world, await resident(world, name, days=0), comment_id)
    once = await resident(world, "老邻居")
    for _ in range(3):
        await report(world, once, comment_id)
    item = await ModeratedItem.get(kind="proposal_comment", item_id=comment_id)
    assert (item.open_reports, item.counted_reports, item.hidden) == (6, 1, False)
    assert not await queries.hidden_ids("proposal_comment", [comment_id])

    await Community.filter(id=world.community.id).update(report_threshold=2)
    await report(world, await resident(world, "二号邻居"), comment_id)
    item = await ModeratedItem.get(id=item.id)
    assert (item.hidden, item.hidden_by) == (True, "automatic")
    assert await queries.hidden_ids("proposal_comment", [comment_id]) == {comment_id}
    [entry] = await ModerationEntry.all()
    assert (entry.action, entry.role, entry.kind) == ("auto_hide", "automatic", "proposal_comment")
    assert await Notification.exists(user_id=author.id, kind="moderation.hidden_pending")
    # The public log holds no content and names no reporter.
    [line] = await queries.public_log(world.community.id)
    assert "这个花坛" not in repr(line) and "二号邻居" not in repr(line)


async def test_committee_content_goes_to_the_platform_admin(world: World) -> None:
    member = await resident(world, "委员")
    await make_committee(world.community, member)
    colleague = await resident(world, "另一位委员")
    await make_committee(world.community, colleague)
    comment_id = await a_comment(world, member)
    for name in ("甲", "乙", "丙", "丁"):
        await report(world, await resident(world, name), comment_id)
    item = await ModeratedItem.get(kind="proposal_comment", item_id=comment_id)
    assert item.escalated and not item.hidden  # never hidden automatically
    assert await queries.queue(world.community.id) == []
    assert [q.moderated_id for q in await queries.queue(world.community.id, escalated=True)] == [
        item.id
    ]
    with pytest.raises(NotAllowed):
        await services.act(
            by(colleague),
            world.community.id,
            item.id,
            services.Action.HIDE,
            reason="offensive",
            now=now(),
        )
    admin = await make_user("admin")
    await set_user_access(None, admin.id, admin=True, now=now())
    admin = await User.get(id=admin.id)
    await services.act(
        by(admin), world.community.id, item.id, services.Action.HIDE, reason="offensive", now=now()
    )
    assert (await ModeratedItem.get(id=item.id)).hidden_by == "admin"


async def test_the_committee_keeps_hides_redacts_and_suspends(world: World) -> None:
    author, first, second = [await resident(world, n) for n in ("作者", "举报一", "举报二")]
    committee = await resident(world, "王主任")
    await make_committee(world.community, committee)
    kept = await a_comment(world, author)
    await report(world, first, kept)
    item = await ModeratedItem.get(item_id=kept)
    [entry] = [q for q in await queries.queue(world.community.id)]
    assert entry.reports[0].reporter == "举报一" and entry.item is not None
    assert (
        await services.act(
            by(committee), world.community.id, item.id, services.Action.KEEP, now=now()
        )
        is None
    )
    assert await queries.queue(world.community.id) == []

    with pytest.raises(NotAllowed):  # a resident reaches no action
        await services.act(
            by(first), world.community.id, item.id, services.Action.HIDE, reason="spam", now=now()
        )
    with pytest.raises(Invalid):
        await services.act(
            by(committee), world.community.id, item.id, services.Action.HIDE, now=now()
        )
    hidden = await services.act(
        by(committee),
        world.community.id,
        item.id,
        services.Action.HIDE,
        reason="spam",
        note="广告",
        now=now(),
    )
    assert hidden is not None and (hidden.action, hidden.role) == ("hide", "committee")

    leaky = await a_comment(world, author, MOBILE_TEXT)
    await report(world, second, leaky, reason="personal_info")
    leak = await ModeratedItem.get(item_id=leaky)
    await services.act(
        by(committee), world.community.id, leak.id, services.Action.REDACT, now=now()
    )
    assert (await Comment.get(id=leaky)).body == "有事打我电话 138****5678，晚上都在。"
    assert (await ModeratedItem.get(id=leak.id)).original_text == MOBILE_TEXT
    with pytest.raises(Invalid):  # nothing left to take out
        await services.act(
            by(committee), world.community.id, leak.id, services.Action.REDACT, now=now()
        )

    suspended = await services.act(
        by(committee),
        world.community.id,
        leak.id,
        services.Action.SUSPEND,
        reason="personal_info",
        days=7,
        now=now(),
    )
    assert suspended is not None and suspended.days == 7
    assert await queries.is_suspended(author.id, world.community.id, now())
    assert not await queries.is_suspended(author.id, world.community.id, now() + timedelta(days=8))
    actions = [e.action for e in await queries.public_log(world.community.id)]
    assert actions == ["suspend", "redact", "hide"]
    months = await queries.monthly_counts(world.community.id)
    assert sum(months[now().strftime("%Y-%m")].values()) == 3


async def test_appeals_are_decided_by_someone_else_once(world: World) -> None:
    author, reporter = await resident(world, "作者"), await resident(world, "举报人")
    hider, other = await resident(world, "王主任"), await resident(world, "李委员")
    for member in (hider, other):
        await make_committee(world.community, member)
    comment_id = await a_comment(world, author)
    await report(world, reporter, comment_id)
    item = await ModeratedItem.get(item_id=comment_id)
    entry = await services.act(
        by(hider), world.community.id, item.id, services.Action.HIDE, reason="offensive", now=now()
    )
    assert entry is not None
    with pytest.raises(NotAllowed):  # only the author appeals
        await services.appeal(by(reporter), world.community.id, entry.id, "我不服", now=now())
    made = await services.appeal(
        by(author), world.community.id, entry.id, "我只是提意见", now=now()
    )
    with pytest.raises(Conflict):
        await services.appeal(by(author), world.community.id, entry.id, "再来一次", now=now())
    assert await Notification.exists(user_id=other.id, kind="moderation.appeal_filed")
    with pytest.raises(NotAllowed):  # four eyes: not the one who hid it
        await services.decide_appeal(
            by(hider), world.community.id, made.id, uphold=False, reason="好", now=now()
        )
    with pytest.raises(Invalid):
        await services.decide_appeal(
            by(other), world.community.id, made.id, uphold=False, reason="", now=now()
        )
    decided = await services.decide_appeal(
        by(other), world.community.id, made.id, uphold=False, reason="批评不是辱骂", now=now()
    )
    assert (decided.action, decided.public_reason) == ("appeal_overturned", "批评不是辱骂")
    assert not (await ModeratedItem.get(id=item.id)).hidden
    with pytest.raises(Conflict):
        await services.decide_appeal(
            by(other), world.community.id, made.id, uphold=True, reason="改主意", now=now()
        )
    with pytest.raises(NotFound):
        await services.appeal(by(author), world.other.id, entry.id, "别的社区", now=now())


async def test_with_one_committee_member_an_appeal_goes_to_the_platform_admin(
    world: World,
) -> None:
    author, reporter = await resident(world, "作者"), await resident(world, "举报人")
    only = await resident(world, "唯一的委员")
    await make_committee(world.community, only)
    comment_id = await a_comment(world, author)
    await report(world, reporter, comment_id)
    item = await ModeratedItem.get(item_id=comment_id)
    entry = await services.act(
        by(only), world.community.id, item.id, services.Action.HIDE, reason="spam", now=now()
    )
    assert entry is not None
    made = await services.appeal(by(author), world.community.id, entry.id, "不是广告", now=now())
    assert made.escalated
    admin = await make_user("admin")
    await set_user_access(None, admin.id, admin=True, now=now())
    admin = await User.get(id=admin.id)
    with pytest.raises(NotAllowed):
        await services.decide_appeal(
            by(only), world.community.id, made.id, uphold=True, reason="维持", now=now()
        )
    decided = await services.decide_appeal(
        by(admin), world.community.id, made.id, uphold=True, reason="确实是广告", now=now()
    )
    assert (decided.action, decided.role) == ("appeal_upheld", "admin")
    assert (await ModeratedItem.get(id=item.id)).hidden


async def test_reports_are_for_members_about_others_content_here(world: World) -> None:
    author = await resident(world, "作者")
    comment_id = await a_comment(world, author)
    outsider = await resident(world, "外人", community=world.other)
    with pytest.raises(NotAllowed):
        await report(world, outsider, comment_id)
    with pytest.raises(NotAllowed):  # one's own
        await report(world, author, comment_id)
    neighbour = await resident(world, "邻居")
    with pytest.raises(NotFound):  # the comment is not the other community's
        await services.report_item(
            by(neighbour), world.other.id, "proposal_comment", comment_id, "spam", now=now()
        )
    with pytest.raises(NotFound):
        await services.report_item(
            by(neighbour), world.community.id, "nonsense", comment_id, "spam", now=now()
        )
    with pytest.raises(Invalid):
        await services.report_item(
            by(neighbour), world.community.id, "proposal_comment", comment_id, "other", now=now()
        )
    assert not await Report.exists()


async def test_a_suspended_member_cannot_post_here_until_it_ends_or_is_lifted(
    world: World,
) -> None:
    author, reporter = await resident(world, "作者"), await resident(world, "举报人")
    committee, colleague = await resident(world, "王主任"), await resident(world, "李委员")
    for member in (committee, colleague):
        await make_committee(world.community, member)
    comment_id = await a_comment(world, author)
    await report(world, reporter, comment_id)
    item = await ModeratedItem.get(item_id=comment_id)
    entry = await services.act(
        by(committee),
        world.community.id,
        item.id,
        services.Action.SUSPEND,
        reason="offensive",
        days=3,
        now=now(),
    )
    assert entry is not None
    with pytest.raises(NotAllowed, match="suspended"):
        await a_comment(world, author)
    made = await services.appeal(by(author), world.community.id, entry.id, "我道歉", now=now())
    await services.decide_appeal(
        by(colleague), world.community.id, made.id, uphold=False, reason="已道歉", now=now()
    )
    await a_comment(world, author)  # lifted: posting works again


async def test_a_report_that_it_breaks_the_convention_names_an_article_in_force(
    world: World,
) -> None:
    author, reporter = await resident(world, "作者"), await resident(world, "举报人")
    comment_id = await a_comment(world, author)
    # Without a convention in force there is no article to name.
    await services.report_item(
        by(reporter),
        world.community.id,
        "proposal_comment",
        comment_id,
        "convention",
        article="1:1",
        now=now(),
    )
    assert (await Report.get(reporter_id=reporter.id)).article_ref == ""
    committee = await make_user("公约委员", "公约委员")
    await make_committee(world.community, committee)
    articles = ["爱护绿地，不踩踏花草。", "文明养宠，及时清理粪便。"]
    convention = await conventions.open_draft(
        by(committee), world.community.id, "居民公约", "", articles, now=now()
    )
    # Adopted (the vote itself is the conventions' tests'): its text is in force.
    await Convention.filter(id=convention.id).update(
        status="adopted", adopted_version_id=convention.current_version_id
    )
    in_force = await rule_articles(world.community.id)
    assert [(a.number, a.text) for a in in_force] == [(1, articles[0]), (2, articles[1])]
    second = await resident(world, "第二位")
    for wrong in ("", "999:1", "<script>"):
        with pytest.raises(Invalid):
            await services.report_item(
                by(second),
                world.community.id,
                "proposal_comment",
                comment_id,
                "convention",
                article=wrong,
                now=now(),
            )
    await services.report_item(
        by(second),
        world.community.id,
        "proposal_comment",
        comment_id,
        "convention",
        article=in_force[1].ref,
        now=now(),
    )
    (entry,) = await queries.queue(world.community.id)
    named = [r.article for r in entry.reports if r.article]
    assert [(a.rulebook, a.number) for a in named] == [("居民公约", 2)]
