"""Pure rules for plots, teams, adoption and care: states, who may do what, lapse, hours."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from participation.core.errors import N_, Invalid, NotAllowed
from participation.core.geo import parse_coordinates
from participation.core.permissions import (
    Actor,
    Standing,
    is_committee,
    is_platform_admin,
    is_verified_resident,
    register,
)
from participation.core.text import clean_line, clean_multiline, parse_whole_number


class PlotKind(StrEnum):
    FLOWERBED = "flowerbed"
    FLOWER_WALL = "flower_wall"
    POCKET_GARDEN = "pocket_garden"
    TREE_PIT = "tree_pit"
    PLANTER = "planter"
    OTHER = "other"


class PlotStatus(StrEnum):
    AVAILABLE = "available"
    REQUESTED = "requested"
    ADOPTED = "adopted"
    RESTING = "resting"
    RETIRED = "retired"


class AdoptionStatus(StrEnum):
    PENDING = "pending"
    WAITLISTED = "waitlisted"
    ACTIVE = "active"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


OPEN_REQUESTS = (AdoptionStatus.PENDING.value, AdoptionStatus.WAITLISTED.value)


class EndReason(StrEnum):
    RELEASED = "released"
    HANDED_OVER = "handed_over"
    EXPIRED = "expired"
    LAPSED = "lapsed"


class JoinPolicy(StrEnum):
    OPEN = "open"
    REQUEST = "request"


class TeamRole(StrEnum):
    LEADER = "leader"
    MEMBER = "member"


class CareKind(StrEnum):
    WATERING = "watering"
    WEEDING = "weeding"
    PLANTING = "planting"
    CLEANING = "cleaning"
    OTHER = "other"


KIND_LABELS: dict[PlotKind, str] = {
    PlotKind.FLOWERBED: N_("Flowerbed"),
    PlotKind.FLOWER_WALL: N_("Flower wall"),
    PlotKind.POCKET_GARDEN: N_("Pocket garden"),
    PlotKind.TREE_PIT: N_("Tree pit"),
    PlotKind.PLANTER: N_("Planter"),
    PlotKind.OTHER: N_("Other"),
}
STATUS_LABELS: dict[PlotStatus, str] = {
    PlotStatus.AVAILABLE: N_("Available"),
    PlotStatus.REQUESTED: N_("Requested"),
    PlotStatus.ADOPTED: N_("Adopted"),
    PlotStatus.RESTING: N_("Resting"),
    PlotStatus.RETIRED: N_("Retired"),
}
ADOPTION_LABELS: dict[AdoptionStatus, str] = {
    AdoptionStatus.PENDING: N_("Waiting for the committee"),
    AdoptionStatus.WAITLISTED: N_("On the waiting list"),
    AdoptionStatus.ACTIVE: N_("Adopted"),
    AdoptionStatus.DECLINED: N_("Declined"),
    AdoptionStatus.WITHDRAWN: N_("Withdrawn"),
    AdoptionStatus.ENDED: N_("Ended"),
}
CARE_LABELS: dict[CareKind, str] = {
    CareKind.WATERING: N_("Watering"),
    CareKind.WEEDING: N_("Weeding"),
    CareKind.PLANTING: N_("Planting"),
    CareKind.CLEANING: N_("Cleaning"),
    CareKind.OTHER: N_("Other care"),
}

can_manage_plots = register("plots.manage", is_committee | is_platform_admin)
can_found_team = register("teams.found", is_verified_resident)
can_join_team = register("teams.join", is_verified_resident)

NAME_MAX = 80
TEAM_NAME_MAX = 60
NICKNAME_MAX = 40
TEXT_MAX = 2000
TERMS_MONTHS = (3, 6, 12)
MINUTES_MAX = 600  # one check-in: a long morning's work at most
EVERY_DAYS_MAX = 60
IMPORT_ROWS_MAX = 500
LOCATION_MAX = 200


# --- team roles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamPlace:
    """The actor's place in one team."""

    member: bool = False
    leader: bool = False


def require_team_member(actor: Actor, place: TeamPlace) -> None:
    if not (actor.is_authenticated and place.member):
        raise NotAllowed()


def require_team_leader(actor: Actor, place: TeamPlace) -> None:
    """Leaders run their team: its requests, members, tasks and rota."""
    if not (actor.is_authenticated and place.leader):
        raise NotAllowed()


def require_leader_or_committee(actor: Actor, place: TeamPlace, standing: Standing) -> None:
    """Who names a team's leaders: its leaders, or the committee when a team has lost its
    leader (moved away) and must not be left stranded."""
    if actor.is_authenticated and (place.leader or standing.committee or actor.is_admin):
        return
    raise NotAllowed()


# --- plots ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlotInput:
    name: str
    kind: str
    description: str = ""
    location: str = ""
    latitude: str = ""
    longitude: str = ""
    area_m2: str = ""
    care_needs: str = ""


@dataclass(frozen=True)
class CleanPlot:
    name: str
    kind: PlotKind
    description: str
    location: str
    latitude: float | None
    longitude: float | None
    area_m2: int | None
    care_needs: str
    line: int = 0  # the spreadsheet line it came from (0: typed into the form)


