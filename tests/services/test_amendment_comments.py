"""The discussion of amendments goes through the shared comments machinery: verified residents
and the committee post, replies stay one level deep and in their own thread, an author deletes
only their own, and another convention's amendment is a 404."""

from __future__ import annotations

import pytest

from participation.comments.models import Comment
from participation.conventions import comments, services
from participation.core.errors import NotAllowed, NotFound
from participation.core.permissions import Actor
from tests.support import World, make_committee, make_user, make_verified, now


async def test_amendment_threads_are_their_own_and_follow_the_rules(world: World) -> None:
    here = world.community.id
    secretary = await make_user("c-secretary")
    await make_committee(world.community, secretary)
    author, neighbour, stranger = (
        await make_user("c-author"),
        await make_user("c-neighbour"),
        await make_user("c-stranger"),
    )
    await make_verified(world.community, author, household="1栋1")
    await make_verified(world.community, neighbour, household="1栋2")
    by = {u.id: Actor(user_id=u.id) for u in (secretary, author, neighbour, stranger)}
    convention = await services.open_draft(
        by[secretary.id], here, "公约", "", ["一", "二"], now=now()
    )
    other = await services.open_draft(by[secretary.id], here, "另一份", "", ["三"], now=now())
    first = await services.propose_amendment(
        by[author.id], here, convention.id, "change", 1, "一一", "理由", now=now()
    )
    second = await services.propose_amendment(
        by[author.id], here, convention.id, "delete", 2, "", "理由", now=now()
    )

    top = await comments.post_comment(
        by[neighbour.id], here, convention.id, first.id, "为什么？", now=now()
    )
    reply = await comments.post_comment(
        by[secretary.id], here, convention.id, first.id, "说得好", now=now(), parent_id=top
    )
    deeper = await comments.post_comment(
        by[author.id], here, convention.id, first.id, "谢谢", now=now(), parent_id=reply
    )
    assert (await Comment.get(id=deeper)).parent_id == top  # one level deep
    with pytest.raises(NotFound):  # a reply into another amendment's thread
        await comments.post_comment(
            by[author.id], here, convention.id, second.id, "串了", now=now(), parent_id=top
        )
    with pytest.raises(NotAllowed):
        await comments.post_comment(
            by[stranger.id], here, convention.id, first.id, "路过", now=now()
        )
    with pytest.raises(NotFound):  # the amendment is not this convention's
        await comments.post_comment(by[author.id], here, other.id, first.id, "错了", now=now())
    with pytest.raises(NotAllowed):  # only its author deletes a comment
        await comments.delete_comment(by[author.id], here, convention.id, first.id, top, now=now())
    await comments.delete_comment(by[neighbour.id], here, convention.id, first.id, top, now=now())

    shown = await comments.discussions([first.id, second.id])
    assert shown[second.id] == []
    [thread] = shown[first.id]
    assert thread.deleted and thread.body == ""
    assert [r.body for r in thread.replies] == ["说得好", "谢谢"]
