"""Volunteer hours: care minutes per member, team and month, on the community's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from participation.communities.queries import slugs_and_names
from participation.core.db import fetch_all, timestamp
from participation.moderation.queries import hidden_ids
from participation.plots.models import CareLog, TeamMember


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
    hidden = await hidden_ids("care_log", [log.id for log in logs])
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
                hidden=log.id in hidden,
            )
            for log in logs
        ],
    )


async def volunteer_communities(user_id: int) -> list[tuple[str, str]]:
    """(slug, name) of the communities where the user is in a team or has logged care: where
    they have volunteer hours to look at."""
    in_team = await TeamMember.filter(user_id=user_id, status="active").values("team__community_id")
    logged = await CareLog.filter(member_id=user_id).distinct().values("team__community_id")
    return await slugs_and_names({int(row["team__community_id"]) for row in [*in_team, *logged]})
