"""Adoptions as pages show them (the plot's queue, the committee's) and as their rules see
them (AdoptionSubject, and the PlotSubject of the plot they adopt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.core.errors import NotFound
from participation.plots.models import Adoption, Team
from participation.plots.queries.teams import team_subjects
from participation.plots.rules import AdoptionStatus, AdoptionSubject, PlotSubject

ACTIVE = AdoptionStatus.ACTIVE.value


async def community_adoption(community_id: int, adoption_id: int) -> Adoption:
    """An adoption of this community's plots; another community's is a 404 like a missing one."""
    adoption = await Adoption.get_or_none(id=adoption_id, plot__community_id=community_id)
    if adoption is None:
        raise NotFound()
    return adoption


async def active_adoption(plot_id: int) -> Adoption | None:
    return await Adoption.get_or_none(plot_id=plot_id, status=ACTIVE)


async def adoption_subject(adoption: Adoption) -> AdoptionSubject:
    teams = await team_subjects([adoption.team_id])
    return AdoptionSubject(team=teams[adoption.team_id], status=AdoptionStatus(adoption.status))


async def plot_subject(current: Adoption | None) -> PlotSubject:
    """The plot as its care rules see it, from its current (active) adoption, if any."""
    if current is None:
        return PlotSubject()
    teams = await team_subjects([current.team_id])
    return PlotSubject(team=teams[current.team_id])


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
    subject: AdoptionSubject  # what the adoption's rules are asked about


async def adoption_views(adoptions: list[Adoption]) -> list[AdoptionView]:
    team_ids = {a.team_id for a in adoptions}
    names = {team.id: team.name for team in await Team.filter(id__in=team_ids).only("id", "name")}
    subjects = await team_subjects(team_ids)
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
            subject=AdoptionSubject(subjects[a.team_id], AdoptionStatus(a.status)),
        )
        for a in adoptions
    ]


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
        views = await adoption_views(list(group))
        result.append(
            [QueueItem(view, a.plot_id, a.plot.name) for view, a in zip(views, group, strict=True)]
        )
    return result[0], result[1]
