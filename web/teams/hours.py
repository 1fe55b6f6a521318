"""Volunteer hours: the committee's table and CSV, a volunteer's own hours, the certificate."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response

from participation.accounts.models import User
from participation.communities import queries as communities
from participation.core.errors import NotAllowed, NotFound
from participation.core.permissions import can
from participation.core.text import parse_whole_number
from participation.plots import queries, rules
from web.communities.committee import committee_community
from web.core.clock import now
from web.core.downloads import download
from web.core.forms import path_id
from web.core.templating import render
from web.core.users import require_user
from web.plots.pages import labels


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
    if not can("teams.see_hours", request.state.actor, standing, rules.HoursSubject(member_id)):
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
