"""Plots' open data: the plots and who cares for them, the adoptions, and the care given per
team and month (the public, anonymous counterpart of the leaders' hours export: teams, never
their members)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from participation.communities.queries import community_by_id
from participation.core.errors import N_
from participation.opendata.datasets import Column, Dataset, Row, register_dataset
from participation.plots.models import Adoption, CareLog, Plot
from participation.plots.rules import AdoptionStatus, PlotKind, PlotStatus

PLOT_COLUMNS = (
    Column("id", "integer", N_("The plot's number, as in the address of its page")),
    Column("name", "string", N_("Its name")),
    Column(
        "kind",
        "string",
        N_("What kind of place it is"),
        values=tuple(PlotKind),
    ),
    Column(
        "status",
        "string",
        N_("Where it stands"),
        values=tuple(PlotStatus),
    ),
    Column("location", "string", N_("Where it is")),
    Column("latitude", "number", N_("Latitude (WGS 84), when known")),
    Column("longitude", "number", N_("Longitude (WGS 84), when known")),
    Column("care_minutes", "integer", N_("Minutes of care logged, in all")),
    Column("last_care_at", "datetime", N_("When care was last logged")),
    Column("team", "string", N_("The team caring for it now, if any")),
)
ADOPTION_COLUMNS = (
    Column("id", "integer", N_("The adoption's number")),
    Column("plot_id", "integer", N_("The plot adopted")),
    Column("team", "string", N_("The team that adopted it")),
    Column("status", "string", N_("Where it stands"), values=("active", "ended")),
    Column("term_months", "integer", N_("The term agreed, in months")),
    Column("starts_at", "datetime", N_("When the team's care began")),
    Column("ends_at", "datetime", N_("When the term ends")),
    Column("ended_at", "datetime", N_("When it ended, if it has")),
)
HOURS_COLUMNS = (
    Column("team", "string", N_("The volunteer team")),
    Column("month", "month", N_("The month, in the community's time zone")),
    Column("minutes", "integer", N_("Minutes of care its members logged")),
    Column("logs", "integer", N_("How many times they logged care")),
)
PUBLIC_ADOPTIONS = [AdoptionStatus.ACTIVE.value, AdoptionStatus.ENDED.value]


async def plot_rows(community_id: int) -> list[Row]:
    plots = await Plot.filter(community_id=community_id).order_by("id")
    caring = {
        a.plot_id: a.team.name
        for a in await Adoption.filter(
            plot__community_id=community_id, status=AdoptionStatus.ACTIVE.value
        ).select_related("team")
    }
    return [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "status": p.status,
            "location": p.location,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "care_minutes": p.care_minutes,
            "last_care_at": p.last_care_at,
            "team": caring.get(p.id, ""),
        }
        for p in plots
    ]


async def adoption_rows(community_id: int) -> list[Row]:
    adoptions = (
        await Adoption.filter(plot__community_id=community_id, status__in=PUBLIC_ADOPTIONS)
        .select_related("team")
        .order_by("id")
    )
    return [
        {
            "id": a.id,
            "plot_id": a.plot_id,
            "team": a.team.name,
            "status": a.status,
            "term_months": a.term_months,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "ended_at": a.ended_at,
        }
        for a in adoptions
    ]


async def hours_rows(community_id: int) -> list[Row]:
    zone = ZoneInfo((await community_by_id(community_id)).timezone)
    totals: dict[tuple[str, str], list[int]] = {}
    # Hidden logs count, as in the leaders' export: the work was done.
    for team, done_at, minutes in await CareLog.filter(team__community_id=community_id).values_list(
        "team__name", "done_at", "minutes"
    ):
        total = totals.setdefault((team, done_at.astimezone(zone).strftime("%Y-%m")), [0, 0])
        total[0] += minutes
        total[1] += 1
    return [
        {"team": team, "month": month, "minutes": minutes, "logs": logs}
        for (team, month), (minutes, logs) in sorted(totals.items())
    ]


register_dataset(
    Dataset(
        "plots",
        N_("Plots"),
        N_("Every flowerbed, pocket garden and planter, and the team caring for it."),
        PLOT_COLUMNS,
        rows=plot_rows,
    )
)
register_dataset(
    Dataset(
        "adoptions",
        N_("Adoptions"),
        N_("Which team adopted which plot, and for how long."),
        ADOPTION_COLUMNS,
        rows=adoption_rows,
    )
)
register_dataset(
    Dataset(
        "care_hours",
        N_("Care given by each team"),
        N_("Minutes of care per team and month: teams, never their members."),
        HOURS_COLUMNS,
        rows=hours_rows,
    )
)
