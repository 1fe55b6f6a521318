"""The rounds list, a round with its ballot, the running total, casting and the receipt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import Conflict, DomainError, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Standing, can
from participation.voting import queries, rules, services
from participation.voting.models import VotingRound
from web.core import kept
from web.core.clock import now
from web.core.forms import form_with_lists, parse_id, path_id, see_other
from web.core.templating import render
from web.core.users import require_user


def round_url(request: Request, community: CommunityInfo, round_id: int) -> str:
    return request.app.url_path_for("voting:round", slug=community.slug, round_id=str(round_id))


def labels() -> dict[str, Any]:
    return {
        "status_labels": rules.STATUS_LABELS,
        "rule_labels": rules.RULE_LABELS,
        "tie_break": rules.TIE_BREAK,
    }


async def list_rounds(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    rounds = await queries.list_rounds(request.state.actor, standing, community.id)
    return render(
        request,
        "voting/list.html",
        {"community": community, "rounds": rounds, "standing": standing, **labels()},
    )


def ids(values: list[str]) -> list[int]:
    """Project ids ticked on a form; anything that is not an id is a 404 like a missing one."""
    ids = []
    for value in values[: rules.PROJECTS_MAX + 1]:
        parsed = parse_id(value)
        if parsed is None:
            raise NotFound()
        ids.append(parsed)
    return ids


async def _round_page(
    request: Request,
    community: CommunityInfo,
    standing: Standing,
    voting: VotingRound,
    *,
    ticked: frozenset[int] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    actor = request.state.actor
    projects = await queries.ballot_projects(voting.id)
    mine = await queries.my_ballot(actor, voting)
    subject = queries.round_subject(voting, now=now(request), mine=mine)
    chosen = ticked if ticked is not None else mine.choices
    costs = {p.id: p.cost_yuan for p in projects}
    results = (
        await queries.round_results(voting)
        if can("voting.see_results", actor, standing, subject)
        else None
    )
    return render(
        request,
        "voting/round.html",
        {
            "community": community,
            "round": voting,
            "subject": subject,
            "standing": standing,
            "projects": projects,
            "mine": mine,
            "window": subject.window.value,
            "voting_open": rules.is_open_now(actor, standing, subject),
            "chosen": chosen,
            "total": sum(costs.get(i, 0) for i in chosen),
            "error": error,
            "results": results,
            "zone": community.timezone,
            **labels(),
        },
        status_code=status_code,
        private=actor.user_id is not None,
        # Anonymous visitors see only participation and published results: the same for all.
    )


async def round_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    voting = await queries.visible_round(
        request.state.actor, standing, community.id, path_id(request, "round_id")
    )
    return await _round_page(request, community, standing, voting)


async def running_total(request: Request) -> Response:
    """The ballot's total against the budget, for htmx as boxes are ticked; saves nothing.
    The same for every visitor (a ballot form is only shown on an open round), so the round
    is asked for as anyone without a standing in the community would see it."""
    community = await communities.get_community(request.path_params["slug"])
    voting = await queries.visible_round(
        request.state.actor, NO_STANDING, community.id, path_id(request, "round_id")
    )
    projects = await services.ballot_costs(voting.id)
    ticked = ids(request.query_params.getlist("projects"))
    error: Invalid | None = None
    try:
        rules.price_ballot(projects, ticked, services.ballot_rules(voting))
    except Invalid as exc:
        error = exc
    return render(
        request,
        "voting/_total.html",
        {
            "round": voting,
            "total": sum(projects.get(i, 0) for i in set(ticked)),
            "error": error,
        },
    )


async def cast(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    round_id = path_id(request, "round_id")
    _fields, lists = await form_with_lists(request)
    ticked = ids(lists.get("projects", []))
    try:
        receipt = await services.cast_ballot(
            request.state.actor,
            community.id,
            round_id,
            ticked,
            now=now(request),
            seal=kept.sealer(request),
        )
    except (Invalid, Conflict) as exc:
        standing = await communities.get_standing(request.state.actor.user_id, community.id)
        voting = await queries.visible_round(request.state.actor, standing, community.id, round_id)
        return await _round_page(
            request,
            community,
            standing,
            voting,
            ticked=frozenset(ticked),
            error=exc,
            status_code=422,
        )
    return show_receipt(request, community, receipt)


def show_receipt(request: Request, community: CommunityInfo, receipt: services.Receipt) -> Response:
    """Redirects to the receipt's page. The plain code exists nowhere else: it was kept sealed
    (in the ballot's own transaction) for whoever cast the ballot, the voter or the committee
    member entering a paper one."""
    assert receipt.kept is not None
    return see_other(
        request.app.url_path_for(
            "voting:receipt",
            slug=community.slug,
            round_id=str(receipt.round_id),
            token=receipt.kept,
        )
    )


RECEIPT = services.RECEIPT_KIND


async def receipt_page(request: Request) -> Response:
    """The receipt of the ballot just cast: the answer to casting it, refreshable."""
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    round_id = path_id(request, "round_id")
    kept_receipt = await kept.open_kept(
        request, RECEIPT, request.path_params["token"], now=now(request)
    )
    receipt = services.Receipt(**kept_receipt)
    if receipt.round_id != round_id:
        raise NotFound()
    return render(
        request,
        "voting/receipt.html",
        {"community": community, "receipt": receipt},
        private=True,
    )


RoundStep = Callable[..., Awaitable[object]]
