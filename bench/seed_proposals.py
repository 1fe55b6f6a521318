"""Seed 500 public proposals with 50,000 supports (and their counts) for the list benchmark.

Rows go in with plain SQL in a few statements: the benchmark measures reading, not seeding.
"""

from __future__ import annotations

import asyncio
import os
import random
from datetime import UTC, datetime, timedelta

from tortoise import connections

from participation.core import db
from participation.demo.seed import DEMO_SLUG, seed_demo

PROPOSALS = 500
SUPPORTS = 50_000
VOTERS = 5_000


async def main() -> None:
    url = os.environ["HUAKAI_DATABASE_URL"]
    await db.connect(url)
    try:
        await db.migrate(url)
        await seed_demo("demo", datetime.now(UTC))
        conn = connections.get(db.connection_label(url))
        rows = await conn.execute_query_dict(
            "SELECT id FROM community WHERE slug = ?".replace("?", f"'{DEMO_SLUG}'")
        )
        community_id = rows[0]["id"]
        rnd = random.Random(7)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        first_user = await _insert_users(conn)
        author = first_user
        statuses = ["submitted", "accepted", "selected", "in_progress", "completed"]
        values = []
        for i in range(1, PROPOSALS + 1):
            at = start + timedelta(hours=i)
            values.append(
                [
                    community_id,
                    author,
                    f"口袋花园 #{i}：把拐角空地变成花园",
                    "在3栋北侧的空地种上月季和薄荷，请邻居们一起照看。" * 3,
                    "pocket_garden",
                    rnd.randint(500, 20000),
                    rnd.choice(statuses),
                    at,
                    at,
                ]
            )
        await conn.execute_many(
            "INSERT INTO proposal (community_id, author_id, title, body, category, cost_yuan, "
            "status, created_at, updated_at, feasibility_note, location, support_count) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 0)"
            if url.startswith("sqlite")
            else "INSERT INTO proposal (community_id, author_id, title, body, category, cost_yuan, "
            "status, created_at, updated_at, feasibility_note, location, support_count) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '', 0)",
            values,
        )
        ids = [
            r["id"]
            for r in await conn.execute_query_dict(
                f"SELECT id FROM proposal WHERE community_id = {community_id}"
            )
        ]
        pairs = {(rnd.choice(ids), first_user + rnd.randrange(VOTERS)) for _ in range(SUPPORTS)}
        while len(pairs) < SUPPORTS:
            pairs.add((rnd.choice(ids), first_user + rnd.randrange(VOTERS)))
        placeholder = "(?, ?, ?)" if url.startswith("sqlite") else "($1, $2, $3)"
        await conn.execute_many(
            f"INSERT INTO support (proposal_id, user_id, created_at) VALUES {placeholder}",
            [[p, u, start] for p, u in pairs],
        )
        await conn.execute_query(
            "UPDATE proposal SET support_count = "
            "(SELECT count(*) FROM support s WHERE s.proposal_id = proposal.id)"
        )
        print(f"seeded {len(ids)} proposals, {len(pairs)} supports in community {DEMO_SLUG}")
    finally:
        await db.disconnect()


async def _insert_users(conn: object) -> int:
    from participation.accounts.models import User

    now = datetime.now(UTC)
    await User.bulk_create(
        [User(display_name=f"居民{i}", created_at=now) for i in range(VOTERS)], batch_size=1000
    )
    first = await User.filter(display_name="居民0").order_by("id").first()
    assert first is not None
    return first.id


if __name__ == "__main__":
    asyncio.run(main())
