"""Database wiring: tortoise configuration, start-up, migrations and the health probe."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.fields.data import DatetimeField
from tortoise.migrations.executor import MigrationExecutor
from tortoise.models import Model
from tortoise.transactions import in_transaction

from participation.errors import Busy

log = logging.getLogger(__name__)

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
    _close_loop_connections()
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


async def claim_once(
    conn: BaseDBAsyncClient, model: type[Model], row_id: int, stamp: str, now: datetime
) -> bool:
    """Stamps ``now`` in the row's ``stamp`` column unless it is stamped already, and says
    whether this call did: of several workers running the same follow-up at once, one does
    each piece of it (the others' conditional updates change nothing)."""
    changed = (
        await model.filter(id=row_id, **{f"{stamp}__isnull": True})
        .using_db(conn)
        .update(**{stamp: now})
    )
    return bool(changed)


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

    On SQLite the whole transaction runs in one go, without yielding to the event loop: the
    write lock (one per database) is then held for the statements alone, not for a round trip
    through the loop between each of them while other requests queue behind it. It runs on
    the loop's own thread when the lock is free at once (a ballot takes about a quarter of a
    millisecond; a hop to aiosqlite's thread and back cost several times that), else on
    aiosqlite's thread, which waits for the lock. On PostgreSQL the statements go one by one,
    as every other transaction does.
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
    writer = _loop_connection(client, "write")
    if writer is not None and _begin_immediate(writer):
        with _sqlite_errors():
            result: T = _run_begun(writer, steps)
        _checkpoint_now_and_then(writer)
        return result
    # The client's lock keeps tortoise's own transactions and queries off the connection.
    async with client.acquire_connection() as connection:
        with _sqlite_errors():
            return await connection._execute(_run_on_sqlite, connection._conn, steps)


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    try:
        yield
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


def _begin_immediate(conn: sqlite3.Connection) -> bool:
    """Takes the write lock now or not at all (the connection waits for no lock)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    return True


def _run_on_sqlite(conn: sqlite3.Connection, steps: Steps[T]) -> T:
    # IMMEDIATE takes the write lock first: a read that later writes cannot then fail halfway
    # because another worker process wrote in between.
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
    reader = _loop_connection(client, "read") if isinstance(client, SqliteClient) else None
    if reader is not None:
        found = reader.execute(sql, params).fetchone()
        return _model_from_sqlite(model, dict(found)) if found else None
    rows = await fetch_all(sql, params)
    return model._init_from_db(**rows[0]) if rows else None


def _model_from_sqlite(model: type[M], values: dict[str, Any]) -> M:
    # SQLite keeps timestamps as ISO text; the standard library reads it several times faster
    # than tortoise's pure-Python ISO 8601 parser, and tortoise then takes the datetime as is.
    for column in _datetime_columns(model):
        text = values[column]
        if text is not None:
            values[column] = datetime.fromisoformat(text)
    return model._init_from_db(**values)


@functools.cache
def _datetime_columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(
        field.source_field or name
        for name, field in model._meta.fields_map.items()
        if isinstance(field, DatetimeField)
    )


# Per event loop thread and role ("read", "write"): a connection of its own to the SQLite file,
# and which file it is (path, device, inode: a test may put a new database where an old one
# was).
_LOOP_CONNECTIONS: dict[tuple[int, str], tuple[tuple[str, int, int], sqlite3.Connection]] = {}


def _loop_connection(client: SqliteClient, role: str) -> sqlite3.Connection | None:
    """A connection used on the event loop's own thread, for work that takes SQLite some
    microseconds, where sending it to aiosqlite's thread and back costs far more (a queue, a
    thread switch, the GIL, waking the loop):

    - "read": point lookups made on nearly every request (the signed-in user, the community).
      WAL lets it read while another connection writes; it sees every committed change.
    - "write": short transactions of db.run_steps. It never waits for the write lock: when
      another connection holds it, the transaction goes to aiosqlite's thread, which waits
      there without blocking the loop. It checkpoints on its own schedule (see
      ``_checkpoint_now_and_then``).
    """
    path = client.filename
    if path == ":memory:":
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_dev, stat.st_ino)
    slot = (threading.get_ident(), role)
    held = _LOOP_CONNECTIONS.get(slot)
    if held is not None and held[0] == key:
        return held[1]
    if held is not None:
        held[1].close()
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    if role == "read":
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_READ_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = 1")
    else:
        for pragma, value in client.pragmas.items():
            if pragma not in ("busy_timeout", "journal_mode"):
                conn.execute(f"PRAGMA {pragma} = {value}")
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    _LOOP_CONNECTIONS[slot] = (key, conn)
    return conn


# The loop's writer checkpoints (copies the write-ahead log into the database file and syncs
# the disk) itself, every so many commits: about seven hundred pages of log, some milliseconds,
# as SQLite's automatic checkpoint does inside a commit. Done elsewhere, in a thread beside
# the busy loop, it took a hundred times longer and never caught up with the writes, so the
# log grew without end.
CHECKPOINT_EVERY_COMMITS = 100
_commits_since_checkpoint = 0


def _checkpoint_now_and_then(writer: sqlite3.Connection) -> None:
    global _commits_since_checkpoint
    _commits_since_checkpoint += 1
    if _commits_since_checkpoint >= CHECKPOINT_EVERY_COMMITS:
        _commits_since_checkpoint = 0
        # PASSIVE waits for no one; what a reader still uses is copied next time. The commit
        # before it stands whatever happens here, so a failure is only logged.
        try:
            writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            log.warning("SQLite checkpoint failed; the next one will retry", exc_info=True)


def _close_loop_connections() -> None:
    thread = threading.get_ident()
    for slot in [slot for slot in _LOOP_CONNECTIONS if slot[0] == thread]:
        _LOOP_CONNECTIONS.pop(slot)[1].close()
