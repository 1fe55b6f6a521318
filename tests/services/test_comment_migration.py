"""Migration 0011 moves proposals' comments into shared threads: on a database migrated to
0010 with comments and replies on two proposals (one on a progress update), every comment
keeps its id, text, author, reply and proposal, now as the proposal's thread."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.migrations.executor import MigrationTarget

from participation.comments.models import Comment
from participation.core import db
from participation.core.db.migrations import _executor
from participation.core.permissions import Actor
from participation.proposals import comments
from participation.proposals import services as proposals
from tests.support import make_user, make_verified, make_world, now


@pytest.fixture(params=["sqlite", "postgres"])
async def at_0010(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of each backend migrated up to 0010 only."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path / 'before.sqlite3'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        if cluster is None:
            pytest.skip("PostgreSQL binaries (initdb) not found: PostgreSQL tier NOT RUN.")
        name = f"huakai_before_0011_{os.getpid()}"
        cluster.run("dropdb", "--if-exists", name)
        cluster.run("createdb", name)
        url = cluster.url(name)
    await db.connect(url)
    try:
        await _executor(url).migrate([MigrationTarget("huakai", "0010_conventions")])
        yield url
    finally:
        await db.disconnect()


async def test_every_proposal_comment_lands_in_its_proposals_thread(at_0010: str) -> None:
    world = await make_world()
    author = await make_user("m-author", "老李")
    await make_verified(world.community, author, household="1栋101")
    by = Actor(user_id=author.id)
    ids = []
    for title in ("口袋花园", "阳台花箱"):
        data = proposals.ProposalInput(
            title=title, body="种花", category="pocket_garden", cost_yuan="500"
        )
        ids.append((await proposals.create_proposal(by, world.community.id, data, now=now())).id)
    insert = db.placeholders(
        "INSERT INTO comment (proposal_id, update_id, parent_id, author_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    conn = db.client()
    rows = [
        (ids[0], None, None, "第一条"),
        (ids[0], None, 1, "回复"),
        (ids[1], None, None, "另一个"),
    ]
    for proposal_id, update_id, parent_id, body in rows:
        await conn.execute_query(
            insert, [proposal_id, update_id, parent_id, author.id, body, now()]
        )

    await db.migrate(at_0010)

    stored = await Comment.all().order_by("id").values_list("id", "thread", "parent_id", "body")
    assert stored == [
        (1, f"proposal:{ids[0]}", None, "第一条"),
        (2, f"proposal:{ids[0]}", 1, "回复"),
        (3, f"proposal:{ids[1]}", None, "另一个"),
    ]
    [thread] = await comments.list_comments(ids[0])
    assert thread.body == "第一条" and [r.body for r in thread.replies] == ["回复"]
    assert thread.author == "老李"
    assert await db.pending_migrations(at_0010) == []
