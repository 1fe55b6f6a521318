"""Pure rules for plots, teams, adoption and care: states, who may do what, lapse, hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from participation.core.errors import N_, Invalid
from participation.core.permissions import (
    about_subject,
    is_committee,
    is_platform_admin,
    is_verified_resident,
    register,
)
from participation.core.text import parse_whole_number


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

NAME_MAX = 80
TEAM_NAME_MAX = 60
NICKNAME_MAX = 40
TEXT_MAX = 2000
TERMS_MONTHS = (3, 6, 12)
MINUTES_MAX = 600  # one check-in: a long morning's work at most
EVERY_DAYS_MAX = 60


# --- who may do what -----------------------------------------------------------------------------
# The subjects the rules are asked about, as participation/plots/queries builds them from the
# database. The rules say who; the services say separately when the state forbids (Invalid).


@dataclass(frozen=True)
class TeamSubject:
    """A team as its rules see it."""

    team_id: int
    join_policy: JoinPolicy
    leader_ids: frozenset[int] = frozenset()
    member_ids: frozenset[int] = frozenset()  # active members, leaders among them
    asking_ids: frozenset[int] = frozenset()  # asked to join, not yet let in


@dataclass(frozen=True)
class AdoptionSubject:
    """An adoption, or a team's request for one: the team and where it stands."""

    team: TeamSubject
    status: AdoptionStatus


@dataclass(frozen=True)
class PlotSubject:
    """A plot as its care rules see it: the team of its current adoption (None: nobody's)."""

    team: TeamSubject | None = None


@dataclass(frozen=True)
class CareLogSubject:
    member_id: int
    team_id: int


@dataclass(frozen=True)
class HoursSubject:
    """Whose volunteer hours (and certificate) are asked about."""

    member_id: int


def _leaders(subject: TeamSubject | AdoptionSubject | PlotSubject) -> frozenset[int]:
    team = subject if isinstance(subject, TeamSubject) else subject.team
    return team.leader_ids if team is not None else frozenset()


leads_team = about_subject("leads_team", lambda a, s: a.user_id in _leaders(s))
in_team = about_subject("in_team", lambda a, t: a.user_id in t.member_ids)
asks_to_join = about_subject("asks_to_join", lambda a, t: a.user_id in t.asking_ids)
in_adopting_team = about_subject(
    "in_adopting_team", lambda a, p: p.team is not None and a.user_id in p.team.member_ids
)
own_hours = about_subject("own_hours", lambda a, h: a.user_id == h.member_id)

# The committee (and platform admins): plots, the adoption queue, hidden care logs.
can_manage_plots = register("plots.manage", is_committee | is_platform_admin)
can_found_team = register("teams.found", is_verified_resident)
can_join_team = register("teams.join", is_verified_resident)
# Leaders run their team: its name, who gets in, the plots it asks for (TeamSubject).
can_lead_team = register("teams.lead", leads_team)
# Who asks to join is seen by those who decide and by the committee, which oversees teams.
can_see_requests = register("teams.see_requests", leads_team | can_manage_plots)
# A team's leaders name its leaders; the committee may too, when a team has lost its leader
# (moved away) and must not be left stranded.
can_set_leader = register("teams.set_leader", leads_team | can_manage_plots)
can_leave_team = register("teams.leave", in_team | asks_to_join)
# The adopting team's members log care on its plot; its leaders plan the care (tasks and
# rota) (PlotSubject).
can_log_care = register("plots.log_care", in_adopting_team)
can_plan_care = register("plots.plan_care", leads_team)
# An adoption (AdoptionSubject): the team's leaders withdraw its request and name its plot;
# they or the committee renew, hand over and release it. The committee moderates names: it may
# clear one, not choose one.
can_withdraw = register("plots.withdraw", leads_team)
can_nickname = register("plots.nickname", leads_team)
can_clear_nickname = register("plots.clear_nickname", leads_team | can_manage_plots)
can_renew = register("plots.renew", leads_team | can_manage_plots)
can_hand_over = register("plots.hand_over", leads_team | can_manage_plots)
can_release = register("plots.release", leads_team | can_manage_plots)
# A volunteer's hours and certificate are theirs and the committee's (HoursSubject).
can_see_hours = register("teams.see_hours", own_hours | can_manage_plots)


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
