"""Read models for plot, team, care and volunteer-hour pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from participation.accounts.models import User
from participation.communities.models import Community
from participation.core.db import as_datetime, contains_pattern, fetch_all, is_postgres, timestamp
from participation.core.errors import NotFound
from participation.core.text import parse_whole_number
from participation.media.models import Photo
from participation.media.queries import PhotoView, photo_view
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
    Team,
    TeamMember,
)
from participation.plots.rules import (
    OPEN_REQUESTS,
    AdoptionStatus,
    PlotKind,
    PlotStatus,
    week_start,
)

PAGE_SIZE = 50
TIMELINE_SIZE = 30


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
class AdoptionView:
    id: int
    team_id: int
    team_name: str
    status: str
    term_months: int
    nickname: str
    requested_at: datetime
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str
    release_prompted: bool


@dataclass(frozen=True)
class TaskView:
    id: int
    kind: str
    every_days: int
    note: str
    this_week: list[str]
    next_week: list[str]


@dataclass(frozen=True)
class CareLogView:
    id: int
    member_id: int
    member_name: str
    team_name: str
    kind: str
    minutes: int
    note: str
    done_at: datetime
    hidden: bool
    photos: list[PhotoView] = field(default_factory=list)


@dataclass(frozen=True)
class PlotPage:
    plot: Plot
    photo: PhotoView | None
    current: AdoptionView | None
    queue: list[AdoptionView]
    tasks: list[TaskView]
    timeline: list[CareLogView]


async def _adoption_views(adoptions: list[Adoption]) -> list[AdoptionView]:
    names = {
        team.id: team.name
        for team in await Team.filter(id__in=[a.team_id for a in adoptions]).only("id", "name")
    }
    return [
        AdoptionView(
            id=a.id,
            team_id=a.team_id,
            team_name=names.get(a.team_id, ""),
            status=a.status,
            term_months=a.term_months,
            nickname=a.nickname,
            requested_at=a.requested_at,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            reason=a.reason,
            release_prompted=a.release_prompted_at is not None,
        )
        for a in adoptions
    ]


async def plot_photo(plot: Plot) -> PhotoView | None:
    """The plot's own photo (set by the committee or the demo), if any."""
    photo = await Photo.get_or_none(id=plot.photo_id) if plot.photo_id else None
    return photo_view(photo) if photo else None


async def plot_page(plot: Plot, *, today: date, show_hidden: bool) -> PlotPage:
    adoptions = await Adoption.filter(
        plot_id=plot.id, status__in=[AdoptionStatus.ACTIVE, *OPEN_REQUESTS]
    ).order_by("requested_at", "id")
    views = await _adoption_views(adoptions)
    current = next((v for v in views if v.status == AdoptionStatus.ACTIVE.value), None)
    tasks: list[TaskView] = []
    if current is not None:
        tasks = await _tasks(plot.id, current.team_id, today)
    return PlotPage(
        plot=plot,
        photo=await plot_photo(plot),
        current=current,
        queue=[v for v in views if v.status != AdoptionStatus.ACTIVE.value],
        tasks=tasks,
        timeline=await care_timeline(plot_id=plot.id, show_hidden=show_hidden),
    )


async def _tasks(plot_id: int, team_id: int, today: date) -> list[TaskView]:
    tasks = await CareTask.filter(plot_id=plot_id, team_id=team_id, active=True).order_by("id")
    this_monday = week_start(today)
    next_monday = this_monday + timedelta(days=7)
    assignments = await CareAssignment.filter(
        task_id__in=[t.id for t in tasks], week_start__in=[this_monday, next_monday]
    ).select_related("user")
    rota: dict[tuple[int, date], list[str]] = {}
    for assignment in assignments:
        key = (assignment.task_id, assignment.week_start)
        rota.setdefault(key, []).append(assignment.user.display_name)
    return [
        TaskView(
            id=t.id,
            kind=t.kind,
            every_days=t.every_days,
            note=t.note,
            this_week=sorted(rota.get((t.id, this_monday), [])),
            next_week=sorted(rota.get((t.id, next_monday), [])),
        )
        for t in tasks
    ]


