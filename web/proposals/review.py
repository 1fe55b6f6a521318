"""Neighbours' support, and the committee's review queue and decisions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.core.errors import N_, Invalid
from participation.proposals import (
    queries,
    services,
)
from participation.proposals.rules import Status
from web.core import htmx
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user
from web.proposals.pages import detail, detail_url, page_names


async def support(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    if fields.get("action") == "remove":
        await services.withdraw_support(
            request.state.actor, community.id, proposal_id, now=now(request)
        )
    else:
        await services.support(request.state.actor, community.id, proposal_id, now=now(request))
    if not htmx.wants_fragment(request):
        return see_other(detail_url(request, community, proposal_id))
    return await detail(request)


async def review_queue(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community_for_committee(
        request.state.actor, request.path_params["slug"]
    )
    items = await queries.list_review_queue(community.id, community.support_threshold)
    return render(
        request,
        "proposals/review_queue.html",
        {"community": community, "items": items, **page_names(community)},
        private=True,
    )


REVIEW_DECISIONS = {
    "accept": Status.ACCEPTED,
    "reject": Status.REJECTED,
    "needs_changes": Status.NEEDS_CHANGES,
    "select": Status.SELECTED,
    "start": Status.IN_PROGRESS,
    "complete": Status.COMPLETED,
}


async def review(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    target = REVIEW_DECISIONS.get(fields.get("decision", ""))
    if target is None:
        raise Invalid(N_("Please choose a decision."), field="decision")
    cost_text = fields.get("committee_cost_yuan", "").strip()
    cost = services.parse_cost(cost_text, field="committee_cost_yuan") if cost_text else None
    proposal_id = path_id(request, "proposal_id")
    await services.review(
        request.state.actor,
        community.id,
        proposal_id,
        target,
        reason=fields.get("reason", ""),
        feasibility_note=fields.get("feasibility_note") or None,
        committee_cost_yuan=cost,
        now=now(request),
    )
    flash(request, N_("Decision saved. The author has been notified."))
    return see_other(detail_url(request, community, proposal_id))
