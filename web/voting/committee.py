"""The committee's rounds: preparing, opening, closing, publishing, paper ballots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Conflict, DomainError, Invalid
from participation.core.text import parse_whole_number
from participation.proposals import queries as proposal_queries
from participation.voting import queries, rules, services
from participation.voting.models import VotingRound
from web.communities.committee import community_where
from web.core import kept
from web.core.clock import now
from web.core.forms import (
    flash,
    form_fields,
    form_with_lists,
    local_input,
    parse_id,
    parse_local,
    path_id,
    see_other,
)
from web.core.templating import render
from web.voting.ballots import RoundStep, ids, labels, round_url, show_receipt


def _number(fields: dict[str, str], name: str, *, max_digits: int = 9) -> int:
    value = fields.get(name, "").replace(",", "").replace("，", "") or "0"
    number = parse_whole_number(value, max_digits=max_digits)
    if number is None:
        raise Invalid(N_("Please enter a whole number."), field=name)
    return number


def _round_input(
    fields: dict[str, str], zone: str, proposals: frozenset[int]
) -> services.RoundInput:
    return services.RoundInput(
        title=fields.get("title", ""),
        description=fields.get("description", ""),
        budget_yuan=_number(fields, "budget_yuan"),
        opens_at=parse_local(fields.get("opens_at", ""), zone, "opens_at"),
        closes_at=parse_local(fields.get("closes_at", ""), zone, "closes_at"),
        min_projects=_number(fields, "min_projects", max_digits=3),
        max_projects=_number(fields, "max_projects", max_digits=3),
        min_spend_percent=_number(fields, "min_spend_percent", max_digits=3),
        vote_unit=fields.get("vote_unit", ""),
        result_rule=fields.get("result_rule", ""),
        proposal_ids=tuple(sorted(proposals)),
    )


async def _form_page(
    request: Request,
    community: CommunityInfo,
    *,
    form: dict[str, str],
    ticked: frozenset[int],
    voting: VotingRound | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    accepted = await proposal_queries.list_accepted(community.id)
    return render(
        request,
        "voting/form.html",
        {
            "community": community,
            "round": voting,
            "form": form,
            "ticked": ticked,
            "accepted": accepted,
            "error": error,
            "vote_units": [u.value for u in rules.VoteUnit],
            "rules_": [r.value for r in rules.ResultRule],
            **labels(),
        },
        status_code=status_code,
        private=True,
    )


async def new_form(request: Request) -> Response:
    community = await community_where(request, "voting.manage")
    start = now(request)
    form = {
        "budget_yuan": "50000",
        "opens_at": local_input(start, community.timezone),
        "closes_at": local_input(start + timedelta(days=14), community.timezone),
        "vote_unit": rules.VoteUnit.RESIDENT.value,
        "result_rule": rules.ResultRule.EQUAL_SHARES.value,
        "min_projects": "0",
        "max_projects": "0",
        "min_spend_percent": "0",
    }
    return await _form_page(request, community, form=form, ticked=frozenset())


async def create(request: Request) -> Response:
    community = await community_where(request, "voting.manage")
    fields, lists = await form_with_lists(request)
    ticked = frozenset(ids(lists.get("proposals", [])))
    try:
        created = await services.create_round(
            request.state.actor,
            community.id,
            _round_input(fields, community.timezone, ticked),
            now=now(request),
        )
    except Invalid as exc:
        return await _form_page(
            request, community, form=fields, ticked=ticked, error=exc, status_code=422
        )
    flash(request, N_("The round is saved as a draft. Open it when it is ready."))
    return see_other(round_url(request, community, created.id))


async def edit_form(request: Request) -> Response:
    community = await community_where(request, "voting.manage")
    voting = await queries.round_to_edit(community.id, path_id(request, "round_id"))
    form = {
        "title": voting.title,
        "description": voting.description,
        "budget_yuan": str(voting.budget_yuan),
        "opens_at": local_input(voting.opens_at, community.timezone),
        "closes_at": local_input(voting.closes_at, community.timezone),
        "min_projects": str(voting.min_projects),
        "max_projects": str(voting.max_projects),
        "min_spend_percent": str(voting.min_spend_percent),
        "vote_unit": voting.vote_unit,
        "result_rule": voting.result_rule,
    }
    ticked = frozenset(p.proposal_id for p in await queries.ballot_projects(voting.id))
    return await _form_page(request, community, form=form, ticked=ticked, voting=voting)


async def update(request: Request) -> Response:
    community = await community_where(request, "voting.manage")
    voting = await queries.get_round(community.id, path_id(request, "round_id"))
    fields, lists = await form_with_lists(request)
    ticked = frozenset(ids(lists.get("proposals", [])))
    try:
        await services.edit_round(
            request.state.actor,
            community.id,
            voting.id,
            _round_input(fields, community.timezone, ticked),
            now=now(request),
        )
    except Invalid as exc:
        return await _form_page(
            request,
            community,
            form=fields,
            ticked=ticked,
            voting=voting,
            error=exc,
            status_code=422,
        )
    flash(request, N_("The round is saved."))
    return see_other(round_url(request, community, voting.id))


def _round_step(
    step: RoundStep, done: str, *, links: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for a committee button on a round (open, close and count, publish);
    ``links``: the step writes open data, which links to the proposals' pages."""

    async def endpoint(request: Request) -> Response:
        community = await community_where(request, "voting.manage")
        round_id = path_id(request, "round_id")
        await form_fields(request)
        extra = {"proposal_url": request.app.state.proposal_url} if links else {}
        await step(request.state.actor, community.id, round_id, now=now(request), **extra)
        flash(request, done)
        return see_other(round_url(request, community, round_id))

    return endpoint


