"""Database wiring: tortoise configuration, start-up, migrations and the health probe."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Generator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.migrations.executor import MigrationExecutor
from tortoise.models import Model
from tortoise.transactions import in_transaction

from participation.errors import Busy

APP_LABEL = "huakai"
MODEL_MODULES = [
    "participation.accounts.models",
    "participation.communities.models",
    "participation.audit.models",
    "participation.ratelimit.models",
    "participation.notifications.models",
    "participation.proposals.models",
    "participation.media.models",
    "participation.voting.models",
    "participation.plots.models",
]
SQLITE_BUSY_TIMEOUT_MS = 5000
# A lookup on the event loop's thread waits at most this long for a lock (WAL readers almost
# never wait); it blocks the whole worker while it waits.
SQLITE_READ_TIMEOUT_MS = 200


def connection_label(database_url: str) -> str:
    """One label per backend: tortoise caches SQL per label, and the dialects differ."""
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def _normalise_url(database_url: str) -> str:
    if database_url.startswith("sqlite://") and "busy_timeout" not in database_url:
        sep = "&" if "?" in database_url else "?"
        # WAL with synchronous=NORMAL: a commit survives the app crashing (it is in the WAL);
        # only an OS crash or power cut may lose the last moments of writes, never corrupt the
        # file. FULL fsyncs every commit and halved ballot throughput. PostgreSQL is the
        # choice where even that matters.
        pragmas = f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}&journal_mode=WAL&synchronous=NORMAL"
        return f"{database_url}{sep}{pragmas}"
    return database_url


def tortoise_config(database_url: str) -> dict[str, Any]:
    label = connection_label(database_url)
    return {
        "connections": {label: _normalise_url(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": label,
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by `tortoise makemigrations` (see [tool.tortoise] in pyproject.toml).
TORTOISE_ORM = tortoise_config("sqlite://var/makemigrations.sqlite3")


class NotMigrated(RuntimeError):
    """The database lacks migrations this code needs."""


async def connect(database_url: str, *, global_fallback: bool = True) -> TortoiseContext:
    """Open the ORM. Requests run in other tasks than the lifespan, hence the global fallback."""
    _ensure_sqlite_dir(database_url)
    return await Tortoise.init(
        config=tortoise_config(database_url), _enable_global_fallback=global_fallback
    )


async def disconnect() -> None:
    """Close connections and release the global fallback, so the next connect() starts clean."""
    _close_reader()
    await Tortoise.close_connections()


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://"):
        from pathlib import Path

        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


async def pending_migrations(database_url: str) -> list[str]:
    """Names of migrations not yet applied (needs an open connection)."""
    config = tortoise_config(database_url)
    label = connection_label(database_url)
    executor = MigrationExecutor(connections.get(label), config["apps"])
    steps = await executor.plan(None)
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


async def migrate(database_url: str) -> list[str]:
    """Apply every pending migration; returns the names applied."""
    config = tortoise_config(database_url)
    label = connection_label(database_url)
    executor = MigrationExecutor(connections.get(label), config["apps"])
    applied = [f"{s.migration.app_label}.{s.migration.name}" for s in await executor.plan(None)]
    await executor.migrate(None)
    return applied


async def require_migrated(database_url: str) -> None:
    missing = await pending_migrations(database_url)
    if missing:
        raise NotMigrated(
            "The database is not migrated (pending: "
            + ", ".join(missing)
            + "). Run `huakai migrate` first."
        )


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        conn = connections.get(next(iter(connections.db_config)))
        await conn.execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - health reports any failure as down
        return False
    return True


_BUSY_MARKERS = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not serialize",
    "lock timeout",
)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One short write transaction; a lock held too long becomes ``Busy`` (HTTP 503)."""
    try:
        async with in_transaction() as conn:
            yield conn
    except OperationalError as exc:
        if any(marker in str(exc).lower() for marker in _BUSY_MARKERS):
            raise Busy() from exc
        raise


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
# A transaction written as a generator: it yields each statement, is sent what the statement
# gave back, and returns its result. Plain Python in between decides the next statement.
Steps = Generator[Sql, Done, T]


