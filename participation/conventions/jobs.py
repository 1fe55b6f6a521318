"""The conventions' periodic work, run by the scheduler (participation/jobs.py) or `huakai
follow-up`: votes that have closed are counted, each once, and voters who have not voted are
told a day before a vote closes, once (both claim the vote with a conditional update, so
several workers running this at once do each once)."""

from __future__ import annotations

from datetime import datetime

from participation.conventions.services import (
    count_ratification,
    due_ratifications,
    remind_closing,
)
from participation.core.errors import Conflict


async def count_closed_votes(now: datetime) -> str:
    counted = 0
    for community_id, ratification_id in await due_ratifications(now):
        try:
            await count_ratification(None, community_id, ratification_id, now=now)
        except Conflict:
            continue  # another worker counted it meanwhile
        counted += 1
    return f"conventions: {counted} closed votes counted"


async def remind_closing_votes(now: datetime) -> str:
    return f"conventions: {await remind_closing(now)} voters told a vote closes soon"