open_round = _round_step(
    services.open_round, N_("The round is open: residents can vote from its opening time.")
)


close_round = _round_step(
    services.close_round,
    N_("Voting is closed and counted. Check the results, then publish them."),
)


publish = _round_step(services.publish_round, N_("The results are published."), links=True)


async def _paper_page(
    request: Request,
    community: CommunityInfo,
    voting: VotingRound,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
    ticked: frozenset[int] = frozenset(),
    status_code: int = 200,
) -> Response:
    residents = [m for m in await communities.list_members(community.id) if m.verified]
    return render(
        request,
        "voting/paper.html",
        {
            "community": community,
            "round": voting,
            "residents": residents,
            "projects": await queries.ballot_projects(voting.id),
            "error": error,
            "form": form or {},
            "ticked": ticked,
        },
        status_code=status_code,
        private=True,
    )


async def paper_form(request: Request) -> Response:
    # Paper ballots are the community committee's to enter, not a platform admin's.
    community = await community_where(request, "voting.enter_paper_ballot")
    voting = await queries.get_round(community.id, path_id(request, "round_id"))
    return await _paper_page(request, community, voting)


async def enter_paper(request: Request) -> Response:
    community = await community_where(request, "voting.enter_paper_ballot")
    voting = await queries.get_round(community.id, path_id(request, "round_id"))
    fields, lists = await form_with_lists(request)
    ticked = ids(lists.get("projects", []))
    voter_id = parse_id(fields.get("voter_id"))
    try:
        if voter_id is None:
            raise Invalid(N_("Please choose the resident."), field="voter_id")
        receipt = await services.enter_paper_ballot(
            request.state.actor,
            community.id,
            voting.id,
            voter_id,
            ticked,
            now=now(request),
            seal=kept.sealer(request),
        )
    except (Invalid, Conflict) as exc:
        return await _paper_page(
            request,
            community,
            voting,
            error=exc,
            form=fields,
            ticked=frozenset(ticked),
            status_code=422,
        )
    return show_receipt(request, community, receipt)