async def care_timeline(
    *, plot_id: int | None = None, team_id: int | None = None, show_hidden: bool = False
) -> list[CareLogView]:
    """The latest care logs of a plot (or of a team), newest first, with their photos."""
    query = CareLog.all()
    if plot_id is not None:
        query = query.filter(plot_id=plot_id)
    if team_id is not None:
        query = query.filter(team_id=team_id)
    if not show_hidden:
        query = query.filter(hidden=False)
    logs = await query.order_by("-done_at", "-id").limit(TIMELINE_SIZE)
    members = {
        user.id: user.display_name
        for user in await User.filter(id__in={log.member_id for log in logs}).only(
            "id", "display_name"
        )
    }
    teams = {
        team.id: team.name
        for team in await Team.filter(id__in={log.team_id for log in logs}).only("id", "name")
    }
    photos: dict[int, list[PhotoView]] = {}
    links = (
        await CareLogPhoto.filter(log_id__in=[log.id for log in logs])
        .select_related("photo")
        .order_by("position", "id")
    )
    for link in links:
        photos.setdefault(link.log_id, []).append(photo_view(link.photo))
    return [
        CareLogView(
            id=log.id,
            member_id=log.member_id,
            member_name=members.get(log.member_id, ""),
            team_name=teams.get(log.team_id, ""),
            kind=log.kind,
            minutes=log.minutes,
            note=log.note,
            done_at=log.done_at,
            hidden=log.hidden,
            photos=photos.get(log.id, []),
        )
        for log in logs
    ]


# --- teams ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    user_id: int
    display_name: str
    role: str
    status: str
    joined_at: datetime


@dataclass(frozen=True)
class TeamPlotView:
    adoption_id: int
    plot_id: int
    plot_name: str
    status: str
    nickname: str
    ends_at: datetime | None


@dataclass(frozen=True)
class TeamPage:
    team: Team
    members: list[MemberView]
    pending: list[MemberView]
    plots: list[TeamPlotView]
    timeline: list[CareLogView]
    care_minutes: int


async def list_teams(community_id: int) -> list[Team]:
    return await Team.filter(community_id=community_id).order_by("name", "id")


async def members_of(team_id: int) -> list[MemberView]:
    """Everyone in the team or asking to join, longest-standing first."""
    rows = await TeamMember.filter(team_id=team_id).select_related("user").order_by("joined_at")
    return [MemberView(r.user_id, r.user.display_name, r.role, r.status, r.joined_at) for r in rows]


async def team_page(team: Team, *, show_pending: bool, show_hidden: bool) -> TeamPage:
    views = await members_of(team.id)
    adoptions = await Adoption.filter(
        team_id=team.id, status__in=[AdoptionStatus.ACTIVE, *OPEN_REQUESTS]
    ).select_related("plot")
    minutes = await fetch_all(
        "SELECT coalesce(sum(minutes), 0) AS n FROM care_log WHERE team_id = ?", [team.id]
    )
    return TeamPage(
        team=team,
        members=[v for v in views if v.status == "active"],
        pending=[v for v in views if v.status == "pending"] if show_pending else [],
        plots=[
            TeamPlotView(a.id, a.plot_id, a.plot.name, a.status, a.nickname, a.ends_at)
            for a in sorted(adoptions, key=lambda a: (a.status != "active", a.plot.name))
        ],
        timeline=await care_timeline(team_id=team.id, show_hidden=show_hidden),
        care_minutes=int(minutes[0]["n"]),
    )


async def my_teams(user_id: int | None, community_id: int) -> list[tuple[Team, str, str]]:
    """The teams of the community the user is in (team, role, status)."""
    if user_id is None:
        return []
    rows = await TeamMember.filter(user_id=user_id, team__community_id=community_id).select_related(
        "team"
    )
    return [(row.team, row.role, row.status) for row in rows]


# --- committee -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    adoption: AdoptionView
    plot_id: int
    plot_name: str


async def adoption_queue(community_id: int) -> tuple[list[QueueItem], list[QueueItem]]:
    """Requests waiting for the committee, and adoptions it is asked to consider releasing."""
    pending = (
        await Adoption.filter(plot__community_id=community_id, status=AdoptionStatus.PENDING)
        .select_related("plot")
        .order_by("requested_at")
    )
    prompted = (
        await Adoption.filter(
            plot__community_id=community_id,
            status=AdoptionStatus.ACTIVE,
            release_prompted_at__isnull=False,
        )
        .select_related("plot")
        .order_by("release_prompted_at")
    )
    result = []
    for group in (pending, prompted):
        views = await _adoption_views(list(group))
        result.append(
            [QueueItem(view, a.plot_id, a.plot.name) for view, a in zip(views, group, strict=True)]
        )
    return result[0], result[1]


# --- volunteer hours -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRow:
    month: str  # YYYY-MM
    member_id: int
    member_name: str
    team_id: int
    team_name: str
    minutes: int
    logs: int


def _month_starts(year: int, timezone: str) -> list[datetime]:
    """The 13 instants (UTC) that begin each month of ``year`` and the next year, on the
    community's clock: a log at 07:00 on 1 March in Chengdu is March's, though it is still
    February in UTC."""
    zone = ZoneInfo(timezone)
    starts = [datetime(year, month, 1, tzinfo=zone) for month in range(1, 13)]
    starts.append(datetime(year + 1, 1, 1, tzinfo=zone))
    return [start.astimezone(UTC) for start in starts]


