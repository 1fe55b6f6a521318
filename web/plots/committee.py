"""The committee's plots: new, edit, photo, status, CSV import, from a project, requests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.media.services import PhotoUpload
from participation.plots import queries, rules, services
from participation.plots.models import Plot
from participation.plots.plot_input import CSV_COLUMNS, PlotInput
from web.communities.committee import committee_community
from web.core.clock import now
from web.core.forms import (
    flash,
    form_fields,
    path_id,
    see_other,
    upload_form,
)
from web.core.templating import render
from web.plots.pages import NOT_UTF8, labels, plot_url

CSV_MAX_BYTES = 512 * 1024


def _plot_input(fields: dict[str, str]) -> PlotInput:
    return PlotInput(
        name=fields.get("name", ""),
        kind=fields.get("kind", ""),
        description=fields.get("description", ""),
        location=fields.get("location", ""),
        latitude=fields.get("latitude", ""),
        longitude=fields.get("longitude", ""),
        area_m2=fields.get("area_m2", ""),
        care_needs=fields.get("care_needs", ""),
    )


async def new_plot(request: Request) -> Response:
    community = await committee_community(request)
    return await _plot_form(request, community, None, {})


async def _plot_form(
    request: Request,
    community: CommunityInfo,
    plot: Plot | None,
    form: dict[str, str],
    error: Invalid | None = None,
    *,
    photo_error: Invalid | None = None,
) -> Response:
    """The form to add a plot (``plot`` None) or edit one, with the plot's photo."""
    photo = await queries.plot_photo(plot) if plot is not None else None
    return render(
        request,
        "plots/form.html",
        {
            "community": community,
            "plot_id": plot.id if plot is not None else None,
            "form": form,
            "error": error,
            "photo": photo,
            "photo_error": photo_error,
            **labels(),
        },
        status_code=422 if error or photo_error else 200,
        private=True,
    )


async def create_plot(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    try:
        plot = await services.create_plot(
            request.state.actor, community.id, _plot_input(fields), now=now(request)
        )
    except Invalid as exc:
        return await _plot_form(request, community, None, fields, exc)
    flash(request, N_("Plot added."))
    return see_other(plot_url(request, community, plot.id))


async def edit_plot_form(request: Request) -> Response:
    community = await committee_community(request)
    plot = await queries.community_plot(community.id, path_id(request, "plot_id"))
    return await _plot_form(request, community, plot, _form_of(plot))


def _form_of(plot: Plot) -> dict[str, str]:
    return {
        "name": plot.name,
        "kind": plot.kind,
        "description": plot.description,
        "location": plot.location,
        "latitude": "" if plot.latitude is None else str(plot.latitude),
        "longitude": "" if plot.longitude is None else str(plot.longitude),
        "area_m2": "" if plot.area_m2 is None else str(plot.area_m2),
        "care_needs": plot.care_needs,
    }


async def update_plot(request: Request) -> Response:
    community = await committee_community(request)
    plot_id = path_id(request, "plot_id")
    fields = await form_fields(request)
    try:
        await services.edit_plot(
            request.state.actor, community.id, plot_id, _plot_input(fields), now=now(request)
        )
    except Invalid as exc:
        plot = await queries.community_plot(community.id, plot_id)  # another community's: 404
        return await _plot_form(request, community, plot, fields, exc)
    flash(request, N_("Plot saved."))
    return see_other(plot_url(request, community, plot_id))


async def set_photo(request: Request) -> Response:
    """The plot's own photo: a new one replaces it; ``remove`` takes it away."""
    community = await committee_community(request)
    plot = await queries.community_plot(community.id, path_id(request, "plot_id"))
    fields, data = await upload_form(request)
    upload = None
    if data:
        upload = PhotoUpload(data, fields.get("alt_text", ""), request.app.state.storage)
    try:
        if upload is None and fields.get("remove") != "1":
            raise Invalid(N_("Please choose a photo."), field="photo")
        await services.set_plot_photo(
            request.state.actor, community.id, plot.id, upload, now=now(request)
        )
    except Invalid as exc:
        return await _plot_form(request, community, plot, _form_of(plot), photo_error=exc)
    flash(request, N_("Photo saved.") if upload else N_("Photo removed."))
    return see_other(plot_url(request, community, plot.id))


async def set_status(request: Request) -> Response:
    community = await committee_community(request)
    plot_id = path_id(request, "plot_id")
    fields = await form_fields(request)
    await services.set_plot_status(
        request.state.actor, community.id, plot_id, fields.get("status", ""), now=now(request)
    )
    flash(request, N_("Plot status changed."))
    return see_other(plot_url(request, community, plot_id))


async def import_form(request: Request) -> Response:
    community = await committee_community(request)
    return _import_page(request, community)


def _import_page(
    request: Request,
    community: CommunityInfo,
    *,
    text: str = "",
    error: Invalid | None = None,
) -> Response:
    return render(
        request,
        "plots/import.html",
        {
            "community": community,
            "text": text,
            "error": error,
            "problems": getattr(error, "problems", []),
            "columns": CSV_COLUMNS,
            "kinds": list(rules.PlotKind),
            **labels(),
        },
        status_code=422 if error else 200,
        private=True,
    )


async def import_plots(request: Request) -> Response:
    """A spreadsheet saved as CSV, uploaded as a file or pasted into the box."""
    community = await committee_community(request)
    fields, data = await upload_form(request, field="file")
    text = fields.get("csv", "")
    if data is not None:
        if len(data) > CSV_MAX_BYTES:
            return _import_page(request, community, error=Invalid(_CSV_TOO_BIG))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _import_page(request, community, error=Invalid(NOT_UTF8))
    try:
        count = await services.import_plots(
            request.state.actor, community.id, text, now=now(request)
        )
    except Invalid as exc:
        return _import_page(request, community, text=text if data is None else "", error=exc)
    flash(request, N_("%(count)s plots imported."), count=count)
    return see_other(request.app.url_path_for("plots:list", slug=community.slug))


_CSV_TOO_BIG = N_("The file is too large: import at most 500 plots at a time.")


async def from_project(request: Request) -> Response:
    community = await committee_community(request)
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    count = await services.plots_from_project(
        request.state.actor,
        community.id,
        proposal_id,
        fields.get("names", ""),
        fields.get("kind", ""),
        now=now(request),
    )
    flash(request, N_("%(count)s plots imported."), count=count)
    return see_other(request.app.url_path_for("plots:list", slug=community.slug))


async def adoption_queue(request: Request) -> Response:
    community = await committee_community(request)
    pending, prompted = await queries.adoption_queue(community.id)
    return render(
        request,
        "plots/queue.html",
        {"community": community, "pending": pending, "prompted": prompted, **labels()},
        private=True,
    )
