"""Moderation's things for the access matrix: the proposal author's comment reported by a
neighbour and hidden by the committee (an action the author may appeal), and a second one
hidden and already appealed (an appeal to decide)."""

from __future__ import annotations

from dataclasses import dataclass

import participation.capabilities  # noqa: F401 - the content kinds moderation knows
from participation.accounts.models import Identity
from participation.core.permissions import Actor
from participation.moderation import services
from participation.moderation.models import ModeratedItem
from participation.proposals import comments
from tests.support import World, make_committee, make_user, now
from tests.web.helpers import ProposalScene


@dataclass
class ModerationScene:
    moderated_id: int  # the author's comment, reported and hidden
    entry_id: int  # its hiding, in the log: the author may appeal
    appeal_id: int  # the author's appeal against another hiding, to decide


async def _user_id(subject: str) -> int:
    return (await Identity.get(provider="demo", subject=subject)).user_id


async def build_moderation_scene(world: World, proposals: ProposalScene) -> ModerationScene:
    here = world.community.id
    author = Actor(user_id=proposals.author.id)
    neighbour = Actor(user_id=await _user_id("proposal-neighbour"))
    reviewer = Actor(user_id=await _user_id("proposal-reviewer"))

    async def hidden(comment_id: int) -> tuple[int, int]:
        await services.report_item(
            neighbour, here, "proposal_comment", comment_id, "spam", now=now()
        )
        item = await ModeratedItem.get(kind="proposal_comment", item_id=comment_id)
        entry = await services.act(
            reviewer, here, item.id, services.Action.HIDE, reason="spam", now=now()
        )
        assert entry is not None
        return item.id, entry.id

    moderated_id, entry_id = await hidden(proposals.comment_id)
    second = await comments.post_comment(
        author, here, proposals.submitted_id, "第二条评论", now=now()
    )
    _item, appealed = await hidden(second.id)
    # Someone else on the committee, so the appeal stays with the committee (four eyes).
    await make_committee(world.community, await make_user("moderation-colleague", "另一位委员"))
    appeal = await services.appeal(author, here, appealed, "不是广告", now=now())
    return ModerationScene(moderated_id=moderated_id, entry_id=entry_id, appeal_id=appeal.id)