def _month_of(starts: list[datetime], year: int) -> tuple[str, list[Any]]:
    """A SQL expression naming the month (YYYY-MM) of ``c.done_at`` between ``starts``, the
    same on both backends (neither SQLite nor the ORM knows time zones)."""
    cases = " ".join("WHEN c.done_at < ? THEN ?" for _ in range(12))
    params: list[Any] = []
    for month, boundary in enumerate(starts[1:], start=1):
        params += [timestamp(boundary), f"{year:04d}-{month:02d}"]
    return f"CASE {cases} END", params


async def volunteer_hours(
    community_id: int, *, year: int, timezone: str, member_id: int | None = None
) -> list[HoursRow]:
    """Care minutes per member, team and month of ``year`` in the community's time zone
    (hidden logs count: the work was done)."""
    starts = _month_starts(year, timezone)
    month, month_params = _month_of(starts, year)
    where = "t.community_id = ? AND c.done_at >= ? AND c.done_at < ?"
    params: list[Any] = [community_id, timestamp(starts[0]), timestamp(starts[-1])]
    if member_id is not None:
        where += " AND c.member_id = ?"
        params.append(member_id)
    rows = await fetch_all(
        f"SELECT {month} AS month, c.member_id, u.display_name, c.team_id, t.name AS team_name, "  # noqa: S608
        "sum(c.minutes) AS minutes, count(*) AS logs FROM care_log c "
        'JOIN team t ON t.id = c.team_id JOIN "user" u ON u.id = c.member_id '
        f"WHERE {where} GROUP BY 1, c.member_id, u.display_name, c.team_id, t.name "
        "ORDER BY 1, u.display_name, t.name",
        [*month_params, *params],
    )
    return [
        HoursRow(
            month=row["month"],
            member_id=row["member_id"],
            member_name=row["display_name"],
            team_id=row["team_id"],
            team_name=row["team_name"],
            minutes=int(row["minutes"]),
            logs=int(row["logs"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CheckIn:
    """One care log as its member sees it in their own hours."""

    id: int
    done_at: datetime
    plot_id: int
    plot_name: str
    team_name: str
    kind: str
    minutes: int
    hidden: bool


@dataclass(frozen=True)
class Subtotal:
    label: str  # a team's name, or a month (YYYY-MM)
    logs: int
    minutes: int


@dataclass(frozen=True)
class MemberHours:
    """A member's own hours in one community and year: the same rows as the committee's page
    and the certificate, summed per team and per month, and each check-in behind them."""

    rows: list[HoursRow]
    by_team: list[Subtotal]
    by_month: list[Subtotal]
    check_ins: list[CheckIn]

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def logs(self) -> int:
        return sum(row.logs for row in self.rows)


def _subtotals(rows: list[HoursRow], key: str, label: str) -> list[Subtotal]:
    groups: dict[Any, tuple[str, int, int]] = {}
    for row in rows:
        name, logs, minutes = groups.get(getattr(row, key), (getattr(row, label), 0, 0))
        groups[getattr(row, key)] = (name, logs + row.logs, minutes + row.minutes)
    return [Subtotal(name, logs, minutes) for name, logs, minutes in groups.values()]


async def member_hours(
    community_id: int, member_id: int, *, year: int, timezone: str
) -> MemberHours:
    rows = await volunteer_hours(community_id, year=year, timezone=timezone, member_id=member_id)
    starts = _month_starts(year, timezone)
    logs = (
        await CareLog.filter(
            member_id=member_id,
            team__community_id=community_id,
            done_at__gte=starts[0],
            done_at__lt=starts[-1],
        )
        .select_related("plot", "team")
        .order_by("-done_at", "-id")
    )
    by_team = sorted(_subtotals(rows, "team_id", "team_name"), key=lambda s: (-s.minutes, s.label))
    return MemberHours(
        rows=rows,
        by_team=by_team,
        by_month=_subtotals(rows, "month", "month"),  # rows come in month order
        check_ins=[
            CheckIn(
                id=log.id,
                done_at=log.done_at,
                plot_id=log.plot_id,
                plot_name=log.plot.name,
                team_name=log.team.name,
                kind=log.kind,
                minutes=log.minutes,
                hidden=log.hidden,
            )
            for log in logs
        ],
    )


async def volunteer_communities(user_id: int) -> list[tuple[str, str]]:
    """(slug, name) of the communities where the user is in a team or has logged care: where
    they have volunteer hours to look at."""
    in_team = await TeamMember.filter(user_id=user_id, status="active").values_list(
        "team__community_id", flat=True
    )
    logged = (
        await CareLog.filter(member_id=user_id)
        .distinct()
        .values_list("team__community_id", flat=True)
    )
    rows = (
        await Community.filter(id__in={*in_team, *logged})
        .order_by("name", "id")
        .values_list("slug", "name")
    )
    return [(slug, name) for slug, name in rows]


async def plot_community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these plots (for notices' links)."""
    rows = await Plot.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}


async def team_community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these teams (for notices' links)."""
    rows = await Team.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}
