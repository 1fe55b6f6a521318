"""Care as pages show it (the rota's tasks, the care timeline) and as its rules see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from participation.accounts.queries import display_names
from participation.core.errors import NotFound
from participation.media.queries import PhotoView, photo_view
from participation.moderation.queries import hidden_ids, hidden_items
from participation.plots.models import CareAssignment, CareLog, CareLogPhoto, CareTask, Team
from participation.plots.rules import CareLogSubject, week_start

TIMELINE_SIZE = 30


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
    subject: CareLogSubject  # what the care log's rules are asked about
    photos: list[PhotoView] = field(default_factory=list)


async def community_care_log(community_id: int, log_id: int) -> CareLog:
    log = await CareLog.get_or_none(id=log_id, plot__community_id=community_id)
    if log is None:
        raise NotFound()
    return log


def care_log_subject(log: CareLog) -> CareLogSubject:
    return CareLogSubject(member_id=log.member_id, team_id=log.team_id)


async def tasks_of(plot_id: int, team_id: int, today: date) -> list[TaskView]:
    """The team's active tasks on the plot, with who is on the rota this week and next."""
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
        query = query.exclude(id__in=hidden_items("care_log"))
    logs = await query.order_by("-done_at", "-id").limit(TIMELINE_SIZE)
    hidden = await hidden_ids("care_log", [log.id for log in logs]) if show_hidden else set()
    members = await display_names({log.member_id for log in logs})
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
            hidden=log.id in hidden,
            subject=care_log_subject(log),
            photos=photos.get(log.id, []),
        )
        for log in logs
    ]
