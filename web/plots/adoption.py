"""Adoption: asking for a plot, the committee's decision, renewing, handing over, releasing."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.text import parse_whole_number
from participation.plots import adoption, queries, rules
from web.core.clock import now
from web.core.forms import (
    flash,
    form_fields,
    optional_id,
    path_id,
    see_other,
)
from web.core.users import require_user
from web.plots.pages import plot_url


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
    held = await queries.community_adoption(community.id, path_id(request, "adoption_id"))
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
