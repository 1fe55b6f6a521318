"""Migrations that move rows, on both backends, from a database migrated to just before them
with rows written in SQL as that schema had them:

- 0011 moves proposals' comments into shared threads: on two proposals (one on a progress
  update), every comment keeps its id, text, author, reply and proposal, now as its thread;
- 0015 rebuilds the report table for its article reference: every report is kept, and
  so is one report per person and item (tortoise's own SQLite rebuild dropped it)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.migrations.executor import MigrationTarget

from participation.comments.models import Comment
from participation.core import db
from participation.core.db.migrations import _executor
from participation.moderation.models import Report
from participation.proposals import comments
from tests.support import now


@pytest.fixture(params=["sqlite", "postgres"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'before.sqlite3'}"
    cluster = request.getfixturevalue("pg_cluster")
    if cluster is None:
        pytest.skip("PostgreSQL binaries (initdb) not found: PostgreSQL tier NOT RUN.")
    name = f"huakai_before_{os.getpid()}"
    cluster.run("dropdb", "--if-exists", name)
    cluster.run("createdb", name)
    return str(cluster.url(name))


@asynccontextmanager
async def migrated_to(url: str, target: str) -> AsyncIterator[str]:
    await db.connect(url)
    try:
        await _executor(url).migrate([MigrationTarget("huakai", target)])
        yield url
    finally:
        await db.disconnect()


@pytest.fixture
async def at_0010(backend_url: str) -> AsyncIterator[str]:
    async with migrated_to(backend_url, "0010_conventions") as url:
        yield url


@pytest.fixture
async def at_0014(backend_url: str) -> AsyncIterator[str]:
    async with migrated_to(backend_url, "0014_care_log_hiding_moves_to_moderation") as url:
        yield url


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


async def _community(at: datetime) -> int:
    """A community row as every schema since 0001 has it."""
    return await _insert(
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
    community = await _community(at)
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


async def test_every_report_survives_the_article_reference(at_0014: str) -> None:
    at = now()
    user = {"is_admin": False, "disabled": False, "session_version": 1, "created_at": at}
    author = await _insert("user", {"display_name": "作者", **user})
    reporter = await _insert("user", {"display_name": "举报人", **user})
    community = await _community(at)
    item = await _insert(
        "moderated_item",
        {
            "kind": "proposal_comment",
            "item_id": 7,
            "community_id": community,
            "author_id": author,
            "hidden": False,
            "hidden_by": "",
            "reason": "",
            "private_note": "",
            "original_text": "",
            "redacted": False,
            "escalated": False,
            "counted_reports": 1,
            "open_reports": 1,
            "updated_at": at,
        },
    )
    await _insert(
        "report",
        {
            "item_id": item,
            "reporter_id": reporter,
            "reason": "convention",
            "article": 4,
            "text": "乱扔烟头",
            "counts": True,
            "open": True,
            "created_at": at,
        },
    )

    await db.migrate(at_0014)

    stored = await Report.all().values_list(
        "item_id", "reporter_id", "reason", "text", "article_ref"
    )
    assert stored == [(item, reporter, "convention", "乱扔烟头", "")]
    # SQLite rebuilds the table: one report per person and item must hold after it.
    with pytest.raises(IntegrityError):
        await Report.create(item_id=item, reporter_id=reporter, reason="spam", created_at=at)
    assert await db.pending_migrations(at_0014) == []
