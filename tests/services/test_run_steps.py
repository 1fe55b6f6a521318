"""db.run_steps: a transaction written as steps runs all or nothing, on both backends."""

from __future__ import annotations

import asyncio
import contextvars
import time

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from participation.communities.models import Household
from participation.core import db
from participation.core.db import Sql, Steps, fast, run_steps
from participation.core.errors import Invalid
from tests.support import World


def _households(community_id: int, labels: list[str], fail_after: bool = False) -> Steps[list[int]]:
    ids = []
    for label in labels:
        done = yield Sql(
            "INSERT INTO household (community_id, label, verified_count) VALUES (?, ?, 0) "
            "RETURNING id",
            [community_id, label],
        )
        ids.append(done.rows[0]["id"])
    counted = yield Sql(
        "SELECT count(*) AS n FROM household WHERE community_id = ?", [community_id]
    )
    assert counted.rows[0]["n"] == len(labels)
    changed = yield Sql(
        "UPDATE household SET verified_count = 1 WHERE community_id = ?", [community_id]
    )
    assert changed.changed == len(labels)
    if fail_after:
        raise Invalid("stop here")
    return ids


async def test_every_statement_commits_and_each_is_fed_its_result(world: World) -> None:
    ids = await run_steps(_households(world.community.id, ["1栋101", "1栋102"]))
    rows = await Household.filter(community_id=world.community.id).order_by("id")
    assert [row.id for row in rows] == ids
    assert [(row.label, row.verified_count) for row in rows] == [("1栋101", 1), ("1栋102", 1)]


async def test_an_error_raised_between_steps_undoes_them_all(world: World) -> None:
    with pytest.raises(Invalid):
        await run_steps(_households(world.community.id, ["1栋101"], fail_after=True))
    assert not await Household.filter(community_id=world.community.id).exists()


async def test_a_unique_violation_is_tortoises_integrity_error_and_undoes_the_rest(
    world: World,
) -> None:
    with pytest.raises(IntegrityError):
        await run_steps(_households(world.community.id, ["2栋201", "2栋201"]))
    assert not await Household.filter(community_id=world.community.id).exists()
    # The connection is usable afterwards, inside and outside steps.
    await run_steps(_households(world.community.id, ["2栋201"]))
    assert await Household.filter(community_id=world.community.id).count() == 1


async def test_steps_wait_for_a_transaction_holding_the_lock_and_the_loop_runs_meanwhile(
    world: World,
) -> None:
    """On SQLite the steps run on the loop's thread only when the write lock is free at once;
    otherwise they wait on a worker thread. On PostgreSQL they wait for the row lock."""
    outside = contextvars.copy_context()  # another request's, not the transaction's below
    async with db.transaction() as conn:
        await conn.execute_query(
            db.placeholders("UPDATE community SET name = ? WHERE id = ?"),
            ["等一等", world.community.id],
        )
        waiting = asyncio.create_task(
            run_steps(_renamed(world.community.id, "后来者")), context=outside
        )
        started = time.monotonic()
        for _ in range(5):
            await asyncio.sleep(0.01)
        # The loop was never held up waiting for the lock (SQLite would wait 5 s for it).
        assert time.monotonic() - started < 1
        assert not waiting.done()
    assert await waiting == 1
    assert (await _community_name(world.community.id)) == "后来者"


def _renamed(community_id: int, name: str) -> Steps[int]:
    done = yield Sql("UPDATE community SET name = ? WHERE id = ?", [name, community_id])
    return done.changed


async def _community_name(community_id: int) -> str:
    rows = await db.fetch_all("SELECT name FROM community WHERE id = ?", [community_id])
    return str(rows[0]["name"])


async def test_the_write_ahead_log_is_checkpointed_as_steps_commit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's writer checkpoints every so many commits, so the log starts afresh instead
    of growing with every write."""
    if db.is_postgres():
        pytest.skip("PostgreSQL has no write-ahead log file of ours to keep small")
    monkeypatch.setattr(fast, "CHECKPOINT_EVERY_COMMITS", 5)
    for i in range(60):
        await run_steps(_renamed(world.community.id, f"第{i}次"))
    client = connections.get(next(iter(connections.db_config)))
    _busy, frames_in_log, _copied = (await client.execute_query("PRAGMA wal_checkpoint(PASSIVE)"))[
        1
    ][0]
    # One commit here writes a frame or two; sixty without checkpoints leave over sixty.
    assert frames_in_log <= 15
