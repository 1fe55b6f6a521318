"""Migration 0014 moves the committee's hidden care logs into moderation, on SQLite and
PostgreSQL: its statements, run on a care log hidden the old way (care_log.hidden, still a
column), make it a hidden moderated item that the care timeline leaves out."""

from __future__ import annotations

import importlib

import participation.capabilities  # noqa: F401 - the content kinds moderation knows
from participation.core import db
from participation.moderation.models import ModeratedItem
from participation.plots.models import CareLog
from participation.plots.queries.care import care_timeline
from tests.factories import adopt, log_care, make_neighbourhood, make_plot, make_team

MIGRATION = importlib.import_module("migrations.0014_care_log_hiding_moves_to_moderation")


async def test_a_care_log_hidden_the_old_way_stays_hidden(database: str) -> None:
    hood = await make_neighbourhood()
    leader = hood.residents[0]
    plot_id = await make_plot(hood, "银杏树下花坛")
    team_id = await make_team(hood, leader, "护花使者")
    await adopt(hood, leader, team_id, plot_id)
    await log_care(hood, leader, plot_id, "watering", 30, note="不合适的照片")
    await log_care(hood, leader, plot_id, "weeding", 20, note="除草")
    hidden = (await CareLog.get(note="不合适的照片")).id
    shown = (await CareLog.get(note="除草")).id
    await CareLog.filter(id=hidden).update(hidden=True)

    for sql in MIGRATION.FORWARD:
        await db.client().execute_script(sql)

    item = await ModeratedItem.get(kind="care_log", item_id=hidden)
    assert (item.community_id, item.author_id, item.hidden, item.hidden_by) == (
        hood.community_id,
        leader.user_id,
        True,
        "committee",
    )
    assert await ModeratedItem.filter(kind="care_log").count() == 1
    assert [v.id for v in await care_timeline(plot_id=plot_id)] == [shown]
