"""The plot list, its map data and one plot's page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.permissions import can
from participation.moderation.rules import REASONS
from participation.plots import queries, rules
from web.core.clock import now
from web.core.forms import path_id
from web.core.i18n import gettext
from web.core.templating import render


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
            "standing": standing,
            "plots": await queries.list_plots(community.id, filters),
            "tiles": request.app.state.settings.map_tile_url,
            "attribution": request.app.state.settings.map_attribution,
            **labels(),
        },
        fragment="results",
    )


async def map_data(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    plots = await queries.map_plots(community.id)
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
    return await render_plot_page(request, community, plot)


async def render_plot_page(
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
    page = await queries.plot_page(
        plot, today=now(request).date(), show_hidden=can("plots.manage", actor, standing)
    )
    # The teams the visitor may ask to adopt this plot for: those they lead.
    led = [
        team
        for team, subject in await queries.my_team_subjects(actor.user_id, community.id)
        if can("teams.lead", actor, standing, subject)
    ]
    plans_care = page.current is not None and can("plots.plan_care", actor, standing, page.subject)
    return render(
        request,
        "plots/detail.html",
        {
            "community": community,
            "standing": standing,
            "page": page,
            "led_teams": led,
            "requested": {a.team_id for a in page.queue}
            | ({page.current.team_id} if page.current else set()),
            "other_teams": await queries.list_teams(community.id) if page.current else [],
            # Whom the rota may put down: the adopting team's active members.
            "team_members": [
                m for m in await queries.members_of(page.current.team_id) if m.status == "active"
            ]
            if plans_care and page.current
            else [],
            "today": now(request).date().isoformat(),
            "error": error,
            "form": form or {},
            "moderation_reasons": REASONS,
            **labels(),
        },
        status_code=status_code,
    )


NOT_UTF8 = N_("Please save the spreadsheet as CSV in UTF-8 and try again.")
