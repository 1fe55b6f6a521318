"""Work done on a clock rather than on a request: each capability's periodic jobs, run by
every worker on its own timer (``scheduled``, from the app's lifespan) or once by
`huakai follow-up` (for a cron job instead). Each job is idempotent (what it sends is claimed
with a conditional update), so several workers do no harm. A new capability with periodic
work adds its job here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime

import participation.capabilities  # noqa: F401 - the notice kinds the jobs send
from participation.accounts import jobs as accounts_jobs
from participation.conventions import jobs as conventions_jobs
from participation.core.clock import Clock, utc_now
from participation.plots import jobs as plots_jobs

log = logging.getLogger("huakai.jobs")

Job = Callable[[datetime], Awaitable[str]]
JOBS: tuple[Job, ...] = (
    plots_jobs.follow_up,
    conventions_jobs.count_closed_votes,
    conventions_jobs.remind_closing_votes,
    accounts_jobs.forget_expired,
)


async def run_all(now: datetime) -> list[str]:
    """Every job once, at ``now``; a job that fails is logged and the others still run."""
    reports = []
    for job in JOBS:
        try:
            reports.append(await job(now))
        except Exception:
            log.exception("job %s failed", job.__qualname__)
    return reports


async def _every(minutes: int, clock: Clock) -> None:
    while True:
        # First run after one interval: a worker that starts and stops (tests, deploys) is quiet.
        await asyncio.sleep(minutes * 60)
        for report in await run_all(clock()):
            log.info(report)


@asynccontextmanager
async def scheduled(minutes: int, clock: Clock = utc_now) -> AsyncIterator[None]:
    """Runs every job every ``minutes`` while the app runs (0: never)."""
    if minutes <= 0:
        yield
        return
    task = asyncio.create_task(_every(minutes, clock))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
