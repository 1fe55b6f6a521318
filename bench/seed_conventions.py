"""Seed the whole demo, its conventions too, into HUAKAI_DATABASE_URL (for
bench/conventions_vs_floor.sh)."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

from participation.core import db
from participation.demo.seed import DemoSite, seed_demo
from participation.media.storage import LocalStorage


async def main() -> None:
    url = os.environ["HUAKAI_DATABASE_URL"]
    await db.connect(url)
    try:
        await db.migrate(url)
        site = DemoSite(
            LocalStorage(Path(os.environ["HUAKAI_MEDIA_ROOT"])),
            lambda slug, proposal_id: f"/c/{slug}/proposals/{proposal_id}",
        )
        await seed_demo("demo", datetime.now(UTC), site)
    finally:
        await db.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
