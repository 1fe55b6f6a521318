"""Volunteer teams and volunteer hours."""

from __future__ import annotations

from starlette.routing import Route

from web.teams.hours import certificate, hours, hours_csv, my_hours
from web.teams.pages import (
    decide_member,
    edit_team_form,
    found_team,
    join,
    leave,
    list_teams,
    new_team,
    set_leader,
    team_page,
    update_team,
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

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"teams:list": None, "teams:detail": None}
