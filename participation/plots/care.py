"""Care (养护) of an adopted plot: the leader's recurring tasks and weekly rota, the members'
care logs with minutes and photos, and the lapse follow-up when care stops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import participation.plots.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import get_standing
from participation.core.db import execute, timestamp, transaction
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import Actor, require
from participation.core.text import clean_line, clean_multiline, parse_whole_number
from participation.media.queries import owned_photo_ids
from participation.media.services import PhotoUpload, accept_photo
from participation.notifications.services import notify
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
)
from participation.plots.queries import (
    active_adoption,
    community_plot,
    member_ids,
    plot_subject,
)
from participation.plots.rules import EVERY_DAYS_MAX, TEXT_MAX, CareKind, check_minutes, week_start

# A care log may be entered afterwards, for work done in the last fortnight.
BACKDATE_DAYS = 14
PHOTOS_PER_LOG = 4
TASKS_PER_PLOT = 20


async def _adopting_team(
    actor: Actor, community_id: int, plot_id: int, rule: str
) -> tuple[Plot, Adoption]:
    """The plot and its current adoption, if ``rule`` lets the actor care for it."""
    plot = await community_plot(community_id, plot_id)
    adoption = await active_adoption(plot.id)
    if adoption is None:
        raise Invalid(N_("No team has adopted this plot."))
    standing = await get_standing(actor.user_id, community_id)
    require(rule, actor, standing, await plot_subject(adoption))
    return plot, adoption


async def _current_task(
    actor: Actor, community_id: int, task_id: int, *, active_only: bool
) -> CareTask:
    """A task of the team that adopts its plot now, if the actor plans that team's care. A
    task left by a team that no longer adopts the plot is on no page: it is not found."""
    query = CareTask.filter(id=task_id, plot__community_id=community_id)
    task = await (query.filter(active=True) if active_only else query).first()
    adoption = await active_adoption(task.plot_id) if task is not None else None
    if task is None or adoption is None or adoption.team_id != task.team_id:
        raise NotFound()
    standing = await get_standing(actor.user_id, community_id)
    require("plots.plan_care", actor, standing, await plot_subject(adoption))
    return task


def _kind(text: str) -> CareKind:
    try:
        return CareKind(text)
    except ValueError:
        raise Invalid(N_("Please choose the kind of care."), field="kind") from None


async def add_task(
    actor: Actor,
    community_id: int,
    plot_id: int,
    kind: str,
    every_days: str,
    note: str,
    *,
    now: datetime,
) -> CareTask:
    """The adopting team's leader sets a recurring task: water every 3 days, weed weekly."""
    plot, adoption = await _adopting_team(actor, community_id, plot_id, "plots.plan_care")
    care = _kind(kind)
    days = parse_whole_number(every_days.strip(), max_digits=2) if every_days.strip() else None
    if days is None or not 1 <= days <= EVERY_DAYS_MAX:
        raise Invalid(N_("Please give how often, in days (1 to 60)."), field="every_days")
    text = clean_line(note, max_length=200, allow_empty=True)
    if text is None:
        raise Invalid(N_("Please keep this under 200 characters."), field="note")
    if await CareTask.filter(plot_id=plot.id, active=True).count() >= TASKS_PER_PLOT:
        raise Invalid(N_("A plot has at most 20 tasks."))
    return await CareTask.create(
        plot_id=plot.id,
        team_id=adoption.team_id,
        kind=care.value,
        every_days=days,
        note=text,
        created_at=now,
    )


async def stop_task(actor: Actor, community_id: int, task_id: int, *, now: datetime) -> int:
    """Stops a task; returns its plot."""
    task = await _current_task(actor, community_id, task_id, active_only=False)
    await CareTask.filter(id=task.id).update(active=False)
    return task.plot_id


