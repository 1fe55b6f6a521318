"""Reading conventions: the list, one convention, one version, two versions compared, the A4
print page and the open data."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.conventions import comments, queries
from participation.conventions.ratification import percent
from participation.core.errors import NotFound
from participation.moderation.queries import hidden_ids
from web.communities.committee import community_and_standing
from web.conventions.labels import labels
from web.core.clock import now
from web.core.downloads import download
from web.core.forms import parse_id, path_id
from web.core.templating import render


def convention_url(request: Request, community: CommunityInfo, convention_id: int) -> str:
    return request.app.url_path_for(
        "conventions:detail", slug=community.slug, convention_id=str(convention_id)
    )


async def list_conventions(request: Request) -> Response:
    community, standing = await community_and_standing(request)
    rows = await queries.list_conventions(community.id)
    return render(
        request,
        "conventions/list.html",
        {"community": community, "standing": standing, "conventions": rows, **labels()},
    )


def adoption_facts(page: queries.ConventionPage) -> dict[str, Any] | None:
    """What the adopted text says about its vote: when, how many of how many took part, the
    turnout and the share of yes among yes and no."""
    by = page.adopted_by
    if by is None or by.tally is None or by.outcome is None or by.counted_at is None:
        return None
    return {
        "on": by.counted_at,
        "took_part": by.tally.participants,
        "eligible": by.tally.eligible,
        "households": by.mode == "household",
        "turnout": percent(by.outcome.turnout),
        "yes": percent(by.outcome.yes_share),
    }


async def detail(request: Request) -> Response:
    community, standing = await community_and_standing(request)
    actor = request.state.actor
    page = await queries.convention_page(
        community.id, path_id(request, "convention_id"), actor.user_id
    )
    vote = page.ratification
    vote_subject = None
    if vote is not None:
        in_household = False
        if vote.mode == "household" and actor.user_id is not None:
            found = await communities.member_household(actor.user_id, community.id)
            in_household = found is not None and found.household_id is not None
        vote_subject = vote.subject(now(request), in_household=in_household)
    return render(
        request,
        "conventions/detail.html",
        {
            "community": community,
            "standing": standing,
            "page": page,
            "vote": vote,
            "vote_subject": vote_subject,
            "adoption": adoption_facts(page),
            "discussions": await comments.discussions(a.id for a in page.amendments),
            "hidden_amendments": await hidden_ids("amendment", [a.id for a in page.amendments]),
            **labels(),
        },
        private=actor.user_id is not None,
    )


async def version_page(request: Request) -> Response:
    community, standing = await community_and_standing(request)
    page = await queries.convention_outline(community.id, path_id(request, "convention_id"))
    number = path_id(request, "number")
    text = await queries.version_text(page.id, number)
    return render(
        request,
        "conventions/version.html",
        {"community": community, "standing": standing, "page": page, "text": text, **labels()},
    )


async def compare(request: Request) -> Response:
    """Any two versions, article by article; ``old`` and ``new`` default to the last change."""
    community, standing = await community_and_standing(request)
    page = await queries.convention_outline(community.id, path_id(request, "convention_id"))
    latest = page.current_number
    old = _version_number(request, "old", max(latest - 1, 1))
    new = _version_number(request, "new", latest)
    older, newer, rows = await queries.compare_versions(community.id, page.id, old, new)
    return render(
        request,
        "conventions/compare.html",
        {
            "community": community,
            "standing": standing,
            "page": page,
            "older": older,
            "newer": newer,
            "rows": rows,
            **labels(),
        },
    )


def _version_number(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if not text:
        return default
    number = parse_id(text)
    if number is None:
        raise NotFound()
    return number


async def print_page(request: Request) -> Response:
    """The text in force (or the draft, marked as such) for the notice board, on A4."""
    community, standing = await community_and_standing(request)
    page = await queries.convention_page(community.id, path_id(request, "convention_id"), None)
    return render(
        request,
        "conventions/print.html",
        {
            "community": community,
            "standing": standing,
            "page": page,
            "text": page.adopted or page.current,
            "adoption": adoption_facts(page),
            **labels(),
        },
    )


async def download_json(request: Request) -> Response:
    community, _standing = await community_and_standing(request)
    convention_id = path_id(request, "convention_id")
    data = await queries.open_data(community.id, convention_id, community.slug)
    return download(
        json.dumps(data, ensure_ascii=False, indent=2),
        "application/json",
        f"huakai_{community.slug}_convention_{convention_id}.json",
    )
