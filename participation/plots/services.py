"""Plots: the committee creates them (one by one or from a spreadsheet) and rests or retires
them. Every change is audited in its own transaction."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid
from participation.core.permissions import Actor, require
from participation.media.services import PhotoUpload, accept_photo
from participation.plots.models import Adoption, Plot
from participation.plots.plot_input import (
    CleanPlot,
    ImportProblem,
    PlotInput,
    clean_plot,
    parse_plot_csv,
)
from participation.plots.plot_state import settle_plot
from participation.plots.queries import community_plot
from participation.plots.rules import AdoptionStatus, PlotStatus
from participation.proposals.queries import completed_project_place


class ImportRefused(Invalid):
    """A spreadsheet with problems: nothing was imported; each problem names its line."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(N_("Nothing was imported: please correct the lines listed and try again."))


async def _manage(actor: Actor, community_id: int) -> None:
    require("plots.manage", actor, await get_standing(actor.user_id, community_id))


def _plot_fields(plot: CleanPlot) -> dict[str, object]:
    return {
        "name": plot.name,
        "kind": plot.kind.value,
        "description": plot.description,
        "location": plot.location,
        "latitude": plot.latitude,
        "longitude": plot.longitude,
        "area_m2": plot.area_m2,
        "care_needs": plot.care_needs,
    }


_NAME_TAKEN = N_("This community already has a plot with that name.")


async def create_plot(actor: Actor, community_id: int, data: PlotInput, *, now: datetime) -> Plot:
    await _manage(actor, community_id)
    fields = _plot_fields(clean_plot(data))
    try:
        async with transaction() as conn:
            plot = await Plot.create(
                community_id=community_id,
                status=PlotStatus.AVAILABLE.value,
                created_at=now,
                updated_at=now,
                using_db=conn,
                **fields,
            )
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="plots.create",
                target=f"plot:{plot.id}",
                at=now,
                after={"name": plot.name, "kind": plot.kind},
            )
    except IntegrityError:
        raise Invalid(_NAME_TAKEN, field="name") from None
    return plot


async def import_plots(actor: Actor, community_id: int, text: str, *, now: datetime) -> int:
    """Plots from the committee's spreadsheet, all or none; returns how many were created."""
    await _manage(actor, community_id)
    plots, problems = parse_plot_csv(text)
    existing = set(
        await Plot.filter(
            community_id=community_id, name__in=[plot.name for plot in plots]
        ).values_list("name", flat=True)
    )
    problems += [ImportProblem(plot.line, _NAME_TAKEN) for plot in plots if plot.name in existing]
    if problems:
        raise ImportRefused(sorted(problems, key=lambda problem: problem.line))
    try:
        async with transaction() as conn:
            await Plot.bulk_create(
                [
                    Plot(
                        community_id=community_id,
                        status=PlotStatus.AVAILABLE.value,
                        created_at=now,
                        updated_at=now,
                        **_plot_fields(plot),
                    )
                    for plot in plots
                ],
                using_db=conn,
            )
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="plots.import",
                target=f"community:{community_id}",
                at=now,
                after={"count": len(plots)},
            )
    except IntegrityError:  # another import or a new plot took a name meanwhile
        raise Conflict() from None
    return len(plots)


