"""Volunteer team pages (list, team page, founding, joining, leaders) and volunteer hours
(the committee's monthly table and CSV, each volunteer's own page, and their printable
certificate)."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.accounts.models import User
from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid, NotAllowed, NotFound
from participation.core.permissions import can
from participation.core.text import parse_whole_number
from participation.plots import queries, rules
from participation.plots import teams as services
from participation.plots.teams import TeamInput, team_place
from web.committee import committee_community
from web.core.clock import now
from web.core.downloads import download
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user
from web.plots import labels


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
            "teams": await queries.list_teams(community.id),
            "mine": {
                team.id: status
                for team, _r, status in await queries.my_teams(actor.user_id, community.id)
            },
            "can_found": can("teams.found", actor, standing),
        },
        shared=True,
    )


async def team_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    team = await services.community_team(community.id, path_id(request, "team_id"))
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    place = await team_place(actor.user_id, team.id)
    manages = can("plots.manage", actor, standing)
    mine = {t.id: status for t, _r, status in await queries.my_teams(actor.user_id, community.id)}
    return render(
        request,
        "teams/detail.html",
        {
            "community": community,
            "page": await queries.team_page(
                team, show_pending=place.leader or manages, show_hidden=manages
            ),
            "place": place,
            "manages": manages,
            "my_status": mine.get(team.id),
            "can_join": can("teams.join", actor, standing),
            **labels(),
        },
        shared=True,
    )


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
    team = await services.require_leader(
        request.state.actor, community.id, path_id(request, "team_id")
    )
    form = {"name": team.name, "description": team.description, "join_policy": team.join_policy}
    return _team_form(request, community, team.id, form)


async def update_team(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    team_id = path_id(request, "team_id")
    fields = await form_fields(request)
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


# --- volunteer hours -----------------------------------------------------------------------------


def _year(request: Request) -> int:
    year = parse_whole_number(request.query_params.get("year", ""), max_digits=4)
    this_year = now(request).year
    return year if year and 2000 <= year <= this_year + 1 else this_year


async def hours(request: Request) -> Response:
    community = await committee_community(request)
    year = _year(request)
    return render(
        request,
        "teams/hours.html",
        {
            "community": community,
            "year": year,
            "rows": await queries.volunteer_hours(
                community.id, year=year, timezone=community.timezone
            ),
            **labels(),
        },
        private=True,
    )


async def hours_csv(request: Request) -> Response:
    """Per member, team and month, as Chengdu's volunteer-service records take them."""
    community = await committee_community(request)
    year = _year(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "member", "team", "care_logs", "minutes", "hours"])
    for row in await queries.volunteer_hours(community.id, year=year, timezone=community.timezone):
        writer.writerow(
            [
                row.month,
                _spreadsheet_safe(row.member_name),
                _spreadsheet_safe(row.team_name),
                row.logs,
                row.minutes,
                rules.hours_text(row.minutes),
            ]
        )
    return download(
        "\ufeff" + out.getvalue(),  # the BOM lets Excel read UTF-8 Chinese names
        "text/csv; charset=utf-8",
        f"huakai_{community.slug}_volunteer_hours_{year}.csv",
    )


def _spreadsheet_safe(text: str) -> str:
    """A name that a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def my_hours(request: Request) -> Response:
    """The signed-in volunteer's own hours in this community: every check-in of the year, with
    totals per team and per month. Anyone signed in may look; with no care here it is empty."""
    user = require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    year = _year(request)
    return render(
        request,
        "teams/my_hours.html",
        {
            "community": community,
            "year": year,
            "hours": await queries.member_hours(
                community.id, user.id, year=year, timezone=community.timezone
            ),
            **labels(),
        },
        private=True,
    )


async def certificate(request: Request) -> Response:
    """A member's hours for the year, printable: for the member and for the committee."""
    user = require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    member_id = path_id(request, "user_id")
    standing = await communities.get_standing(user.id, community.id)
    if member_id != user.id and not can("plots.manage", request.state.actor, standing):
        raise NotAllowed()
    member = await User.get_or_none(id=member_id)
    if member is None:
        raise NotFound()
    year = _year(request)
    rows = await queries.volunteer_hours(
        community.id, year=year, timezone=community.timezone, member_id=member_id
    )
    if not rows and member_id != user.id:
        raise NotFound()
    return render(
        request,
        "teams/certificate.html",
        {
            "community": community,
            "member": member,
            "year": year,
            "rows": rows,
            "total": sum(row.minutes for row in rows),
            "issued": now(request),
            **labels(),
        },
        private=True,
    )


routes = [
    Route("/c/{slug}/teams", list_teams, name="teams:list"),
    Route("/c/{slug}/teams", found_team, methods=["POST"], name="teams:found"),
    Route("/c/{slug}/teams/new", new_team, name="teams:new"),
    Route("/c/{slug}/teams/{team_id}", team_page, name="teams:detail"),
    Route("/c/{slug}/teams/{team_id}/edit", edit_team_form, name="teams:edit"),
    Route("/c/{slug}/teams/{team_id}/edit", update_team, methods=["POST"], name="teams:update"),
    Route("/c/{slug}/teams/{team_id}/join", join, methods=["POST"], name="teams:join"),
    Route("/c/{slug}/teams/{team_id}/leave", leave, methods=["POST"], name="teams:leave"),
    Route(
        "/c/{slug}/teams/{team_id}/members/{user_id}/decide",
        decide_member,
        methods=["POST"],
        name="teams:decide",
    ),
    Route(
        "/c/{slug}/teams/{team_id}/members/{user_id}/leader",
        set_leader,
        methods=["POST"],
        name="teams:leader",
    ),
    Route("/c/{slug}/hours", hours, name="teams:hours"),
    Route("/c/{slug}/hours.csv", hours_csv, name="teams:hours_csv"),
    Route("/c/{slug}/hours/mine", my_hours, name="teams:my_hours"),
    Route("/c/{slug}/hours/{user_id}/certificate", certificate, name="teams:certificate"),
]
