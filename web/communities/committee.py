"""The committee's pages: members and roles, residency requests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.audit.queries import list_audit
from participation.communities import queries, services
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user


async def committee_community(request: Request) -> CommunityInfo:
    """The community of a committee page, for its committee (and platform admins) only."""
    require_user(request)
    return await queries.get_community_for_committee(
        request.state.actor, request.path_params["slug"]
    )


async def members(request: Request) -> Response:
    community = await committee_community(request)
    return render(
        request,
        "committee/members.html",
        {
            "community": community,
            "members": await queries.list_members(community.id),
            "audit": await list_audit(community.id, limit=20),
        },
        fragment="members",
        private=True,
    )


async def set_role(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    role = fields.get("role", "")
    granted = fields.get("granted") == "1"
    await services.set_role(
        request.state.actor,
        community.id,
        path_id(request, "user_id"),
        role,
        granted,
        now=now(request),
    )
    flash(request, N_("Roles updated."))
    return see_other(request.app.url_path_for("committee:members", slug=community.slug))


async def requests_page(request: Request) -> Response:
    community = await committee_community(request)
    return render(
        request,
        "committee/requests.html",
        {
            "community": community,
            "requests": await queries.list_pending_requests(community.id),
            "error": None,
        },
        fragment="requests",
        private=True,
    )


async def decide(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    decision = fields.get("decision")
    if decision not in {"approve", "reject"}:
        raise Invalid(N_("Please choose approve or reject."))
    try:
        await services.decide_verification(
            request.state.actor,
            community.id,
            path_id(request, "request_id"),
            approve=decision == "approve",
            reason=fields.get("reason", ""),
            now=now(request),
        )
    except Invalid as exc:
        return render(
            request,
            "committee/requests.html",
            {
                "community": community,
                "requests": await queries.list_pending_requests(community.id),
                "error": exc,
            },
            status_code=422,
            fragment="requests",
            private=True,
        )
    flash(request, N_("Decision saved."))
    return see_other(request.app.url_path_for("committee:requests", slug=community.slug))
