"""SQLite connections of the event loop's own thread, for work that takes SQLite some
microseconds where a hop to aiosqlite's thread and back costs far more (a queue, a thread
switch, the GIL, waking the loop):

- "read": point lookups made on nearly every request (the signed-in user, the community).
  WAL lets it read while another connection writes; it sees every committed change.
- "write": short transactions of run_steps (core/db/steps.py). It never waits for the write
  lock: when another connection holds it, the transaction goes to a thread that waits there
  without blocking the loop. It checkpoints on its own schedule (``checkpoint_now_and_then``).

Plain ``sqlite3``, opened on the file the ORM was opened on: nothing of tortoise's inside.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

from participation.core.db.config import SQLITE_PRAGMAS, SQLITE_READ_TIMEOUT_MS

log = logging.getLogger(__name__)

# The SQLite file of the open database (None on PostgreSQL): set by connect().
_file: str | None = None

# Per event loop thread and role ("read", "write", "waiting"): a connection of its own to the
# SQLite file, and which file it is (path, device, inode: a test may put a new database where
# an old one was).
_CONNECTIONS: dict[tuple[int, str], tuple[tuple[str, int, int], sqlite3.Connection]] = {}


def use_file(path: str | None) -> None:
    global _file
    _file = path


def loop_connection(role: str) -> sqlite3.Connection | None:
    """This thread's connection for ``role``, or None when the database is not a SQLite file."""
    if _file is None:
        return None
    try:
        stat = os.stat(_file)
    except OSError:
        return None
    key = (_file, stat.st_dev, stat.st_ino)
    slot = (threading.get_ident(), role)
    held = _CONNECTIONS.get(slot)
    if held is not None and held[0] == key:
        return held[1]
    if held is not None:
        held[1].close()
    conn = _open(_file, role)
    _CONNECTIONS[slot] = (key, conn)
    return conn


def waiting_writer() -> sqlite3.Connection | None:
    """The one connection that waits for the write lock (busy timeout), used from a worker
    thread, one transaction at a time (steps.py serialises them)."""
    if _file is None:
        return None
    return loop_connection("waiting")


def _open(path: str, role: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=role != "waiting")
    conn.row_factory = sqlite3.Row
    if role == "read":
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_READ_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = 1")
        return conn
    for pragma, value in SQLITE_PRAGMAS.items():
        if pragma not in ("busy_timeout", "journal_mode"):
            conn.execute(f"PRAGMA {pragma} = {value}")
    if role == "write":
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    else:
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']}")
    return conn


# The loop's writer checkpoints (copies the write-ahead log into the database file and syncs
# the disk) itself, every so many commits: about seven hundred pages of log, some milliseconds,
# as SQLite's automatic checkpoint does inside a commit. Done elsewhere, in a thread beside
# the busy loop, it took a hundred times longer and never caught up with the writes, so the
# log grew without end.
CHECKPOINT_EVERY_COMMITS = 100
_commits_since_checkpoint = 0


def checkpoint_now_and_then(writer: sqlite3.Connection) -> None:
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


def close_loop_connections() -> None:
    """This thread's connections, and the waiting writer (whichever thread opened it)."""
    thread = threading.get_ident()
    for slot in [slot for slot in _CONNECTIONS if slot[0] == thread or slot[1] == "waiting"]:
        _CONNECTIONS.pop(slot)[1].close()
