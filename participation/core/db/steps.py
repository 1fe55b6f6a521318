"""Transactions written as steps: the one way the busiest writes (ballots) reach the database.

A transaction is a generator: it yields each statement (``Sql``), is sent what the statement
gave back (``Done``), and returns its result; plain Python in between decides the next
statement. ``run_steps`` runs it as one transaction on either backend.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

from participation.core.db import fast
from participation.core.db.connection import is_postgres
from participation.core.db.sql import placeholders
from participation.core.db.transactions import is_busy, transaction
from participation.core.errors import Busy


@dataclass(frozen=True)
class Sql:
    """One statement in plain SQL with ``?`` placeholders, and its parameters."""

    text: str
    params: Sequence[Any] = ()


@dataclass(frozen=True)
class Done:
    """What a statement gave back: its rows (as dicts) and how many rows it changed."""

    rows: list[dict[str, Any]]
    changed: int


T = TypeVar("T")
Steps = Generator[Sql, Done, T]

# One transaction at a time waits for SQLite's write lock on the waiting connection.
_waiting = threading.Lock()


async def run_steps(steps: Steps[T]) -> T:
    """Run ``steps`` as one write transaction; any exception rolls it all back.

    On SQLite the whole transaction runs in one go, without yielding to the event loop: the
    write lock (one per database) is then held for the statements alone, not for a round trip
    through the loop between each of them while other requests queue behind it. It runs on
    the loop's own thread when the lock is free at once (a ballot takes about a quarter of a
    millisecond), else in a worker thread on a connection that waits for the lock (held by an
    ORM transaction or another process), so the loop never waits. On PostgreSQL the
    statements go one by one, as every other transaction does.
    """
    if is_postgres():
        return await _run_on_orm(steps)
    writer = fast.loop_connection("write")
    if writer is not None and _begin_immediate(writer):
        with _sqlite_errors():
            result: T = _run_begun(writer, steps)
        fast.checkpoint_now_and_then(writer)
        return result
    waiting = fast.waiting_writer()
    if waiting is None:  # an in-memory database: the ORM's own transaction
        return await _run_on_orm(steps)
    with _sqlite_errors():
        return await asyncio.to_thread(_run_waiting, waiting, steps)


async def _run_on_orm(steps: Steps[T]) -> T:
    async with transaction() as conn:
        done: Done | None = None
        while True:
            try:
                statement = next(steps) if done is None else steps.send(done)
            except StopIteration as stop:
                return stop.value
            done = await _execute(conn, statement)


async def _execute(conn: BaseDBAsyncClient, statement: Sql) -> Done:
    sql, params = placeholders(statement.text), list(statement.params)
    if " RETURNING " in sql:  # tortoise's execute_query drops the rows of a write
        rows = await conn.execute_query_dict(sql, params)
        return Done(rows, len(rows))
    changed, written = await conn.execute_query(sql, params)
    return Done([dict(row) for row in written], int(changed))


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """sqlite3's errors as the ORM raises them, a lock held too long as ``Busy``."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(exc) from exc
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise Busy() from exc
        raise OperationalError(exc) from exc


def _begin_immediate(conn: sqlite3.Connection) -> bool:
    """Takes the write lock now or not at all (the loop's writer waits for no lock)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    return True


def _run_waiting(conn: sqlite3.Connection, steps: Steps[T]) -> T:
    # IMMEDIATE takes the write lock first: a read that later writes cannot then fail halfway
    # because another connection wrote in between.
    with _waiting:
        conn.execute("BEGIN IMMEDIATE")
        return _run_begun(conn, steps)


def _run_begun(conn: sqlite3.Connection, steps: Steps[T]) -> T:
    try:
        done: Done | None = None
        while True:
            try:
                statement = next(steps) if done is None else steps.send(done)
            except StopIteration as stop:
                conn.execute("COMMIT")
                return stop.value
            cursor = conn.execute(statement.text, list(statement.params))
            done = Done([dict(row) for row in cursor.fetchall()], cursor.rowcount)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