def clean_plot(data: PlotInput) -> CleanPlot:
    name = clean_line(data.name, max_length=NAME_MAX)
    if name is None:
        raise Invalid(N_("Please give the plot a name."), field="name")
    try:
        kind = PlotKind(data.kind.strip())
    except ValueError:
        raise Invalid(N_("Please choose what kind of plot this is."), field="kind") from None
    latitude, longitude = parse_coordinates(data.latitude, data.longitude)
    area: int | None = None
    if data.area_m2.strip():
        area = parse_whole_number(data.area_m2.strip(), max_digits=6)
        if area is None or area == 0:
            raise Invalid(N_("Please give the size in whole square metres."), field="area_m2")
    return CleanPlot(
        name=name,
        kind=kind,
        description=_optional_text(data.description, "description"),
        location=_optional_line(data.location, "location"),
        latitude=latitude,
        longitude=longitude,
        area_m2=area,
        care_needs=_optional_text(data.care_needs, "care_needs"),
    )


def _optional_line(text: str, field: str) -> str:
    cleaned = clean_line(text, max_length=LOCATION_MAX, allow_empty=True)
    if cleaned is None:
        raise Invalid(N_("Please keep this under 200 characters."), field=field)
    return cleaned


def _optional_text(text: str, field: str) -> str:
    if not text.strip():
        return ""
    cleaned = clean_multiline(text, max_length=TEXT_MAX)
    if cleaned is None:
        raise Invalid(N_("Please keep this under 2,000 characters."), field=field)
    return cleaned


CSV_COLUMNS = ("name", "kind", "location", "latitude", "longitude", "area_m2", "care_needs")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


def parse_plot_csv(text: str) -> tuple[list[CleanPlot], list[ImportProblem]]:
    """Rows of a committee's plot spreadsheet (UTF-8, a header naming the columns; extra columns
    are ignored). Every row is checked; a file with any problem imports nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if "name" not in header or "kind" not in header:
        return [], [
            ImportProblem(1, N_("The first line must name the columns, including name and kind."))
        ]
    reader.fieldnames = header
    plots: list[CleanPlot] = []
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for row in reader:
        number = reader.line_num  # csv skips blank lines: count the file's own lines
        if len(plots) + len(problems) >= IMPORT_ROWS_MAX:
            problems.append(
                ImportProblem(number, N_("Too many rows: import at most 500 at a time."))
            )
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        values = {key: row.get(key) or "" for key in CSV_COLUMNS}
        try:
            plot = clean_plot(
                PlotInput(**{k: v if isinstance(v, str) else "" for k, v in values.items()})
            )
        except Invalid as exc:
            problems.append(ImportProblem(number, exc.message))
            continue
        if plot.name in seen:
            problems.append(ImportProblem(number, N_("This name appears twice in the file.")))
            continue
        seen.add(plot.name)
        plots.append(replace(plot, line=number))
    if not plots and not problems:
        problems.append(ImportProblem(1, N_("The file has no plots in it.")))
    return plots, problems


# --- adoption ------------------------------------------------------------------------------------


def adoption_end(start: datetime, term_months: int) -> datetime:
    """The end of a term of whole months, on the same day of the month where it exists."""
    month_index = start.month - 1 + term_months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _days_in_month(year, month))
    return start.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# Leaders are reminded this long before their term ends, to renew it or let the plot go.
TERM_REMINDER_DAYS = 14


def term_ends_soon(ends_at: datetime, now: datetime) -> bool:
    """Within the reminder's days of the term's end, or past it (a term that ended without
    renewal still stands until a leader or the committee acts: nothing ends by itself)."""
    return ends_at - now <= timedelta(days=TERM_REMINDER_DAYS)


def check_term(term_months: int) -> int:
    if term_months not in TERMS_MONTHS:
        raise Invalid(N_("Please choose a term of 3, 6 or 12 months."), field="term_months")
    return term_months


# --- care ----------------------------------------------------------------------------------------


class Lapse(StrEnum):
    CARED_FOR = "cared_for"
    WARN_TEAM = "warn_team"  # quiet for lapse_days: the team is reminded
    ASK_COMMITTEE = "ask_committee"  # quiet for lapse_days + grace: the committee decides


def lapse_state(
    last_care: datetime | None,
    adopted_since: datetime,
    now: datetime,
    *,
    lapse_days: int,
    grace_days: int,
) -> Lapse:
    """How long an adopted plot has gone without care. A new adoption counts from its start.
    Nothing is ever released by this: the committee is only asked."""
    since = max(last_care, adopted_since) if last_care else adopted_since
    quiet = now - since
    if quiet >= timedelta(days=lapse_days + grace_days):
        return Lapse.ASK_COMMITTEE
    if quiet >= timedelta(days=lapse_days):
        return Lapse.WARN_TEAM
    return Lapse.CARED_FOR


def check_minutes(text: str) -> int:
    minutes = parse_whole_number(text.strip(), max_digits=4) if text.strip() else None
    if minutes is None or not 1 <= minutes <= MINUTES_MAX:
        raise Invalid(N_("Please give the minutes spent, from 1 to 600."), field="minutes")
    return minutes


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: the rota is kept by week."""
    return day - timedelta(days=day.weekday())


def hours_text(minutes: int) -> str:
    """Volunteer hours as Chengdu records them: hours with one decimal (30 minutes → 0.5)."""
    tenths = (minutes * 10 + 30) // 60
    return f"{tenths // 10}.{tenths % 10}"
