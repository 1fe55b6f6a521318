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
from participation.proposals import comments
from tests.support import now


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


async def _insert(table: str, row: dict[str, object]) -> int:
    """A row as the schema at 0010 has it, written in SQL: the models describe the newest
    schema, which a database at 0010 does not have yet."""
    conn = db.client()
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    await conn.execute_query(
        db.placeholders(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'), list(row.values())
    )
    rows = await db.fetch_all(f'SELECT MAX(id) AS id FROM "{table}"', [])
    return int(rows[0]["id"])


async def test_every_proposal_comment_lands_in_its_proposals_thread(at_0010: str) -> None:
    at = now()
    author = await _insert(
        "user",
        {
            "display_name": "老李",
            "is_admin": False,
            "disabled": False,
            "session_version": 1,
            "created_at": at,
        },
    )
    community = await _insert(
        "community",
        {
            "slug": "yulin",
            "name": "玉林东路社区",
            "street": "",
            "district": "",
            "timezone": "Asia/Shanghai",
            "default_locale": "zh_Hans",
            "verify_by_code": True,
            "verify_by_request": True,
            "household_member_cap": 6,
            "support_threshold": 0,
            "created_at": at,
        },
    )
    ids = [
        await _insert(
            "proposal",
            {
                "title": title,
                "body": "种花",
                "category": "pocket_garden",
                "cost_yuan": 500,
                "feasibility_note": "",
                "location": "",
                "status": "submitted",
                "support_count": 0,
                "created_at": at,
                "updated_at": at,
                "author_id": author,
                "community_id": community,
            },
        )
        for title in ("口袋花园", "阳台花箱")
    ]
    rows = [(ids[0], None, "第一条"), (ids[0], 1, "回复"), (ids[1], None, "另一个")]
    for proposal_id, parent_id, body in rows:
        await _insert(
            "comment",
            {
                "proposal_id": proposal_id,
                "parent_id": parent_id,
                "author_id": author,
                "body": body,
                "created_at": at,
            },
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
