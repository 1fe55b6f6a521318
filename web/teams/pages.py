"""Teams: the list, a team's page, founding, editing, joining, leaving, members and leaders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.permissions import can
from participation.plots import queries, rules
from participation.plots import teams as services
from participation.plots.teams import TeamInput
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user
from web.moderation.guard import personal_data_guard
from web.plots.pages import labels


def _team_url(request: Request, community: CommunityInfo, team_id: int) -> str:
    return request.app.url_path_for("teams:detail", slug=community.slug, team_id=str(team_id))


async def list_teams(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    return render(
        request,
        "teams/list.html",
        {
            "community": community,
            "standing": standing,
            "teams": await queries.list_teams(community.id),
            "mine": {
                team.id: status
                for team, _r, status in await queries.my_teams(actor.user_id, community.id)
            },
        },
    )


async def team_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    team = await queries.community_team(community.id, path_id(request, "team_id"))
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    mine = {t.id: status for t, _r, status in await queries.my_teams(actor.user_id, community.id)}
    return render(
        request,
        "teams/detail.html",
        {
            "community": community,
            "standing": standing,
            "page": await queries.team_page(team, show_hidden=can("plots.manage", actor, standing)),
            "my_status": mine.get(team.id),
            **labels(),
        },
    )


TEAM_TEXT = {"name": N_("Team name"), "description": N_("About the team (optional)")}


def _team_input(fields: dict[str, str]) -> TeamInput:
    return TeamInput(
        name=fields.get("name", ""),
        description=fields.get("description", ""),
        join_policy=fields.get("join_policy", rules.JoinPolicy.OPEN.value),
    )


def _team_form(
    request: Request,
    community: CommunityInfo,
    team_id: int | None,
    form: dict[str, str],
    error: Invalid | None = None,
) -> Response:
    return render(
        request,
        "teams/form.html",
        {"community": community, "team_id": team_id, "form": form, "error": error},
        status_code=422 if error else 200,
        private=True,
    )


async def new_team(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    return _team_form(request, community, None, {"join_policy": "open"})


async def found_team(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    if asked := personal_data_guard(request, fields, TEAM_TEXT):
        return asked
    try:
        team = await services.found_team(
            request.state.actor, community.id, _team_input(fields), now=now(request)
        )
    except Invalid as exc:
        return _team_form(request, community, None, fields, exc)
    flash(request, N_("Your team is set up. Invite neighbours to join it."))
    return see_other(_team_url(request, community, team.id))


async def edit_team_form(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team = await queries.team_to_lead(
        request.state.actor, community.id, path_id(request, "team_id")
    )
    form = {"name": team.name, "description": team.description, "join_policy": team.join_policy}
    return _team_form(request, community, team.id, form)


async def update_team(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    fields = await form_fields(request)
    if asked := personal_data_guard(request, fields, TEAM_TEXT):
        return asked
    try:
        await services.edit_team(
            request.state.actor, community.id, team_id, _team_input(fields), now=now(request)
        )
    except Invalid as exc:
        return _team_form(request, community, team_id, fields, exc)
    flash(request, N_("Team saved."))
    return see_other(_team_url(request, community, team_id))


async def join(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    status = await services.join_team(request.state.actor, community.id, team_id, now=now(request))
    flash(
        request,
        N_("Welcome to the team!")
        if status == "active"
        else N_("Asked to join: a team leader will let you in."),
    )
    return see_other(_team_url(request, community, team_id))


async def leave(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    await services.leave_team(request.state.actor, community.id, team_id, now=now(request))
    flash(request, N_("You have left the team."))
    return see_other(_team_url(request, community, team_id))


async def decide_member(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    fields = await form_fields(request)
    accept = fields.get("decision") == "accept"
    await services.decide_join(
        request.state.actor,
        community.id,
        team_id,
        path_id(request, "user_id"),
        accept,
        now=now(request),
    )
    flash(request, N_("Member let in.") if accept else N_("Request turned down."))
    return see_other(_team_url(request, community, team_id))


async def set_leader(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    fields = await form_fields(request)
    await services.set_leader(
        request.state.actor,
        community.id,
        team_id,
        path_id(request, "user_id"),
        fields.get("leader") == "1",
        now=now(request),
    )
    flash(request, N_("Team leaders updated."))
    return see_other(_team_url(request, community, team_id))