async def assign_week(
    actor: Actor,
    community_id: int,
    task_id: int,
    week_of: date,
    user_ids: Sequence[int],
    *,
    now: datetime,
) -> int:
    """The rota: the members who do a task in the week of ``week_of`` (replacing whoever was
    down for it). Only active members of the task's team can be put down."""
    task = await _current_task(actor, community_id, task_id, active_only=True)
    monday = week_start(week_of)
    wanted = sorted(set(user_ids))
    async with transaction() as conn:
        members = set(await member_ids(conn, task.team_id)) & set(wanted)
    if len(members) != len(wanted):
        raise Invalid(N_("Only members of the team can be put on the rota."), field="user_ids")
    async with transaction() as conn:
        await CareAssignment.filter(task_id=task.id, week_start=monday).using_db(conn).delete()
        for user_id in wanted:
            await CareAssignment.create(
                task_id=task.id, user_id=user_id, week_start=monday, using_db=conn
            )
            await notify(
                conn, user_id, "plots.rota", now=now, task_id=task.id, week=monday.isoformat()
            )
    return task.plot_id


@dataclass(frozen=True)
class CareInput:
    kind: str
    minutes: str
    note: str = ""
    task_id: int | None = None
    done_on: date | None = None  # None: today


async def log_care(
    actor: Actor,
    community_id: int,
    plot_id: int,
    data: CareInput,
    *,
    photo_ids: Sequence[int] = (),
    upload: PhotoUpload | None = None,
    now: datetime,
) -> CareLog:
    """A member of the adopting team checks in care given. The plot's last care and total
    minutes change in the same transaction, and a lapse warning is cleared."""
    plot, adoption = await _adopting_team(actor, community_id, plot_id, "plots.log_care")
    care = _kind(data.kind)
    minutes = check_minutes(data.minutes)
    note = ""
    if data.note.strip():
        cleaned = clean_multiline(data.note, max_length=TEXT_MAX)
        if cleaned is None:
            raise Invalid(N_("Please keep this under 2,000 characters."), field="note")
        note = cleaned
    done_at = now
    if data.done_on is not None and data.done_on != now.date():
        if not now.date() - timedelta(days=BACKDATE_DAYS) <= data.done_on < now.date():
            raise Invalid(N_("Care can be logged for today or the last 14 days."), field="done_on")
        done_at = datetime.combine(data.done_on, now.timetz()).replace(hour=12, minute=0)
    task_id = None
    if data.task_id is not None:
        task = await CareTask.get_or_none(id=data.task_id, plot_id=plot.id)
        if task is None:
            raise NotFound()
        task_id = task.id
    photos = list(dict.fromkeys(photo_ids))[:PHOTOS_PER_LOG]
    if photos and len(await owned_photo_ids(actor.user_id, community_id, photos)) != len(photos):
        raise NotFound()
    if upload is not None:
        accepted = await accept_photo(
            actor, community_id, upload.data, upload.alt_text, upload.storage, now=now
        )
        photos.append(accepted.id)
    stored_at = timestamp(done_at)
    async with transaction() as conn:
        log = await CareLog.create(
            plot_id=plot.id,
            team_id=adoption.team_id,
            member_id=actor.user_id,
            task_id=task_id,
            kind=care.value,
            minutes=minutes,
            note=note,
            done_at=done_at,
            created_at=now,
            using_db=conn,
        )
        for position, photo_id in enumerate(photos):
            await CareLogPhoto.create(
                log_id=log.id, photo_id=photo_id, position=position, using_db=conn
            )
        # Decided by the database, not from the row read before: a late entry for last week
        # never moves the last care back past one logged meanwhile.
        await execute(
            conn,
            "UPDATE plot SET care_minutes = care_minutes + ?, last_care_at = CASE "
            "WHEN last_care_at IS NULL OR last_care_at < ? THEN ? ELSE last_care_at END "
            "WHERE id = ?",
            [minutes, stored_at, stored_at, plot.id],
        )
        await (
            Adoption.filter(id=adoption.id)
            .using_db(conn)
            .update(lapse_warned_at=None, release_prompted_at=None)
        )
    return log
