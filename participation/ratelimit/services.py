"""Fixed-window rate limits kept in the database, so every worker shares one count."""

from __future__ import annotations

import math
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from participation.core.db import transaction
from participation.core.errors import RateLimited
from participation.ratelimit.models import RateLimitWindow


async def hit(key: str, *, limit: int, window_seconds: int, now: datetime) -> None:
    """Count one attempt for ``key``; raise RateLimited once ``limit`` is passed in the window."""
    epoch = now.timestamp()
    window_start = int(epoch // window_seconds) * window_seconds
    key = key[:160]
    async with transaction() as conn:
        updated = (
            await RateLimitWindow.filter(key=key, window_start=window_start)
            .using_db(conn)
            .update(hits=F("hits") + 1)
        )
        if not updated:
            try:
                async with transaction() as inner:
                    await RateLimitWindow.create(
                        key=key, window_start=window_start, hits=1, using_db=inner
                    )
            except IntegrityError:
                await (
                    RateLimitWindow.filter(key=key, window_start=window_start)
                    .using_db(conn)
                    .update(hits=F("hits") + 1)
                )
        row = await RateLimitWindow.filter(key=key, window_start=window_start).using_db(conn).get()
    if row.hits > limit:
        raise RateLimited(retry_after=max(1, math.ceil(window_start + window_seconds - epoch)))


async def purge_before(cutoff: datetime) -> int:
    return await RateLimitWindow.filter(window_start__lt=int(cutoff.timestamp())).delete()
