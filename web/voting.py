"""Voting round pages: the list, a round with its ballot, the receipt, committee preparation,
paper ballots, closing, publishing, results and open data downloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core import codes
from participation.core.errors import N_, Conflict, DomainError, Invalid, NotFound
from participation.core.permissions import can, require
from participation.core.text import parse_whole_number
from participation.proposals.models import Proposal
from participation.proposals.rules import Status
from participation.voting import open_data, queries, rules, services
from participation.voting.models import VotingRound
from participation.voting.rules import RoundStatus, Window
from web.committee import committee_community
from web.core import kept
from web.core.clock import now
from web.core.downloads import download
from web.core.forms import flash, form_fields, form_with_lists, parse_id, path_id, see_other
from web.core.templating import render
from web.core.users import require_user


def _round_url(request: Request, community: CommunityInfo, round_id: int) -> str:
    return request.app.url_path_for("voting:round", slug=community.slug, round_id=str(round_id))


def _labels() -> dict[str, Any]:
    return {
        "status_labels": rules.STATUS_LABELS,
        "rule_labels": rules.RULE_LABELS,
        "tie_break": rules.TIE_BREAK,
    }


async def list_rounds(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    manages = can("voting.manage", request.state.actor, standing)
    rounds = await queries.list_rounds(community.id, include_drafts=manages)
    return render(
        request,
        "voting/list.html",
        {
            "community": community,
            "rounds": rounds,
            "standing": standing,
            "manages": manages,
            **_labels(),
        },
        shared=True,
    )


def _ids(values: list[str]) -> list[int]:
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
    voting: VotingRound,
    *,
    ticked: frozenset[int] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    actor = request.state.actor
    standing = await communities.get_standing(actor.user_id, community.id)
    manages = can("voting.manage", actor, standing)
    projects = await queries.ballot_projects(voting.id)
    mine = await queries.my_ballot(actor, voting)
    window = rules.voting_window(now(request), voting.opens_at, voting.closes_at)
    chosen = ticked if ticked is not None else mine.choices
    costs = {p.id: p.cost_yuan for p in projects}
    results = (
        await queries.round_results(voting)
        if voting.status == RoundStatus.PUBLISHED.value
        or (manages and voting.status == RoundStatus.TALLIED.value)
        else None
    )
    return render(
        request,
        "voting/round.html",
        {
            "community": community,
            "round": voting,
            "standing": standing,
            "manages": manages,
            "enters_paper": can("voting.enter_paper_ballot", actor, standing),
            "projects": projects,
            "mine": mine,
            "window": window.value,
            "voting_open": voting.status == RoundStatus.OPEN.value and window is Window.OPEN,
            "chosen": chosen,
            "total": sum(costs.get(i, 0) for i in chosen),
            "error": error,
            "results": results,
            "zone": community.timezone,
            **_labels(),
        },
        status_code=status_code,
        private=actor.user_id is not None,
        # Anonymous visitors see only participation and published results: the same for all.
        shared=actor.user_id is None,
    )


async def round_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    voting = await queries.visible_round(
        community.id,
        path_id(request, "round_id"),
        committee=can("voting.manage", request.state.actor, standing),
    )
    return await _round_page(request, community, voting)


async def running_total(request: Request) -> Response:
    """The ballot's total against the budget, for htmx as boxes are ticked; saves nothing."""
    community = await communities.get_community(request.path_params["slug"])
    voting = await queries.visible_round(
        community.id, path_id(request, "round_id"), committee=False
    )
    projects = await services.ballot_costs(voting.id)
    ticked = _ids(request.query_params.getlist("projects"))
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
    ticked = _ids(lists.get("projects", []))
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
        voting = await queries.visible_round(community.id, round_id, committee=False)
        return await _round_page(
            request, community, voting, ticked=frozenset(ticked), error=exc, status_code=422
        )
    return _show_receipt(request, community, receipt)


def _show_receipt(
    request: Request, community: CommunityInfo, receipt: services.Receipt
) -> Response:
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


# --- the committee -------------------------------------------------------------------------------


