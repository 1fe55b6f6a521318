"""The health probe behind /healthz."""

from __future__ import annotations

from participation.core.db.connection import client


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        await client().execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - health reports any failure as down
        return False
    return True
