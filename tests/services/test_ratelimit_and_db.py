"""Database-backed rate limits, audit rows, and the database wiring itself."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from participation.audit.models import AuditEntry
from participation.audit.queries import list_audit
from participation.audit.services import record
from participation.core import db
from participation.core.errors import Busy, RateLimited
from participation.ratelimit.models import RateLimitWindow
from participation.ratelimit.services import hit, purge_before

# A window boundary: 1_800_000_000 is divisible by 60, 300 and 900.
BOUNDARY = datetime.fromtimestamp(1_800_000_000, UTC)


async def test_limit_plus_first_hit_is_refused_until_the_window_ends(database: str) -> None:
    key = "login:203.0.113.7"
    for second in range(5):
        await hit(key, limit=5, window_seconds=60, now=BOUNDARY + timedelta(seconds=second))
    with pytest.raises(RateLimited) as caught:
        await hit(key, limit=5, window_seconds=60, now=BOUNDARY + timedelta(seconds=10))
    assert caught.value.retry_after == 50
    # Refused hits keep counting, and the wait is at least a second.
    with pytest.raises(RateLimited) as caught:
        await hit(key, limit=5, window_seconds=60, now=BOUNDARY + timedelta(seconds=59.9))
    assert caught.value.retry_after == 1
    assert (await RateLimitWindow.get(key=key)).hits == 7


async def test_a_new_window_starts_afresh(database: str) -> None:
    for _ in range(2):
        await hit("k", limit=2, window_seconds=60, now=BOUNDARY)
    with pytest.raises(RateLimited):
        await hit("k", limit=2, window_seconds=60, now=BOUNDARY + timedelta(seconds=59))
    await hit("k", limit=2, window_seconds=60, now=BOUNDARY + timedelta(seconds=60))
    await hit("k", limit=2, window_seconds=60, now=BOUNDARY + timedelta(seconds=61))


async def test_keys_are_counted_independently(database: str) -> None:
    await hit("redeem:1", limit=1, window_seconds=60, now=BOUNDARY)
    await hit("redeem:2", limit=1, window_seconds=60, now=BOUNDARY)
    await hit("login:203.0.113.7", limit=1, window_seconds=60, now=BOUNDARY)
    with pytest.raises(RateLimited):
        await hit("redeem:1", limit=1, window_seconds=60, now=BOUNDARY)
    assert await RateLimitWindow.filter(hits=1).count() == 2


async def test_parallel_hits_let_exactly_the_limit_through(database: str) -> None:
    results = await asyncio.gather(
        *(hit("burst", limit=10, window_seconds=60, now=BOUNDARY) for _ in range(25)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 10
    assert all(isinstance(r, RateLimited) for r in results if r is not None)
    assert (await RateLimitWindow.get(key="burst")).hits == 25


async def test_purge_removes_only_windows_before_the_cutoff(database: str) -> None:
    await hit("k", limit=9, window_seconds=60, now=BOUNDARY - timedelta(hours=2))
    await hit("k", limit=9, window_seconds=60, now=BOUNDARY)
    assert await purge_before(BOUNDARY - timedelta(hours=1)) == 1
    [kept] = await RateLimitWindow.all()
    assert kept.window_start == int(BOUNDARY.timestamp())


async def test_audit_rows_keep_before_after_and_utc_time_newest_first(database: str) -> None:
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    async with db.transaction() as conn:
        await record(
            conn,
            actor_id=7,
            community_id=3,
            action="communities.set_role",
            target="user:9",
            at=at,
            before={"committee": False, "label": "<script>"},
            after={"committee": True, "label": "玉林东路"},
        )
    for n in range(3):
        async with db.transaction() as conn:
            await record(conn, actor_id=n, community_id=4, action="a", target="t", at=at)
    [entry] = await list_audit(3)
    assert entry.at == at
    assert entry.before == {"committee": False, "label": "<script>"}
    assert entry.after == {"committee": True, "label": "玉林东路"}
    assert [e.actor_id for e in await list_audit(4, limit=2)] == [2, 1]  # newest first
    assert await list_audit(5) == []


async def test_audit_row_is_rolled_back_with_its_transaction(database: str) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await record(
                conn,
                actor_id=1,
                community_id=1,
                action="x",
                target="y",
                at=datetime.now(UTC),
            )
            raise RuntimeError("the change failed")
    assert await AuditEntry.all().count() == 0


async def test_migrated_database_answers_and_has_nothing_pending(database: str) -> None:
    assert await db.ping()
    assert await db.pending_migrations(database) == []
    await db.require_migrated(database)


async def test_point_lookups_read_what_the_orm_wrote(database: str) -> None:
    """The signed-in user and the community are read with plain SQL on every request (on
    SQLite on the event loop's thread): the same values as the ORM's, timestamps aware and in
    UTC, JSON and booleans as the ORM gives them."""
    from participation.accounts.models import User
    from participation.accounts.queries import get_signed_in_user
    from participation.communities.models import Community
    from participation.communities.queries import get_community

    at = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
    user = await User.create(display_name="张阿姨", created_at=at, is_admin=True, locale="en")
    community = await Community.create(
        slug="yulin",
        name="玉林东路社区",
        created_at=at,
        custom_categories=["<b>花</b>"],
        verify_by_code=False,
    )
    signed_in = await get_signed_in_user(user.id, user.session_version)
    assert signed_in is not None
    assert (signed_in.id, signed_in.display_name, signed_in.locale, signed_in.is_admin) == (
        user.id,
        "张阿姨",
        "en",
        True,
    )
    assert await get_signed_in_user(user.id + 1000, 1) is None
    info = await get_community("yulin")
    loaded = await Community.get(id=community.id)
    for name in (
        "id", "slug", "name", "timezone", "default_locale", "verify_by_code", "verify_by_request",
        "household_member_cap", "support_threshold", "hidden_categories", "custom_categories",
        "lapse_days", "lapse_grace_days", "auto_approve_adoptions", "created_at",
    ):  # fmt: skip
        assert getattr(info, name) == getattr(loaded, name), name
    assert info.verify_by_code is False and info.custom_categories == ["<b>花</b>"]
    assert info.created_at == at and info.created_at.utcoffset() == timedelta(0)


async def test_empty_database_is_reported_as_not_migrated(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'sub' / 'empty.sqlite3'}"
    await db.connect(url)
    try:
        with pytest.raises(db.NotMigrated, match="huakai migrate"):
            await db.require_migrated(url)
    finally:
        await db.disconnect()


async def test_locked_sqlite_database_is_busy_and_writes_nothing(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "locked.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite://{path}?busy_timeout=50&journal_mode=WAL"
    await db.connect(url)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(Busy):
            await hit("k", limit=5, window_seconds=60, now=BOUNDARY)
        other.execute("ROLLBACK")
        assert await RateLimitWindow.all().count() == 0
        # Once the lock is gone, a retry goes through.
        await hit("k", limit=5, window_seconds=60, now=BOUNDARY)
        assert (await RateLimitWindow.get(key="k")).hits == 1
    finally:
        other.close()
        await db.disconnect()