def _local(moment: datetime, zone: str) -> str:
    """A UTC moment as the value of a datetime-local field in the community's time zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def _parse_local(text: str, zone: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip()[:32])
        if not 2000 <= moment.year <= 2100:
            raise ValueError(moment.year)
        return moment.replace(tzinfo=ZoneInfo(zone), second=0, microsecond=0).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid(N_("Please give a date and time."), field=field) from None


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
        opens_at=_parse_local(fields.get("opens_at", ""), zone, "opens_at"),
        closes_at=_parse_local(fields.get("closes_at", ""), zone, "closes_at"),
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
    accepted = await Proposal.filter(
        community_id=community.id, status=Status.ACCEPTED.value
    ).order_by("id")
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
            **_labels(),
        },
        status_code=status_code,
        private=True,
    )


async def new_form(request: Request) -> Response:
    community = await committee_community(request)
    start = now(request)
    form = {
        "budget_yuan": "50000",
        "opens_at": _local(start, community.timezone),
        "closes_at": _local(start + timedelta(days=14), community.timezone),
        "vote_unit": rules.VoteUnit.RESIDENT.value,
        "result_rule": rules.ResultRule.EQUAL_SHARES.value,
        "min_projects": "0",
        "max_projects": "0",
        "min_spend_percent": "0",
    }
    return await _form_page(request, community, form=form, ticked=frozenset())


async def create(request: Request) -> Response:
    community = await committee_community(request)
    fields, lists = await form_with_lists(request)
    ticked = frozenset(_ids(lists.get("proposals", [])))
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
    return see_other(_round_url(request, community, created.id))


async def edit_form(request: Request) -> Response:
    community = await committee_community(request)
    voting = await services.get_round(community.id, path_id(request, "round_id"))
    if voting.status != RoundStatus.DRAFT.value:
        raise Invalid(N_("An open round's rules cannot change."))
    form = {
        "title": voting.title,
        "description": voting.description,
        "budget_yuan": str(voting.budget_yuan),
        "opens_at": _local(voting.opens_at, community.timezone),
        "closes_at": _local(voting.closes_at, community.timezone),
        "min_projects": str(voting.min_projects),
        "max_projects": str(voting.max_projects),
        "min_spend_percent": str(voting.min_spend_percent),
        "vote_unit": voting.vote_unit,
        "result_rule": voting.result_rule,
    }
    ticked = frozenset(p.proposal_id for p in await queries.ballot_projects(voting.id))
    return await _form_page(request, community, form=form, ticked=ticked, voting=voting)


async def update(request: Request) -> Response:
    community = await committee_community(request)
    voting = await services.get_round(community.id, path_id(request, "round_id"))
    fields, lists = await form_with_lists(request)
    ticked = frozenset(_ids(lists.get("proposals", [])))
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
    return see_other(_round_url(request, community, voting.id))


RoundStep = Callable[..., Awaitable[object]]


def _round_step(
    step: RoundStep, done: str, *, links: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for a committee button on a round (open, close and count, publish);
    ``links``: the step writes open data, which links to the proposals' pages."""

    async def endpoint(request: Request) -> Response:
        community = await committee_community(request)
        round_id = path_id(request, "round_id")
        await form_fields(request)
        extra = {"proposal_url": request.app.state.proposal_url} if links else {}
        await step(request.state.actor, community.id, round_id, now=now(request), **extra)
        flash(request, done)
        return see_other(_round_url(request, community, round_id))

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
    community = await committee_community(request)
    # Paper ballots are the community committee's to enter, not a platform admin's.
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    require("voting.enter_paper_ballot", request.state.actor, standing)
    voting = await services.get_round(community.id, path_id(request, "round_id"))
    return await _paper_page(request, community, voting)


async def enter_paper(request: Request) -> Response:
    community = await committee_community(request)
    voting = await services.get_round(community.id, path_id(request, "round_id"))
    fields, lists = await form_with_lists(request)
    ticked = _ids(lists.get("projects", []))
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
    return _show_receipt(request, community, receipt)


# --- open data -----------------------------------------------------------------------------------


async def find_ballot(request: Request) -> Response:
    """A voter checks, with their receipt code, that their ballot is in the published list.
    The code is posted, not put in the URL: addresses end up in logs and browser history."""
    community, voting = await _counted_round(request)
    typed = (await form_fields(request)).get("code", "") if request.method == "POST" else ""
    code = codes.normalise_code(typed)
    found = await queries.ballot_by_receipt(voting, codes.hash_code(code)) if code else None
    return render(
        request,
        "voting/find_ballot.html",
        {
            "community": community,
            "round": voting,
            "typed": typed[:40],
            "code_valid": code is not None,
            "found": found,
        },
        private=True,
        lookup=True,
    )


