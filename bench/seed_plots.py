"""Seed 2,000 plots, 200 volunteer teams, 1,200 adoptions and 50,000 care logs (with the plots'
running totals) for the plot list and map benchmark.

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

PLOTS = 2_000
TEAMS = 200
ADOPTED = 1_200
CARE_LOGS = 50_000
KINDS = ["flowerbed", "flower_wall", "pocket_garden", "tree_pit", "planter", "other"]


def _sql(url: str, text: str) -> str:
    if url.startswith("sqlite"):
        return text
    parts = text.split("?")
    return "".join(f"{p}${i}" if i < len(parts) else p for i, p in enumerate(parts, 1))


async def main() -> None:
    url = os.environ["HUAKAI_DATABASE_URL"]
    await db.connect(url)
    try:
        await db.migrate(url)
        await seed_demo("demo", datetime.now(UTC))
        conn = connections.get(db.connection_label(url))
        community_id = (
            await conn.execute_query_dict(f"SELECT id FROM community WHERE slug = '{DEMO_SLUG}'")
        )[0]["id"]
        member = (await conn.execute_query_dict('SELECT min(id) AS id FROM "user"'))[0]["id"]
        rnd = random.Random(11)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        await conn.execute_many(
            _sql(
                url,
                "INSERT INTO plot (community_id, name, kind, description, location, latitude, "
                "longitude, care_needs, status, care_minutes, created_at, updated_at) "
                "VALUES (?, ?, ?, '', ?, ?, ?, '每周浇水两次', ?, 0, ?, ?)",
            ),
            [
                [
                    community_id,
                    f"玉林{i // 10 + 1}号花坛 第{i % 10 + 1}块",
                    KINDS[i % len(KINDS)],
                    f"玉林东路{i // 10 + 1}号",
                    round(30.62 + rnd.random() * 0.03, 6),
                    round(104.04 + rnd.random() * 0.03, 6),
                    "adopted" if i < ADOPTED else rnd.choice(["available", "resting", "requested"]),
                    start,
                    start,
                ]
                for i in range(PLOTS)
            ],
        )
        await conn.execute_many(
            _sql(
                url,
                "INSERT INTO team (community_id, name, description, join_policy, member_count, "
                "created_at) VALUES (?, ?, '', 'open', 1, ?)",
            ),
            [[community_id, f"护花使者第{i + 1}队", start] for i in range(TEAMS)],
        )
        plots = [
            r["id"]
            for r in await conn.execute_query_dict(
                f"SELECT id FROM plot WHERE community_id = {community_id} ORDER BY id"
            )
        ]
        teams = [
            r["id"]
            for r in await conn.execute_query_dict(
                f"SELECT id FROM team WHERE community_id = {community_id} ORDER BY id"
            )
        ]
        await conn.execute_many(
            _sql(
                url,
                "INSERT INTO team_member (team_id, user_id, role, status, joined_at) "
                "VALUES (?, ?, 'leader', 'active', ?)",
            ),
            [[team, member, start] for team in teams],
        )
        adopted = plots[:ADOPTED]
        await conn.execute_many(
            _sql(
                url,
                "INSERT INTO adoption (plot_id, team_id, status, term_months, nickname, "
                "requested_at, starts_at, ends_at, reason, end_reason) "
                "VALUES (?, ?, 'active', 12, ?, ?, ?, ?, '', '')",
            ),
            [
                [
                    plot,
                    teams[i % TEAMS],
                    f"小花{i}" if i % 3 == 0 else "",
                    start,
                    start,
                    start + timedelta(days=365),
                ]
                for i, plot in enumerate(adopted)
            ],
        )
        logs = []
        for _ in range(CARE_LOGS):
            index = rnd.randrange(ADOPTED)
            at = start + timedelta(minutes=rnd.randrange(300 * 24 * 60))
            logs.append(
                [
                    adopted[index],
                    teams[index % TEAMS],
                    member,
                    rnd.choice(["watering", "weeding"]),
                    rnd.choice([15, 20, 30, 45, 60]),
                    at,
                    at,
                ]
            )
        await conn.execute_many(
            _sql(
                url,
                "INSERT INTO care_log (plot_id, team_id, member_id, kind, minutes, note, done_at, "
                "created_at, hidden) VALUES (?, ?, ?, ?, ?, '', ?, ?, false)",
            ),
            logs,
        )
        await conn.execute_query(
            "UPDATE plot SET care_minutes = (SELECT coalesce(sum(minutes), 0) FROM care_log c "
            "WHERE c.plot_id = plot.id), last_care_at = (SELECT max(done_at) FROM care_log c "
            "WHERE c.plot_id = plot.id)"
        )
        print(f"seeded {len(plots)} plots, {len(teams)} teams, {len(logs)} care logs")
    finally:
        await db.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