async def plots_from_project(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    names: str,
    kind: str,
    *,
    now: datetime,
) -> int:
    """A completed project (a pocket garden, a new flower wall) becomes plots for teams to
    adopt: one per name given, placed where the project was. Returns how many."""
    await _manage(actor, community_id)
    place = await completed_project_place(community_id, proposal_id)
    lines = [line for line in names.replace("\r", "\n").split("\n") if line.strip()]
    if not 1 <= len(lines) <= 50:
        raise Invalid(N_("Please give one to fifty plot names, one per line."), field="names")
    lat = "" if place.latitude is None else str(place.latitude)
    lng = "" if place.longitude is None else str(place.longitude)
    plots = [
        clean_plot(PlotInput(line, kind, location=place.location, latitude=lat, longitude=lng))
        for line in lines
    ]
    if len({plot.name for plot in plots}) != len(plots):
        raise Invalid(N_("This name appears twice in the file."), field="names")
    try:
        async with transaction() as conn:
            for plot in plots:
                await Plot.create(
                    community_id=community_id,
                    status=PlotStatus.AVAILABLE.value,
                    source_proposal_id=proposal_id,
                    created_at=now,
                    updated_at=now,
                    using_db=conn,
                    **_plot_fields(plot),
                )
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="plots.from_project",
                target=f"proposal:{proposal_id}",
                at=now,
                after={"names": [plot.name for plot in plots]},
            )
    except IntegrityError:
        raise Invalid(_NAME_TAKEN, field="names") from None
    return len(plots)


async def edit_plot(
    actor: Actor, community_id: int, plot_id: int, data: PlotInput, *, now: datetime
) -> Plot:
    await _manage(actor, community_id)
    plot = await community_plot(community_id, plot_id)
    fields = _plot_fields(clean_plot(data))
    before = {name: getattr(plot, name) for name in fields}
    try:
        async with transaction() as conn:
            await Plot.filter(id=plot.id).using_db(conn).update(updated_at=now, **fields)
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="plots.edit",
                target=f"plot:{plot.id}",
                at=now,
                before=before,
                after=fields,
            )
    except IntegrityError:
        raise Invalid(_NAME_TAKEN, field="name") from None
    return await community_plot(community_id, plot_id)


async def set_plot_photo(
    actor: Actor, community_id: int, plot_id: int, upload: PhotoUpload | None, *, now: datetime
) -> Plot:
    """The committee gives the plot its own photo, through the safe photo pipeline (and the
    uploader's daily quota), or takes it away with ``upload`` None. The photo is stored first,
    then linked; a photo whose link fails stays unused, never a link to a missing file."""
    await _manage(actor, community_id)
    plot = await community_plot(community_id, plot_id)
    photo_id = None
    if upload is not None:
        photo = await accept_photo(
            actor, community_id, upload.data, upload.alt_text, upload.storage, now=now
        )
        photo_id = photo.id
    async with transaction() as conn:
        await Plot.filter(id=plot.id).using_db(conn).update(photo_id=photo_id, updated_at=now)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.photo",
            target=f"plot:{plot.id}",
            at=now,
            before={"photo_id": plot.photo_id},
            after={"photo_id": photo_id},
        )
    return await community_plot(community_id, plot_id)


# A plot rests (a season off, replanting) or retires (gone for good) only when no team holds
# it; available again from either.
_SETTABLE = {PlotStatus.AVAILABLE, PlotStatus.RESTING, PlotStatus.RETIRED}


async def set_plot_status(
    actor: Actor, community_id: int, plot_id: int, status: str, *, now: datetime
) -> Plot:
    await _manage(actor, community_id)
    plot = await community_plot(community_id, plot_id)
    try:
        wanted = PlotStatus(status)
    except ValueError:
        raise Invalid() from None
    if wanted not in _SETTABLE:
        raise Invalid()
    async with transaction() as conn:
        held = (
            await Adoption.filter(plot_id=plot.id, status=AdoptionStatus.ACTIVE.value)
            .using_db(conn)
            .exists()
        )
        if held:
            raise Invalid(N_("A team is caring for this plot: end its adoption first."))
        changed = (
            await Plot.filter(id=plot.id, status=plot.status)
            .using_db(conn)
            .update(status=wanted.value, updated_at=now)
        )
        if not changed:
            raise Conflict()
        # Open again: a team waiting in line moves up, and a request still pending keeps the
        # plot "requested" rather than showing it free.
        await settle_plot(conn, plot.id, community_id, now)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.set_status",
            target=f"plot:{plot.id}",
            at=now,
            before={"status": plot.status},
            after={"status": wanted.value},
        )
    return await community_plot(community_id, plot_id)
