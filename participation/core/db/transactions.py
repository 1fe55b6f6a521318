"""Short write transactions through the ORM, and one-time claims by conditional update."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from participation.core.errors import Busy

BUSY_MARKERS = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not serialize",
    "lock timeout",
)


def is_busy(error: Exception) -> bool:
    """A lock held too long by someone else (SQLite's busy timeout, PostgreSQL's locks)."""
    return any(marker in str(error).lower() for marker in BUSY_MARKERS)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One short write transaction; a lock held too long becomes ``Busy`` (HTTP 503)."""
    try:
        async with in_transaction() as conn:
            yield conn
    except OperationalError as exc:
        if is_busy(exc):
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
