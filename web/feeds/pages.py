"""The Atom feeds: a community's news, a proposal's progress, a voting round, a plot's care, and
the public moderation log. Anyone may read them, as they may read the pages they follow."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.core.errors import N_, NotFound
from participation.feeds.items import community_news
from participation.moderation import queries as moderation
from participation.moderation.feeds import log_items
from participation.plots import queries as plots
from participation.plots.feeds import care_items
from participation.proposals import queries as proposals
from participation.proposals.feeds import progress_items
from participation.voting import queries as voting
from participation.voting.feeds import round_items
from web.core.clock import now
from web.core.feeds import feed_response
from web.core.forms import path_id

# <updated> of a feed with nothing in it yet: the year Huakai's feeds began.
BEGINNING = datetime(2026, 1, 1, tzinfo=UTC)


async def news(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    return feed_response(
        request,
        key=f"{community.slug}/news",
        title=N_("News of %(community)s"),
        title_params={"community": community.name},
        page=("communities:detail", {"slug": community.slug}),
        items=await community_news(community.id),
        since=BEGINNING,
    )


async def proposal_progress(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    found = await proposals.get_proposal(
        request.state.actor, community.id, path_id(request, "proposal_id")
    )
    p = found.proposal
    # A draft is its author's alone, and what moderation hides has no feed either.
    if p.status == "draft" or await moderation.hidden_ids("proposal", [p.id]):
        raise NotFound()
    return feed_response(
        request,
        key=f"proposal/{p.id}/progress",
        title=N_("Progress of %(title)s"),
        title_params={"title": p.title},
        page=("proposals:detail", {"slug": community.slug, "proposal_id": str(p.id)}),
        items=await progress_items(p, community.slug),
        since=p.created_at,
    )


async def voting_round(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    found = await voting.visible_round(
        request.state.actor, standing, community.id, path_id(request, "round_id")
    )
    return feed_response(
        request,
        key=f"round/{found.id}",
        title=N_("The vote %(title)s"),
        title_params={"title": found.title},
        page=("voting:round", {"slug": community.slug, "round_id": str(found.id)}),
        items=round_items(found, community.slug, now(request)),
        since=found.created_at,
    )


async def plot_care(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    plot = await plots.community_plot(community.id, path_id(request, "plot_id"))
    return feed_response(
        request,
        key=f"plot/{plot.id}/care",
        title=N_("Care of %(plot)s"),
        title_params={"plot": plot.name},
        page=("plots:detail", {"slug": community.slug, "plot_id": str(plot.id)}),
        items=await care_items(plot.id, plot.name, community.slug),
        since=plot.created_at,
    )


async def moderation_log(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    return feed_response(
        request,
        key=f"{community.slug}/moderation",
        title=N_("Moderation log of %(community)s"),
        title_params={"community": community.name},
        page=("moderation:log", {"slug": community.slug}),
        items=await log_items(community.id, community.slug),
        since=BEGINNING,
    )
