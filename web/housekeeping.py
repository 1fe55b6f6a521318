"""Work done on a clock rather than on a request: the follow-up of adopted plots (lapses of
care, terms that end soon, and this week's rota).

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

from participation.accounts.kept import forget_expired_results
from participation.plots.adoption import remind_terms_ending
from participation.plots.care import follow_up_lapses, remind_rota

log = logging.getLogger("huakai.housekeeping")


async def follow_up(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    report = await follow_up_lapses(moment)
    reminded = await remind_terms_ending(moment)
    on_rota = await remind_rota(moment)
    await forget_expired_results(moment)
    return (
        f"plot follow-up: {report.warned} teams warned, {report.prompted} committees asked, "
        f"{reminded} teams reminded of their term's end, {on_rota} members of their rota week"
    )


async def _every(minutes: int) -> None:
    while True:
        # First run after one interval: a worker that starts and stops (tests, deploys) is quiet.
        await asyncio.sleep(minutes * 60)
        try:
            log.info(await follow_up())
        except Exception:
            log.exception("plot follow-up failed")


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