async def _counted_round(request: Request) -> tuple[CommunityInfo, VotingRound]:
    """A round whose data may be downloaded: published, or counted for its committee."""
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    manages = can("voting.manage", request.state.actor, standing)
    voting = await queries.visible_round(
        community.id, path_id(request, "round_id"), committee=manages
    )
    counted = {RoundStatus.TALLIED.value, RoundStatus.PUBLISHED.value}
    if voting.status not in counted or (
        voting.status != RoundStatus.PUBLISHED.value and not manages
    ):
        raise NotFound()
    return community, voting


async def download_pb(request: Request) -> Response:
    community, voting = await _counted_round(request)
    return download(
        await queries.ballots_file(voting, request.app.state.proposal_url),
        "text/plain; charset=utf-8",
        f"huakai_{community.slug}_{voting.id}.pb",
    )


async def _result_rows(
    request: Request, community: CommunityInfo, voting: VotingRound
) -> list[open_data.ResultRow]:
    results = await queries.round_results(voting)
    if results is None:
        raise NotFound()
    proposal_url: open_data.ProposalUrl = request.app.state.proposal_url
    return [
        open_data.ResultRow(
            project_id=e.project.id,
            name=e.project.title,
            cost_yuan=e.project.cost_yuan,
            votes=e.project.votes,
            funded=e.funded,
            funded_under_other_rule=e.project.id in results.funded_under_other_rule,
            proposal_id=e.project.proposal_id,
            url=proposal_url(community.slug, e.project.proposal_id),
        )
        for e in results.projects
    ]


async def download_csv(request: Request) -> Response:
    community, voting = await _counted_round(request)
    return download(
        open_data.results_csv(await _result_rows(request, community, voting)),
        "text/csv; charset=utf-8",
        f"huakai_{community.slug}_{voting.id}_results.csv",
    )


async def download_json(request: Request) -> Response:
    community, voting = await _counted_round(request)
    # Published rounds carry the hash of their kept ballots file; a counted one is hashed on
    # the spot, from the file as it would be published now.
    pb_sha256 = voting.pb_sha256 or open_data.sha256(
        await queries.ballots_file(voting, request.app.state.proposal_url)
    )
    body = open_data.results_json(
        await queries.round_facts(voting), await _result_rows(request, community, voting), pb_sha256
    )
    return download(body, "application/json", f"huakai_{community.slug}_{voting.id}_results.json")


routes = [
    Route("/c/{slug}/rounds", list_rounds, name="voting:list"),
    Route("/c/{slug}/rounds", create, methods=["POST"], name="voting:create"),
    Route("/c/{slug}/rounds/new", new_form, name="voting:new"),
    Route("/c/{slug}/rounds/{round_id}", round_page, name="voting:round"),
    Route("/c/{slug}/rounds/{round_id}/edit", edit_form, name="voting:edit"),
    Route("/c/{slug}/rounds/{round_id}/edit", update, methods=["POST"], name="voting:update"),
    Route("/c/{slug}/rounds/{round_id}/ballot", cast, methods=["POST"], name="voting:cast"),
    Route("/c/{slug}/rounds/{round_id}/ballot/total", running_total, name="voting:total"),
    Route("/c/{slug}/rounds/{round_id}/receipt/{token}", receipt_page, name="voting:receipt"),
    Route("/c/{slug}/rounds/{round_id}/open", open_round, methods=["POST"], name="voting:open"),
    Route("/c/{slug}/rounds/{round_id}/close", close_round, methods=["POST"], name="voting:close"),
    Route("/c/{slug}/rounds/{round_id}/publish", publish, methods=["POST"], name="voting:publish"),
    Route("/c/{slug}/rounds/{round_id}/paper", paper_form, name="voting:paper"),
    Route(
        "/c/{slug}/rounds/{round_id}/paper",
        enter_paper,
        methods=["POST"],
        name="voting:enter_paper",
    ),
    Route("/c/{slug}/rounds/{round_id}/ballots.pb", download_pb, name="voting:pb"),
    Route(
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        find_ballot,
        methods=["GET", "POST"],
        name="voting:find_ballot",
    ),
    Route("/c/{slug}/rounds/{round_id}/results.csv", download_csv, name="voting:csv"),
    Route("/c/{slug}/rounds/{round_id}/results.json", download_json, name="voting:json"),
]