async def run_steps(steps: Steps[T]) -> T:
    """Run ``steps`` as one write transaction; any exception rolls it all back.

    On SQLite the whole transaction runs in one call on the database thread: the write lock
    (one per database) is then held for the statements alone, not for an event-loop round trip
    between each of them while other requests queue behind it. On PostgreSQL the statements
    go one by one, as every other transaction does.
    """
    client = connections.get(next(iter(connections.db_config)))
    if not isinstance(client, SqliteClient):
        async with transaction() as conn:
            done: Done | None = None
            while True:
                try:
                    statement = next(steps) if done is None else steps.send(done)
                except StopIteration as stop:
                    return stop.value
                done = await _run_on_postgres(conn, statement)
    # The client's lock keeps tortoise's own transactions and queries off the connection.
    async with client.acquire_connection() as connection:
        try:
            result: T = await connection._execute(_run_on_sqlite, connection._conn, steps)
            return result
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            if any(marker in str(exc).lower() for marker in _BUSY_MARKERS):
                raise Busy() from exc
            raise OperationalError(exc) from exc


async def _run_on_postgres(conn: BaseDBAsyncClient, statement: Sql) -> Done:
    sql, params = _placeholders(statement.text), list(statement.params)
    if " RETURNING " in sql:  # tortoise's execute_query drops the rows of a write
        rows = await conn.execute_query_dict(sql, params)
        return Done(rows, len(rows))
    changed, written = await conn.execute_query(sql, params)
    return Done([dict(row) for row in written], int(changed))


def _run_on_sqlite(conn: sqlite3.Connection, steps: Steps[T]) -> T:
    # IMMEDIATE takes the write lock first: a read that later writes cannot then fail halfway
    # because another worker process wrote in between.
    conn.execute("BEGIN IMMEDIATE")
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


def _placeholders(sql: str) -> str:
    if not is_postgres():
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" if i < len(parts) else part for i, part in enumerate(parts, 1))


async def fetch_all(
    sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """A query in plain SQL with ``?`` placeholders, for hot paths where the ORM's query
    building costs several times the query itself; on ``conn`` inside a transaction.
    Returns plain dicts."""
    client = conn or connections.get(next(iter(connections.db_config)))
    return await client.execute_query_dict(_placeholders(sql), params)


async def execute(conn: BaseDBAsyncClient, sql: str, params: list[Any]) -> int:
    """A write in plain SQL with ``?`` placeholders on ``conn``; returns the rows it changed."""
    changed, _rows = await conn.execute_query(_placeholders(sql), params)
    return int(changed)


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``text`` anywhere, its own % and _ literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def is_postgres() -> bool:
    return next(iter(connections.db_config)) == "postgres"


def as_datetime(value: datetime | str) -> datetime:
    """A timestamp read with plain SQL: PostgreSQL gives datetimes, SQLite ISO text (UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


M = TypeVar("M", bound=Model)


async def fetch_one(model: type[M], where: str, params: list[Any]) -> M | None:
    """One row of ``model``'s table in plain SQL, built into a model instance: for lookups
    made on nearly every request (the signed-in user, the community), where the ORM's query
    building costs more than the query."""
    table = model._meta.db_table
    sql = f'SELECT * FROM "{table}" WHERE {where} LIMIT 1'  # noqa: S608
    client = connections.get(next(iter(connections.db_config)))
    reader = _sqlite_reader(client) if isinstance(client, SqliteClient) else None
    if reader is not None:
        found = reader.execute(sql, params).fetchone()
        return model._init_from_db(**dict(found)) if found else None
    rows = await fetch_all(sql, params)
    return model._init_from_db(**rows[0]) if rows else None


# Per thread (each event loop's own): a read-only connection to the SQLite file, and which
# file it is (path, device, inode: a test may put a new database where an old one was).
_READERS: dict[int, tuple[tuple[str, int, int], sqlite3.Connection]] = {}


def _sqlite_reader(client: SqliteClient) -> sqlite3.Connection | None:
    """A point lookup by key takes SQLite some microseconds; sending it to aiosqlite's thread
    and back costs far more (a queue, a thread switch, the GIL, waking the loop), and the
    signed-in user and the community are looked up on every request. So these lookups read
    on the event loop's own thread, through a read-only connection of its own. WAL lets it
    read while another connection writes; it sees every committed change."""
    path = client.filename
    if path == ":memory:":
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_dev, stat.st_ino)
    thread = threading.get_ident()
    held = _READERS.get(thread)
    if held is not None and held[0] == key:
        return held[1]
    if held is not None:
        held[1].close()
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    reader.row_factory = sqlite3.Row
    reader.execute(f"PRAGMA busy_timeout = {SQLITE_READ_TIMEOUT_MS}")
    reader.execute("PRAGMA query_only = 1")
    _READERS[thread] = (key, reader)
    return reader


def _close_reader() -> None:
    held = _READERS.pop(threading.get_ident(), None)
    if held is not None:
        held[1].close()
