"""Work done on a clock rather than on a request: the lapse follow-up of adopted plots.

Each worker runs it on its own timer; it is idempotent (a warning or prompt is claimed with
a conditional update), so several workers do no harm. `huakai follow-up` runs it once, for a
cron job instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime

from participation.plots.care import follow_up_lapses

log = logging.getLogger("huakai.housekeeping")


async def follow_up(now: datetime | None = None) -> str:
    report = await follow_up_lapses(now or datetime.now(UTC))
    return f"lapse follow-up: {report.warned} teams warned, {report.prompted} committees asked"


async def _every(minutes: int) -> None:
    while True:
        # First run after one interval: a worker that starts and stops (tests, deploys) is quiet.
        await asyncio.sleep(minutes * 60)
        try:
            log.info(await follow_up())
        except Exception:
            log.exception("lapse follow-up failed")


@asynccontextmanager
async def housekeeping(minutes: int) -> AsyncIterator[None]:
    """Runs the follow-up every ``minutes`` while the app runs (0: never)."""
    if minutes <= 0:
        yield
        return
    task = asyncio.create_task(_every(minutes))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
