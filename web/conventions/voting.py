"""The ratification vote: the committee schedules it with its rules, residents vote (and may
change their vote until it closes), the committee types in paper votes and counts it."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.conventions import queries, services
from participation.conventions.ratification import MAJORITIES
from participation.conventions.rules import is_voting_now
from participation.core.clock import Window
from participation.core.errors import N_, Conflict, DomainError, Invalid
from participation.core.permissions import require
from participation.core.text import parse_whole_number
from web.communities.committee import community_where
from web.conventions.labels import labels
from web.conventions.pages import convention_url
from web.core.clock import now
from web.core.errors import status_of
from web.core.forms import (
    flash,
    form_fields,
    local_input,
    parse_id,
    parse_local,
    path_id,
    see_other,
)
from web.core.templating import render
from web.core.users import require_user

MANAGE = "conventions.manage"


async def _schedule_page(
    request: Request,
    community: CommunityInfo,
    convention_id: int,
    form: dict[str, str],
    *,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    page = await queries.convention_page(community.id, convention_id, request.state.actor.user_id)
    return render(
        request,
        "conventions/schedule.html",
        {
            "community": community,
            "page": page,
            "form": form,
            "error": error,
            "majorities": MAJORITIES,
            **labels(),
        },
        status_code=status_code,
        private=True,
    )


async def schedule_form(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    start = now(request)
    form = {
        "quorum_percent": "30",
        "majority": "simple",
        "opens_at": local_input(start, community.timezone),
        "closes_at": local_input(start + timedelta(days=14), community.timezone),
    }
    return await _schedule_page(request, community, path_id(request, "convention_id"), form)


def _rules(fields: dict[str, str], community: CommunityInfo) -> services.VoteRules:
    """The vote's rules as the committee sets them; who votes is the community's setting."""
    zone = community.timezone
    quorum = parse_whole_number(fields.get("quorum_percent", "").rstrip("%％ "), max_digits=3)
    if quorum is None:
        raise Invalid(N_("The quorum is a share from 1 to 100 per cent."), field="quorum_percent")
    return services.VoteRules(
        mode=community.convention_vote_mode,
        quorum_percent=quorum,
        majority=fields.get("majority", ""),
        opens_at=parse_local(fields.get("opens_at", ""), zone, "opens_at"),
        closes_at=parse_local(fields.get("closes_at", ""), zone, "closes_at"),
    )


async def schedule(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    convention_id = path_id(request, "convention_id")
    fields = await form_fields(request)
    try:
        await services.schedule_ratification(
            request.state.actor,
            community.id,
            convention_id,
            _rules(fields, community),
            now=now(request),
        )
    except (Invalid, Conflict) as exc:
        return await _schedule_page(
            request, community, convention_id, fields, error=exc, status_code=status_of(exc)
        )
    flash(request, N_("The vote is scheduled; residents are told when and how to vote."))
    return see_other(convention_url(request, community, convention_id))


async def _vote_in(request: Request, community: CommunityInfo) -> tuple[int, int]:
    convention_id = path_id(request, "convention_id")
    ratification_id = path_id(request, "ratification_id")
    await queries.check_part_of(community.id, convention_id, ratification_id=ratification_id)
    return convention_id, ratification_id


async def vote(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id, ratification_id = await _vote_in(request, community)
    fields = await form_fields(request)
    await services.cast_vote(
        request.state.actor,
        community.id,
        ratification_id,
        fields.get("choice", ""),
        now=now(request),
    )
    flash(request, N_("Your vote is recorded. You can change it until voting closes."))
    return see_other(f"{convention_url(request, community, convention_id)}#vote")


async def _paper_gate(
    request: Request,
) -> tuple[CommunityInfo, queries.ConventionPage, queries.RatificationView]:
    """The community, convention and vote whose paper votes the committee may type in now
    (the rule the service enforces: the community's committee, while voting is open)."""
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    convention_id, ratification_id = await _vote_in(request, community)
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    page = await queries.convention_page(community.id, convention_id, None)
    held = next(r for r in page.ratifications if r.id == ratification_id)
    subject = held.subject(now(request), in_household=True)
    if standing.committee and not is_voting_now(request.state.actor, standing, subject):
        # The office's own staff are told why, not just refused.
        raise Invalid(
            N_("Voting has not opened yet.")
            if subject.window is Window.NOT_YET
            else N_("Voting has closed.")
        )
    require("conventions.enter_paper_vote", request.state.actor, standing, subject)
    return community, page, held


async def _paper_page(
    request: Request,
    community: CommunityInfo,
    page: queries.ConventionPage,
    held: queries.RatificationView,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    residents = [m for m in await communities.list_members(community.id) if m.verified]
    return render(
        request,
        "conventions/paper.html",
        {
            "community": community,
            "page": page,
            "vote": held,
            "residents": residents,
            "form": form or {},
            "error": error,
            **labels(),
        },
        status_code=status_code,
        private=True,
    )


async def paper_form(request: Request) -> Response:
    community, page, held = await _paper_gate(request)
    return await _paper_page(request, community, page, held)


async def enter_paper(request: Request) -> Response:
    community, page, held = await _paper_gate(request)
    fields = await form_fields(request)
    voter_id = parse_id(fields.get("voter_id"))
    try:
        if voter_id is None:
            raise Invalid(N_("Please choose the resident."), field="voter_id")
        await services.enter_paper_vote(
            request.state.actor,
            community.id,
            held.id,
            voter_id,
            fields.get("choice", ""),
            now=now(request),
        )
    except (Invalid, Conflict) as exc:
        return await _paper_page(
            request, community, page, held, form=fields, error=exc, status_code=status_of(exc)
        )
    flash(request, N_("The paper vote is entered and marked as such."))
    return see_other(
        request.app.url_path_for(
            "conventions:paper",
            slug=community.slug,
            convention_id=str(page.id),
            ratification_id=str(held.id),
        )
    )


async def count(request: Request) -> Response:
    community = await community_where(request, MANAGE)
    convention_id, ratification_id = await _vote_in(request, community)
    await form_fields(request)
    await services.count_ratification(
        request.state.actor, community.id, ratification_id, now=now(request)
    )
    flash(request, N_("The vote is counted and its result published."))
    return see_other(f"{convention_url(request, community, convention_id)}#vote")
