"""Care: tasks, the rota and care logs."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.core.errors import N_, Invalid
from participation.media.services import PhotoUpload
from participation.moderation.services import actions
from participation.plots import care, queries
from web.communities.committee import committee_community
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
from web.core.users import require_user
from web.moderation.guard import personal_data_guard
from web.plots.pages import plot_url, render_plot_page


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
    texts = {"note": N_("Note (optional)")}
    if asked := personal_data_guard(request, fields, texts, file_field="photo"):
        return asked
    done_on = _date(fields["done_on"], "done_on") if fields.get("done_on") else None
    data = care.CareInput(
        kind=fields.get("kind", ""),
        minutes=fields.get("minutes", ""),
        note=fields.get("note", ""),
        task_id=optional_id(fields.get("task_id")),
        done_on=done_on,
    )
    upload = (
        PhotoUpload(photo, fields.get("alt_text", ""), request.app.state.storage) if photo else None
    )
    try:
        await care.log_care(
            request.state.actor, community.id, plot.id, data, upload=upload, now=now(request)
        )
    except Invalid as exc:
        return await render_plot_page(
            request, community, plot, error=exc, form=fields, status_code=422
        )
    flash(request, N_("Thank you! Your care is logged."))
    return see_other(plot_url(request, community, plot.id) + "#timeline")


async def hide_log(request: Request) -> Response:
    """The committee hides a care log nobody reported (an unsuitable note or photo), or shows
    it again: a moderation action, in the public log."""
    community = await committee_community(request)
    log = await queries.community_care_log(community.id, path_id(request, "log_id"))
    fields = await form_fields(request)
    await actions.hide_directly(
        request.state.actor,
        community.id,
        "care_log",
        log.id,
        hidden=fields.get("hidden") != "0",
        reason=fields.get("reason", "other"),
        now=now(request),
    )
    return see_other(plot_url(request, community, log.plot_id) + f"#log-{log.id}")
