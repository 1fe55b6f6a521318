"""Conventions in every state the convention routes act on, for the access matrix and the
hostile tests: a draft with an open amendment, a draft ready for its vote, a vote open now, a
vote closed and not yet counted, and an adopted convention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from participation.accounts.models import Identity
from participation.conventions import comments, services
from participation.conventions.models import Ratification
from participation.core.permissions import Actor
from tests.support import World, make_committee, make_user, make_verified, now
from tests.web.helpers import PROPOSAL_AUTHOR

ARTICLES = ["爱护公共绿地。", "垃圾分类投放。", "晚上十点以后不大声喧哗。"]


@dataclass
class ConventionScene:
    drafting_id: int  # in drafting, with the author's open amendment to article 1
    amendment_id: int
    comment_id: int  # the author's comment on that amendment
    ready_id: int  # in drafting with no open amendment: its vote can be scheduled
    voting_id: int  # its vote (one per verified resident) is open now
    vote_id: int
    over_id: int  # its vote closed a minute ago, not yet counted
    over_vote_id: int
    adopted_id: int  # adopted by vote: a revision can start
    paper_voter_id: int  # a verified resident for the committee to enter a paper vote for
    other_id: int  # a draft in the other community


async def _author(world: World) -> Actor:
    """The matrix's "author", a verified resident here: made by the proposal scene when that
    is built first, otherwise here."""
    identity = await Identity.filter(provider="demo", subject=PROPOSAL_AUTHOR).first()
    if identity is not None:
        return Actor(user_id=identity.user_id)
    user = await make_user(PROPOSAL_AUTHOR, "提案人老李")
    await make_verified(world.community, user, household="7栋701")
    return Actor(user_id=user.id)


async def build_convention_scene(world: World) -> ConventionScene:
    community, other = world.community, world.other
    author = await _author(world)
    secretary = await make_user("convention-secretary", "公约委员")
    await make_committee(community, secretary)
    await make_committee(other, secretary)
    by_committee = Actor(user_id=secretary.id)
    voter = await make_user("convention-voter", "投票的邻居")
    await make_verified(community, voter, household="7栋703")
    paper_voter = await make_user("convention-paper-voter", "田奶奶")
    await make_verified(community, paper_voter, household="7栋704")

    async def draft(title: str, community_id: int = community.id) -> int:
        opened = await services.open_draft(
            by_committee, community_id, title, "序言", ARTICLES, now=now()
        )
        return opened.id

    async def vote_on(convention_id: int, *, closes_in: timedelta) -> int:
        rules = services.VoteRules(
            mode="resident",
            quorum_percent=10,
            majority="simple",
            opens_at=now() - timedelta(hours=1),
            closes_at=now() + timedelta(days=3),
        )
        held = await services.schedule_ratification(
            by_committee, community.id, convention_id, rules, now=now()
        )
        if closes_in < timedelta(0):
            await Ratification.filter(id=held.id).update(closes_at=now() + closes_in)
        return held.id

    drafting_id = await draft("矩阵里的草案")
    amendment = await services.propose_amendment(
        author, community.id, drafting_id, "change", 1, "爱护公共绿地和花草。", "更具体", now=now()
    )
    talk = await comments.post_comment(
        author, community.id, drafting_id, amendment.id, "我来解释一下", now=now()
    )
    ready_id = await draft("待表决的公约")
    voting_id = await draft("表决中的公约")
    vote_id = await vote_on(voting_id, closes_in=timedelta(days=3))
    over_id = await draft("刚结束表决的公约")
    over_vote_id = await vote_on(over_id, closes_in=timedelta(minutes=-1))
    adopted_id = await draft("已通过的公约")
    adopted_vote = await vote_on(adopted_id, closes_in=timedelta(days=3))
    await services.cast_vote(Actor(user_id=voter.id), community.id, adopted_vote, "yes", now=now())
    await Ratification.filter(id=adopted_vote).update(closes_at=now() - timedelta(minutes=1))
    await services.count_ratification(by_committee, community.id, adopted_vote, now=now())
    return ConventionScene(
        drafting_id=drafting_id,
        amendment_id=amendment.id,
        comment_id=talk,
        ready_id=ready_id,
        voting_id=voting_id,
        vote_id=vote_id,
        over_id=over_id,
        over_vote_id=over_vote_id,
        adopted_id=adopted_id,
        paper_voter_id=paper_voter.id,
        other_id=await draft("别处的草案", other.id),
    )
