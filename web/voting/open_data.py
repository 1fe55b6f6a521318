"""Results as open data, and finding one's ballot with a receipt code."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core import codes
from participation.core.errors import NotFound
from participation.voting import open_data, queries
from participation.voting.models import VotingRound
from web.core.downloads import download
from web.core.forms import form_fields, path_id
from web.core.templating import render


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
    voting = await queries.counted_round(
        request.state.actor, standing, community.id, path_id(request, "round_id")
    )
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
    titles = await queries.open_titles([e.project for e in results.projects])
    return [
        open_data.ResultRow(
            project_id=e.project.id,
            name=titles[e.project.id],
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
