"""Plot pages: the list and map, one plot with its team and care timeline, the committee's
plot forms, spreadsheet import and adoption queue, and the team and member actions on a plot."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.permissions import can
from participation.core.text import parse_whole_number
from participation.plots import adoption, care, queries, rules, services
from participation.plots.models import Plot
from participation.plots.rules import PlotInput
from participation.plots.teams import team_place
from web.committee import committee_community
from web.core.clock import now
from web.core.forms import (
    flash,
    form_fields,
    form_with_lists,
    optional_id,
    path_id,
    see_other,
    upload_form,
)
from web.core.i18n import gettext
from web.core.templating import render, share_with_anonymous
from web.core.users import require_user

CSV_MAX_BYTES = 512 * 1024


def labels() -> dict[str, Any]:
    return {
        "kind_labels": rules.KIND_LABELS,
        "status_labels": rules.STATUS_LABELS,
        "adoption_labels": rules.ADOPTION_LABELS,
        "care_labels": rules.CARE_LABELS,
        "terms": rules.TERMS_MONTHS,
        "hours_text": rules.hours_text,
    }


def plot_url(request: Request, community: CommunityInfo, plot_id: int) -> str:
    return request.app.url_path_for("plots:detail", slug=community.slug, plot_id=str(plot_id))


async def list_plots(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    params = request.query_params
    filters = queries.normalise_filters(
        status=params.get("status", ""),
        kind=params.get("kind", ""),
        query=params.get("q", ""),
        page=params.get("page", "1"),
    )
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    return render(
        request,
        "plots/list.html",
        {
            "community": community,
            "plots": await queries.list_plots(community.id, filters),
            "manages": can("plots.manage", request.state.actor, standing),
            "tiles": request.app.state.settings.map_tile_url,
            "attribution": request.app.state.settings.map_attribution,
            **labels(),
        },
        fragment="results",
        shared=True,
    )


async def map_data(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    plots = await queries.map_plots(community.id)
    if request.state.user is None:
        share_with_anonymous(request)
    return JSONResponse(
        {
            "plots": [
                {
                    "id": p.id,
                    "name": p.name,
                    "status": p.status,
                    "status_label": gettext(rules.STATUS_LABELS[rules.PlotStatus(p.status)]),
                    "kind_label": gettext(rules.KIND_LABELS[rules.PlotKind(p.kind)]),
                    "lat": p.latitude,
                    "lng": p.longitude,
                    "url": plot_url(request, community, p.id),
                    "team": p.team_name,
                }
                for p in plots
            ]
        },
        headers={"Cache-Control": "private, max-age=60"},
    )


async def plot_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    plot = await queries.community_plot(community.id, path_id(request, "plot_id"))
    return await _plot_page(request, community, plot)


async def _plot_page(
    request: Request,
    community: CommunityInfo,
    plot: Any,
    *,
    error: Invalid | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    manages = can("plots.manage", actor, standing)
    page = await queries.plot_page(plot, today=now(request).date(), show_hidden=manages)
    place = await team_place(actor.user_id, page.current.team_id) if page.current else None
    led = [
        team
        for team, role, status in await queries.my_teams(actor.user_id, community.id)
        if role == rules.TeamRole.LEADER.value and status == "active"
    ]
    return render(
        request,
        "plots/detail.html",
        {
            "community": community,
            "page": page,
            "manages": manages,
            "in_team": bool(place and place.member),
            "leads_team": bool(place and place.leader),
            "led_teams": led,
            "requested": {a.team_id for a in page.queue}
            | ({page.current.team_id} if page.current else set()),
            "other_teams": await queries.list_teams(community.id) if page.current else [],
            "team_members": [
                m for m in await queries.members_of(page.current.team_id) if m.status == "active"
            ]
            if place and place.leader and page.current
            else [],
            "today": now(request).date().isoformat(),
            "error": error,
            "form": form or {},
            **labels(),
        },
        status_code=status_code,
        shared=True,
    )


# --- committee: plots ----------------------------------------------------------------------------


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
        upload = care.PhotoUpload(data, fields.get("alt_text", ""), request.app.state.storage)
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
            "columns": rules.CSV_COLUMNS,
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
            return _import_page(request, community, error=Invalid(_NOT_UTF8))
    try:
        count = await services.import_plots(
            request.state.actor, community.id, text, now=now(request)
        )
    except Invalid as exc:
        return _import_page(request, community, text=text if data is None else "", error=exc)
    flash(request, N_("%(count)s plots imported."), count=count)
    return see_other(request.app.url_path_for("plots:list", slug=community.slug))


_CSV_TOO_BIG = N_("The file is too large: import at most 500 plots at a time.")
_NOT_UTF8 = N_("Please save the spreadsheet as CSV in UTF-8 and try again.")


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


# --- adoption ------------------------------------------------------------------------------------


async def request_adoption(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    plot_id = path_id(request, "plot_id")
    fields = await form_fields(request)
    team_id = optional_id(fields.get("team_id"))
    if team_id is None:
        raise Invalid(N_("Please choose your team."), field="team_id")
    term = parse_whole_number(fields.get("term_months", ""), max_digits=2) or 0
    made = await adoption.request_adoption(
        request.state.actor, community.id, plot_id, team_id, term, now=now(request)
    )
    flash(request, _REQUEST_NOTICES[made.status])
    return see_other(plot_url(request, community, plot_id))


_REQUEST_NOTICES = {
    rules.AdoptionStatus.PENDING.value: N_("Request sent: the committee will decide soon."),
    rules.AdoptionStatus.WAITLISTED.value: N_(
        "Another team has this plot: your team is on the waiting list."
    ),
    rules.AdoptionStatus.ACTIVE.value: N_("Your team has adopted this plot."),
}


async def _adoption_action(request: Request) -> tuple[CommunityInfo, Any, dict[str, str]]:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    held = await adoption.community_adoption(community.id, path_id(request, "adoption_id"))
    return community, held, await form_fields(request)


async def decide(request: Request) -> Response:
    community, held, fields = await _adoption_action(request)
    approve = fields.get("decision") == "approve"
    await adoption.decide_adoption(
        request.state.actor,
        community.id,
        held.id,
        approve,
        fields.get("reason", ""),
        now=now(request),
    )
    flash(request, N_("Adoption approved.") if approve else N_("Request declined."))
    back = fields.get("back") == "queue"
    if back:
        return see_other(request.app.url_path_for("plots:queue", slug=community.slug))
    return see_other(plot_url(request, community, held.plot_id))


async def withdraw(request: Request) -> Response:
    community, held, _fields = await _adoption_action(request)
    await adoption.withdraw_request(request.state.actor, community.id, held.id, now=now(request))
    flash(request, N_("Request withdrawn."))
    return see_other(plot_url(request, community, held.plot_id))


async def release(request: Request) -> Response:
    community, held, fields = await _adoption_action(request)
    await adoption.release(
        request.state.actor, community.id, held.id, fields.get("reason", ""), now=now(request)
    )
    flash(request, N_("The plot has been released."))
    return see_other(plot_url(request, community, held.plot_id))


async def renew(request: Request) -> Response:
    community, held, fields = await _adoption_action(request)
    term = parse_whole_number(fields.get("term_months", ""), max_digits=2) or 0
    await adoption.renew(request.state.actor, community.id, held.id, term, now=now(request))
    flash(request, N_("Adoption renewed."))
    return see_other(plot_url(request, community, held.plot_id))


async def hand_over(request: Request) -> Response:
    community, held, fields = await _adoption_action(request)
    to_team = optional_id(fields.get("team_id"))
    if to_team is None:
        raise Invalid(N_("Please choose another team."), field="team_id")
    await adoption.hand_over(request.state.actor, community.id, held.id, to_team, now=now(request))
    flash(request, N_("The plot has been handed over."))
    return see_other(plot_url(request, community, held.plot_id))


async def nickname(request: Request) -> Response:
    community, held, fields = await _adoption_action(request)
    await adoption.set_nickname(
        request.state.actor, community.id, held.id, fields.get("nickname", ""), now=now(request)
    )
    flash(request, N_("Nickname saved."))
    return see_other(plot_url(request, community, held.plot_id))


# --- care ----------------------------------------------------------------------------------------


async def add_task(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    plot_id = path_id(request, "plot_id")
    fields = await form_fields(request)
    await care.add_task(
        request.state.actor,
        community.id,
        plot_id,
        fields.get("kind", ""),
        fields.get("every_days", ""),
        fields.get("note", ""),
        now=now(request),
    )
    flash(request, N_("Task added."))
    return see_other(plot_url(request, community, plot_id) + "#care")


async def stop_task(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    task_id = path_id(request, "task_id")
    plot_id = await care.stop_task(request.state.actor, community.id, task_id, now=now(request))
    flash(request, N_("Task stopped."))
    return see_other(plot_url(request, community, plot_id) + "#care")


async def rota(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    task_id = path_id(request, "task_id")
    fields, lists = await form_with_lists(request)
    week = _date(fields.get("week", ""), "week")
    members = [optional_id(value) for value in lists.get("members", [])[:100]]
    plot_id = await care.assign_week(
        request.state.actor,
        community.id,
        task_id,
        week,
        [member for member in members if member is not None],
        now=now(request),
    )
    flash(request, N_("Rota saved."))
    return see_other(plot_url(request, community, plot_id) + "#care")


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise Invalid(N_("Please give a date."), field=field) from None


async def log_care(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    plot = await queries.community_plot(community.id, path_id(request, "plot_id"))
    fields, photo = await upload_form(request)
    done_on = _date(fields["done_on"], "done_on") if fields.get("done_on") else None
    data = care.CareInput(
        kind=fields.get("kind", ""),
        minutes=fields.get("minutes", ""),
        note=fields.get("note", ""),
        task_id=optional_id(fields.get("task_id")),
        done_on=done_on,
    )
    upload = (
        care.PhotoUpload(photo, fields.get("alt_text", ""), request.app.state.storage)
        if photo
        else None
    )
    try:
        await care.log_care(
            request.state.actor, community.id, plot.id, data, upload=upload, now=now(request)
        )
    except Invalid as exc:
        return await _plot_page(request, community, plot, error=exc, form=fields, status_code=422)
    flash(request, N_("Thank you! Your care is logged."))
    return see_other(plot_url(request, community, plot.id) + "#timeline")


async def hide_log(request: Request) -> Response:
    community = await committee_community(request)
    log_id = path_id(request, "log_id")
    fields = await form_fields(request)
    plot_id = await care.hide_care_log(
        request.state.actor, community.id, log_id, fields.get("hidden") != "0", now=now(request)
    )
    return see_other(plot_url(request, community, plot_id) + "#timeline")


routes = [
    Route("/c/{slug}/plots", list_plots, name="plots:list"),
    Route("/c/{slug}/plots", create_plot, methods=["POST"], name="plots:create"),
    Route("/c/{slug}/plots/map.json", map_data, name="plots:map"),
    Route("/c/{slug}/plots/new", new_plot, name="plots:new"),
    Route("/c/{slug}/plots/import", import_form, name="plots:import_form"),
    Route("/c/{slug}/plots/import", import_plots, methods=["POST"], name="plots:import"),
    Route("/c/{slug}/plots/adoptions", adoption_queue, name="plots:queue"),
    Route("/c/{slug}/plots/{plot_id}", plot_page, name="plots:detail"),
    Route("/c/{slug}/plots/{plot_id}/edit", edit_plot_form, name="plots:edit"),
    Route("/c/{slug}/plots/{plot_id}/edit", update_plot, methods=["POST"], name="plots:update"),
    Route("/c/{slug}/plots/{plot_id}/photo", set_photo, methods=["POST"], name="plots:photo"),
    Route("/c/{slug}/plots/{plot_id}/status", set_status, methods=["POST"], name="plots:status"),
    Route(
        "/c/{slug}/plots/{plot_id}/adopt",
        request_adoption,
        methods=["POST"],
        name="plots:request",
    ),
    Route("/c/{slug}/plots/{plot_id}/tasks", add_task, methods=["POST"], name="plots:add_task"),
    Route("/c/{slug}/plots/{plot_id}/care", log_care, methods=["POST"], name="plots:log_care"),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/decide", decide, methods=["POST"], name="plots:decide"
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/withdraw",
        withdraw,
        methods=["POST"],
        name="plots:withdraw",
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/release", release, methods=["POST"], name="plots:release"
    ),
    Route("/c/{slug}/adoptions/{adoption_id}/renew", renew, methods=["POST"], name="plots:renew"),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/hand-over",
        hand_over,
        methods=["POST"],
        name="plots:hand_over",
    ),
    Route(
        "/c/{slug}/adoptions/{adoption_id}/nickname",
        nickname,
        methods=["POST"],
        name="plots:nickname",
    ),
    Route(
        "/c/{slug}/plots/from-project/{proposal_id}",
        from_project,
        methods=["POST"],
        name="plots:from_project",
    ),
    Route("/c/{slug}/tasks/{task_id}/stop", stop_task, methods=["POST"], name="plots:stop_task"),
    Route("/c/{slug}/tasks/{task_id}/rota", rota, methods=["POST"], name="plots:rota"),
    Route("/c/{slug}/care/{log_id}/hide", hide_log, methods=["POST"], name="plots:hide_log"),
]
