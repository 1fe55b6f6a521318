"""Plots as pages show them (the list, the map, one plot's page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from participation.core.db import as_datetime, contains_pattern, fetch_all, is_postgres
from participation.core.errors import NotFound
from participation.core.text import parse_whole_number
from participation.media.queries import PhotoView, photo_view_of
from participation.plots.models import Adoption, Plot
from participation.plots.queries.adoptions import AdoptionView, adoption_views
from participation.plots.queries.care import CareLogView, TaskView, care_timeline, tasks_of
from participation.plots.rules import (
    OPEN_REQUESTS,
    AdoptionStatus,
    PlotKind,
    PlotStatus,
    PlotSubject,
)

PAGE_SIZE = 50


async def community_plot(community_id: int, plot_id: int) -> Plot:
    """A plot of this community; another community's plot is the same 404 as a missing one."""
    plot = await Plot.get_or_none(id=plot_id, community_id=community_id)
    if plot is None:
        raise NotFound()
    return plot


@dataclass(frozen=True)
class PlotFilters:
    status: str = ""
    kind: str = ""
    query: str = ""
    page: int = 1


def normalise_filters(*, status: str, kind: str, query: str, page: str) -> PlotFilters:
    """Unknown values fall back to "all": they come from URLs."""
    number = parse_whole_number(page, max_digits=4) or 1
    return PlotFilters(
        status=status if status in {s.value for s in PlotStatus} else "",
        kind=kind if kind in {k.value for k in PlotKind} else "",
        query=" ".join(query.split())[:80],
        page=number,
    )


@dataclass(frozen=True)
class PlotRow:
    id: int
    name: str
    kind: str
    status: str
    location: str
    latitude: float | None
    longitude: float | None
    team_id: int | None
    team_name: str | None
    nickname: str
    last_care_at: datetime | None
    care_minutes: int


@dataclass(frozen=True)
class PlotList:
    items: list[PlotRow]
    filters: PlotFilters
    has_next: bool
    counts: dict[str, int]


_ROW_SQL = (
    "SELECT p.id, p.name, p.kind, p.status, p.location, p.latitude, p.longitude, "
    "p.last_care_at, p.care_minutes, a.team_id, t.name AS team_name, a.nickname "
    "FROM plot p LEFT JOIN adoption a ON a.plot_id = p.id AND a.status = 'active' "
    "LEFT JOIN team t ON t.id = a.team_id "
)


def _row(row: dict[str, Any]) -> PlotRow:
    return PlotRow(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        status=row["status"],
        location=row["location"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        team_id=row["team_id"],
        team_name=row["team_name"],
        nickname=row["nickname"] or "",
        last_care_at=as_datetime(row["last_care_at"]) if row["last_care_at"] else None,
        care_minutes=row["care_minutes"],
    )


async def list_plots(community_id: int, filters: PlotFilters) -> PlotList:
    """One page of the community's plots, with their adopting team. Plain SQL: with thousands
    of plots this is a busy page, and the ORM would cost more than the query."""
    where = ["p.community_id = ?"]
    params: list[Any] = [community_id]
    if filters.status:
        where.append("p.status = ?")
        params.append(filters.status)
    else:
        where.append("p.status <> ?")  # retired plots only when asked for
        params.append(PlotStatus.RETIRED.value)
    if filters.kind:
        where.append("p.kind = ?")
        params.append(filters.kind)
    if filters.query:
        like = "ILIKE" if is_postgres() else "LIKE"
        where.append(
            f"(p.name {like} ? ESCAPE '\\' OR p.location {like} ? ESCAPE '\\' "
            f"OR t.name {like} ? ESCAPE '\\' OR a.nickname {like} ? ESCAPE '\\')"
        )
        params += [contains_pattern(filters.query)] * 4
    rows = await fetch_all(
        _ROW_SQL + f"WHERE {' AND '.join(where)} ORDER BY p.name, p.id LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE + 1, (filters.page - 1) * PAGE_SIZE],
    )
    count_rows = await fetch_all(
        "SELECT status, count(*) AS n FROM plot WHERE community_id = ? GROUP BY status",
        [community_id],
    )
    return PlotList(
        items=[_row(row) for row in rows[:PAGE_SIZE]],
        filters=filters,
        has_next=len(rows) > PAGE_SIZE,
        counts={row["status"]: int(row["n"]) for row in count_rows},
    )


async def map_plots(community_id: int) -> list[PlotRow]:
    """Every placed plot that is not retired, for the map."""
    rows = await fetch_all(
        _ROW_SQL + "WHERE p.community_id = ? AND p.status <> ? AND p.latitude IS NOT NULL "
        "ORDER BY p.id",
        [community_id, PlotStatus.RETIRED.value],
    )
    return [_row(row) for row in rows]


@dataclass(frozen=True)
class PlotPage:
    plot: Plot
    subject: PlotSubject  # what the plot's care rules are asked about
    photo: PhotoView | None
    current: AdoptionView | None
    queue: list[AdoptionView]
    tasks: list[TaskView]
    timeline: list[CareLogView]


async def plot_photo(plot: Plot) -> PhotoView | None:
    """The plot's own photo (set by the committee or the demo), if any."""
    return await photo_view_of(plot.photo_id) if plot.photo_id else None


async def plot_page(plot: Plot, *, today: date, show_hidden: bool) -> PlotPage:
    adoptions = await Adoption.filter(
        plot_id=plot.id, status__in=[AdoptionStatus.ACTIVE, *OPEN_REQUESTS]
    ).order_by("requested_at", "id")
    views = await adoption_views(adoptions)
    current = next((v for v in views if v.status == AdoptionStatus.ACTIVE.value), None)
    tasks: list[TaskView] = []
    if current is not None:
        tasks = await tasks_of(plot.id, current.team_id, today)
    return PlotPage(
        plot=plot,
        subject=PlotSubject(team=current.subject.team) if current else PlotSubject(),
        photo=await plot_photo(plot),
        current=current,
        queue=[v for v in views if v.status != AdoptionStatus.ACTIVE.value],
        tasks=tasks,
        timeline=await care_timeline(plot_id=plot.id, show_hidden=show_hidden),
    )


async def plot_community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these plots (for notices' links)."""
    rows = await Plot.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}
