"""A plot's status follows its adoptions: adopted while one is active, requested while one
waits for the committee, and when the plot falls free the first team on the waiting list
moves up. Writers lock the plot's row first, so a request sees the ones before it."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

import participation.plots.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import committee_ids
from participation.core.errors import NotFound
from participation.notifications.services import notify
from participation.plots.models import Adoption, Plot
from participation.plots.rules import AdoptionStatus, PlotStatus

ACTIVE = AdoptionStatus.ACTIVE.value
PENDING = AdoptionStatus.PENDING.value
WAITLISTED = AdoptionStatus.WAITLISTED.value
CLOSED_PLOT = (PlotStatus.RESTING.value, PlotStatus.RETIRED.value)


async def locked_plot(conn: BaseDBAsyncClient, plot_id: int) -> Plot:
    """The plot row, locked on PostgreSQL until the transaction ends (SQLite has one writer)."""
    query = Plot.filter(id=plot_id).using_db(conn)
    if conn.capabilities.dialect == "postgres":
        query = query.select_for_update()
    plot = await query.first()
    if plot is None:
        raise NotFound()
    return plot


async def settle_plot(
    conn: BaseDBAsyncClient, plot_id: int, community_id: int, now: datetime
) -> None:
    """The plot's status from its adoptions. When the plot falls free, the first team on the
    waiting list moves up to a pending request for the committee."""
    plot = await Plot.filter(id=plot_id).using_db(conn).first()
    assert plot is not None
    adoptions = Adoption.filter(plot_id=plot_id).using_db(conn)
    if await adoptions.filter(status=ACTIVE).exists():
        status = PlotStatus.ADOPTED.value
    elif plot.status in CLOSED_PLOT:  # requests wait until the committee opens it again
        status = plot.status
    elif await adoptions.filter(status=PENDING).exists():
        status = PlotStatus.REQUESTED.value
    else:
        first = await adoptions.filter(status=WAITLISTED).order_by("requested_at", "id").first()
        if first is not None:
            await Adoption.filter(id=first.id).using_db(conn).update(status=PENDING)
            await tell_committee(conn, community_id, plot, now)
            status = PlotStatus.REQUESTED.value
        else:
            status = PlotStatus.AVAILABLE.value
    if status != plot.status:
        await Plot.filter(id=plot_id).using_db(conn).update(status=status, updated_at=now)


async def tell_committee(
    conn: BaseDBAsyncClient, community_id: int, plot: Plot, now: datetime
) -> None:
    """A request waits for the committee's decision."""
    for user_id in await committee_ids(community_id, conn):
        await notify(
            conn, user_id, "plots.adoption_request", now=now, plot_id=plot.id, plot=plot.name
        )
