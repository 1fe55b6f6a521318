"""The accounts' periodic work: what forms showed once and kept for an hour, once expired."""

from __future__ import annotations

from datetime import datetime

from participation.accounts.kept import forget_expired_results


async def forget_expired(now: datetime) -> str:
    forgotten = await forget_expired_results(now)
    return f"{forgotten} expired receipts and code sheets forgotten"
