"""The plots' periodic work, run by the scheduler (participation/jobs.py) or `huakai
follow-up`: lapses of care, terms that end soon, and this week's rota. Each piece is claimed
with a conditional update, so several workers running it at once do each piece once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import participation.plots.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import committee_ids, every_plot_settings
from participation.core.db import claim_once, transaction
from participation.notifications.services import notify
from participation.plots.models import Adoption, CareAssignment, CareTask, Plot
from participation.plots.queries import member_ids
from participation.plots.rules import (
    AdoptionStatus,
    Lapse,
    lapse_state,
    term_ends_soon,
    week_start,
)

ACTIVE = AdoptionStatus.ACTIVE.value


@dataclass(frozen=True)
class LapseReport:
    warned: int
    prompted: int


async def follow_up_lapses(now: datetime) -> LapseReport:
    """Warn teams whose plot has gone without care for the community's lapse days, and, after
    the grace days, ask the committee whether to release it. Each is sent once per quiet
    spell (a care log starts a new one). Nothing is ever released here."""
    warned = prompted = 0
    communities = {c.community_id: c for c in await every_plot_settings()}
    for adoption in await Adoption.filter(status=ACTIVE).prefetch_related("plot"):
        plot: Plot = adoption.plot
        community = communities[plot.community_id]
        assert adoption.starts_at is not None
        state = lapse_state(
            plot.last_care_at,
            adoption.starts_at,
            now,
            lapse_days=community.lapse_days,
            grace_days=community.lapse_grace_days,
        )
        if state is Lapse.CARED_FOR:
            continue
        async with transaction() as conn:
            if adoption.lapse_warned_at is None and await claim_once(
                conn, Adoption, adoption.id, "lapse_warned_at", now
            ):
                for user_id in await member_ids(conn, adoption.team_id):
                    await notify(
                        conn,
                        user_id,
                        "plots.lapse_warning",
                        now=now,
                        plot_id=plot.id,
                        plot=plot.name,
                        days=community.lapse_days,
                    )
                warned += 1
            if (
                state is Lapse.ASK_COMMITTEE
                and adoption.release_prompted_at is None
                and await claim_once(conn, Adoption, adoption.id, "release_prompted_at", now)
            ):
                for user_id in await committee_ids(community.community_id, conn):
                    await notify(
                        conn,
                        user_id,
                        "plots.release_prompt",
                        now=now,
                        plot_id=plot.id,
                        plot=plot.name,
                        adoption_id=adoption.id,
                    )
                prompted += 1
    return LapseReport(warned, prompted)


async def remind_rota(now: datetime) -> int:
    """Remind each member on this week's rota, once, at the first follow-up of the week (the
    week as the community's clock has it), while their team still cares for the plot.
    Returns how many reminders were sent."""
    mondays = {
        community.community_id: week_start(now.astimezone(ZoneInfo(community.timezone)).date())
        for community in await every_plot_settings()
    }
    due = await CareAssignment.filter(
        week_start__in=set(mondays.values()), reminded_at__isnull=True, task__active=True
    ).prefetch_related("task__plot")
    told = 0
    for assignment in due:
        task: CareTask = assignment.task
        plot: Plot = task.plot
        if mondays.get(plot.community_id) != assignment.week_start:
            continue
        async with transaction() as conn:
            if not await claim_once(conn, CareAssignment, assignment.id, "reminded_at", now):
                continue
            still_caring = await Adoption.exists(
                plot_id=plot.id, team_id=task.team_id, status=ACTIVE, using_db=conn
            )
            if not still_caring or assignment.user_id not in await member_ids(conn, task.team_id):
                continue
            await notify(
                conn,
                assignment.user_id,
                "plots.rota_this_week",
                now=now,
                plot_id=plot.id,
                plot=plot.name,
            )
            told += 1
    return told


async def remind_terms_ending(now: datetime) -> int:
    """Tell the leaders of each team whose term ends within the reminder's days, once per
    term (a renewal makes a new term), so they renew it or let the plot go. Nothing ends here.
    Returns how many teams were told."""
    told = 0
    due = await Adoption.filter(status=ACTIVE, term_reminded_at__isnull=True).prefetch_related(
        "plot"
    )
    for adoption in due:
        if adoption.ends_at is None or not term_ends_soon(adoption.ends_at, now):
            continue
        plot: Plot = adoption.plot
        async with transaction() as conn:
            if not await claim_once(conn, Adoption, adoption.id, "term_reminded_at", now):
                continue
            for user_id in await member_ids(conn, adoption.team_id, leaders_only=True):
                await notify(
                    conn,
                    user_id,
                    "plots.term_ending",
                    now=now,
                    plot_id=plot.id,
                    plot=plot.name,
                    ends_on=adoption.ends_at.date().isoformat(),
                )
            told += 1
    return told


async def follow_up(now: datetime) -> str:
    """The plots' whole follow-up, as one job of the scheduler."""
    report = await follow_up_lapses(now)
    reminded = await remind_terms_ending(now)
    on_rota = await remind_rota(now)
    return (
        f"plot follow-up: {report.warned} teams warned, {report.prompted} committees asked, "
        f"{reminded} teams reminded of their term's end, {on_rota} members of their rota week"
    )
