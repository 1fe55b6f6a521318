from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from participation.audit.models import AuditEntry
from participation.core.errors import Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor
from participation.notifications.models import Notification
from participation.proposals import queries, services
from participation.proposals.models import Proposal, ProposalEvent, Support
from participation.proposals.rules import Status
from tests.support import HOSTILE, World, make_committee, make_user, make_verified, make_world, now


def draft(
    title: str = "口袋花园：把拐角空地变成花园", cost: str = "3000"
) -> services.ProposalInput:
    return services.ProposalInput(
        title=title,
        body=f"在3栋旁的空地种花。\n\n{HOSTILE}",
        category="pocket_garden",
        cost_yuan=cost,
        location="3栋北侧",
    )


async def resident(world: World, subject: str, household: str = "1栋101") -> Actor:
    user = await make_user(subject)
    await make_verified(world.community, user, household)
    return Actor(user_id=user.id)


async def committee(world: World) -> Actor:
    user = await make_user("committee")
    await make_committee(world.community, user)
    return Actor(user_id=user.id)


async def submitted(world: World, author: Actor) -> Proposal:
    proposal = await services.create_proposal(author, world.community.id, draft(), now=now())
    await services.move_as_author(
        author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    return proposal


async def test_only_verified_residents_may_propose(database: str) -> None:
    world = await make_world()
    stranger = await make_user("stranger")
    with pytest.raises(NotAllowed):
        await services.create_proposal(
            Actor(user_id=stranger.id), world.community.id, draft(), now=now()
        )
    assert await Proposal.all().count() == 0


async def test_draft_is_visible_only_to_its_author(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    neighbour = await resident(world, "neighbour", "2栋202")
    proposal = await services.create_proposal(author, world.community.id, draft(), now=now())
    detail = await queries.get_proposal(author, world.community.id, proposal.id)
    assert detail.subject.author_id == author.user_id
    with pytest.raises(NotFound):
        await queries.get_proposal(neighbour, world.community.id, proposal.id)
    with pytest.raises(NotFound):
        await queries.get_proposal(author, world.other.id, proposal.id)


async def test_every_status_change_is_recorded_with_who_and_why(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    reviewer = await committee(world)
    proposal = await submitted(world, author)
    with pytest.raises(Invalid):
        await services.review(
            reviewer, world.community.id, proposal.id, Status.REJECTED, reason="  ", now=now()
        )
    await services.review(
        reviewer,
        world.community.id,
        proposal.id,
        Status.NEEDS_CHANGES,
        reason="请补充预算明细",
        now=now(),
    )
    await services.move_as_author(
        author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
    )
    await services.review(
        reviewer,
        world.community.id,
        proposal.id,
        Status.ACCEPTED,
        reason="",
        now=now(),
        committee_cost_yuan=3200,
    )
    events = await ProposalEvent.filter(proposal_id=proposal.id).order_by("id")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "needs_changes"),
        ("needs_changes", "submitted"),
        ("submitted", "accepted"),
    ]
    assert events[2].reason == "请补充预算明细" and events[2].actor_id == reviewer.user_id
    assert await Notification.filter(user_id=author.user_id, kind="proposal.status").count() == 2
    assert await AuditEntry.filter(action="proposals.review").count() == 2
    accepted = await Proposal.get(id=proposal.id)
    assert accepted.committee_cost_yuan == 3200
    with pytest.raises(Invalid):
        await services.edit_proposal(
            author, world.community.id, proposal.id, draft("改标题"), now=now()
        )


async def test_a_resident_cannot_review(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    proposal = await submitted(world, author)
    with pytest.raises(NotAllowed):
        await services.review(
            author, world.community.id, proposal.id, Status.ACCEPTED, reason="", now=now()
        )
    assert (await Proposal.get(id=proposal.id)).status == "submitted"
    assert await AuditEntry.filter(action="proposals.review").count() == 0


async def test_fifty_identical_supports_in_parallel_make_one(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    supporter = await resident(world, "supporter", "2栋202")
    proposal = await submitted(world, author)
    counts = await asyncio.gather(
        *(
            services.support(supporter, world.community.id, proposal.id, now=now())
            for _ in range(50)
        )
    )
    assert set(counts) == {1}
    assert await Support.filter(proposal_id=proposal.id).count() == 1
    assert (await Proposal.get(id=proposal.id)).support_count == 1
    assert (
        await services.withdraw_support(supporter, world.community.id, proposal.id, now=now()) == 0
    )
    assert (
        await services.withdraw_support(supporter, world.community.id, proposal.id, now=now()) == 0
    )


async def test_invalid_input_names_the_field(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    cases = {
        "title": draft(title=""),
        "cost_yuan": draft(cost="三千"),
    }
    for field, data in cases.items():
        with pytest.raises(Invalid) as caught:
            await services.create_proposal(author, world.community.id, data, now=now())
        assert caught.value.field == field
    assert await Proposal.all().count() == 0


async def test_list_filters_searches_chinese_and_shuffles_stably(database: str) -> None:
    world = await make_world()
    author = await resident(world, "author")
    for i in range(25):
        title = f"楼道绿化 {i}" if i % 5 == 0 else f"口袋花园 {i}"
        proposal = await services.create_proposal(
            author, world.community.id, draft(title=title), now=now()
        )
        await services.move_as_author(
            author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
        )
    hidden = await services.create_proposal(
        author, world.community.id, draft(title="草稿 楼道"), now=now()
    )

    def filters(**kw: str) -> queries.ListFilters:
        base = {"category": "", "status": "", "query": "", "sort": "newest", "page": "1"}
        return queries.normalise_filters(**{**base, **kw}, categories={"greening"})

    found = await queries.list_proposals(world.community.id, filters(query="楼道"))
    assert {c.title for c in found.items} == {f"楼道绿化 {i}" for i in range(0, 25, 5)}
    assert hidden.id not in {c.id for c in found.items}
    for wildcard in ("%", "_", "\\"):
        assert (
            await queries.list_proposals(world.community.id, filters(query=wildcard))
        ).items == []
    first = await queries.list_proposals(world.community.id, filters())
    assert len(first.items) == queries.PAGE_SIZE and first.has_next
    second = await queries.list_proposals(world.community.id, filters(page="2"))
    assert len(second.items) == 5 and not second.has_next
    shuffled = await queries.list_proposals(
        world.community.id, filters(sort="random"), visitor_seed=12345
    )
    again = await queries.list_proposals(
        world.community.id, filters(sort="random"), visitor_seed=12345
    )
    other = await queries.list_proposals(
        world.community.id, filters(sort="random"), visitor_seed=987654321
    )
    assert [c.id for c in shuffled.items] == [c.id for c in again.items]
    assert [c.id for c in shuffled.items] != [c.id for c in other.items]
    assert (
        queries.normalise_filters(
            category="x",
            status="draft",
            query="",
            sort="evil",
            page="-1",
            categories={"greening"},
        )
        == queries.ListFilters()
    )


async def test_progress_updates_from_residents_wait_for_the_committee(database: str) -> None:
    from participation.proposals import progress

    world = await make_world()
    author = await resident(world, "author")
    neighbour = await resident(world, "neighbour", "2栋202")
    reviewer = await committee(world)
    proposal = await submitted(world, author)
    with pytest.raises(Invalid):
        await progress.post_update(author, world.community.id, proposal.id, "开工", now=now())
    for target in (Status.ACCEPTED, Status.SELECTED, Status.IN_PROGRESS):
        await services.review(
            reviewer, world.community.id, proposal.id, target, reason="", now=now()
        )
    own = await progress.post_update(author, world.community.id, proposal.id, "开工了", now=now())
    theirs = await progress.post_update(
        neighbour, world.community.id, proposal.id, "花开了", now=now()
    )
    assert (own.status, theirs.status) == ("published", "pending")
    public = await progress.list_updates(proposal.id, include_pending=False)
    assert [u.body for u in public] == ["开工了"]
    with pytest.raises(NotAllowed):
        await progress.decide_update(
            neighbour, world.community.id, proposal.id, theirs.id, approve=True, now=now()
        )
    await progress.decide_update(
        reviewer, world.community.id, proposal.id, theirs.id, approve=True, now=now()
    )
    public = await progress.list_updates(proposal.id, include_pending=False)
    assert [u.body for u in public] == ["开工了", "花开了"]
    stranger = await make_user("stranger")
    with pytest.raises(NotAllowed):
        await progress.post_update(
            Actor(user_id=stranger.id), world.community.id, proposal.id, "x", now=now()
        )


async def test_progress_update_carries_a_before_photo(database: str, tmp_path: Path) -> None:
    from participation.media.storage import LocalStorage
    from participation.proposals import progress
    from tests.unit.test_media_pipeline import jpeg_with_everything, quadrants

    world = await make_world()
    author = await resident(world, "author")
    reviewer = await committee(world)
    proposal = await submitted(world, author)
    for target in (Status.ACCEPTED, Status.SELECTED):
        await services.review(
            reviewer, world.community.id, proposal.id, target, reason="", now=now()
        )
    storage = LocalStorage(tmp_path)
    with pytest.raises(Invalid):
        await progress.post_update(
            author,
            world.community.id,
            proposal.id,
            "开工前",
            now=now(),
            photo=jpeg_with_everything(quadrants(400, 300)),
            alt_text="空地",
            photo_role="sideways",
            storage=storage,
        )
    await progress.post_update(
        author,
        world.community.id,
        proposal.id,
        "开工前",
        now=now(),
        photo=jpeg_with_everything(quadrants(400, 300)),
        alt_text="空地",
        photo_role="before",
        storage=storage,
    )
    [update] = await progress.list_updates(proposal.id, include_pending=False)
    assert [(p.alt_text, p.role) for p in update.photos] == [("空地", "before")]


async def test_an_accepted_co_author_posts_progress_like_the_author(database: str) -> None:
    from participation.core.errors import Conflict
    from participation.proposals import coauthors, progress

    world = await make_world()
    author = await resident(world, "author")
    partner_user = await make_user("partner", "李阿姨")
    await make_verified(world.community, partner_user, "2栋202")
    partner = Actor(user_id=partner_user.id)
    reviewer = await committee(world)
    proposal = await submitted(world, author)
    with pytest.raises(Invalid):
        await coauthors.invite_co_author(
            author, world.community.id, proposal.id, "不认识", now=now()
        )
    with pytest.raises(NotAllowed):
        await coauthors.invite_co_author(
            partner, world.community.id, proposal.id, "李阿姨", now=now()
        )
    await coauthors.invite_co_author(author, world.community.id, proposal.id, " 李阿姨 ", now=now())
    with pytest.raises(Conflict):
        await coauthors.invite_co_author(
            author, world.community.id, proposal.id, "李阿姨", now=now()
        )
    assert (
        await Notification.filter(
            user_id=partner_user.id, kind="proposal.co_author_invited"
        ).count()
        == 1
    )
    for target in (Status.ACCEPTED, Status.SELECTED):
        await services.review(
            reviewer, world.community.id, proposal.id, target, reason="", now=now()
        )
    pending = await progress.post_update(
        partner, world.community.id, proposal.id, "还没接受", now=now()
    )
    assert pending.status == "pending"
    await coauthors.accept_co_authorship(partner, world.community.id, proposal.id, now=now())
    with pytest.raises(NotFound):
        await coauthors.accept_co_authorship(partner, world.community.id, proposal.id, now=now())
    published = await progress.post_update(
        partner, world.community.id, proposal.id, "接受了", now=now()
    )
    assert published.status == "published"
    [view] = await coauthors.list_co_authors(proposal.id)
    assert (view.name, view.accepted) == ("李阿姨", True)
