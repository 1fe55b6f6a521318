"""Seed the demo community into HUAKAI_DATABASE_URL (used by the benchmark scripts)."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

from participation.core import db
from participation.demo.seed import seed_demo


async def main() -> None:
    url = os.environ["HUAKAI_DATABASE_URL"]
    await db.connect(url)
    try:
        await db.migrate(url)
        await seed_demo("demo", datetime.now(UTC))
    finally:
        await db.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
