"""The committee's pages: members and roles, residency requests."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.audit.queries import list_audit
from participation.communities import queries, services
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.permissions import Standing
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render
from web.core.users import require_user


async def community_where(request: Request, rule: str) -> CommunityInfo:
    """The community of a page that the rule ``rule`` opens (the one its service enforces):
    403 for those it refuses; anonymous visitors sign in first."""
    require_user(request)
    return await queries.community_where(request.state.actor, request.path_params["slug"], rule)


async def community_and_standing(request: Request) -> tuple[CommunityInfo, Standing]:
    """The community of a page anyone may open, and the visitor's standing in it (what its
    ``can(...)`` questions are asked with)."""
    community = await queries.get_community(request.path_params["slug"])
    return community, await queries.get_standing(request.state.actor.user_id, community.id)


async def committee_community(request: Request) -> CommunityInfo:
    """The community of a committee page, for its committee (and platform admins) only."""
    return await community_where(request, "communities.view_committee_pages")


async def members(request: Request) -> Response:
    community = await community_where(request, "communities.manage_members")
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
    community = await community_where(request, "communities.manage_members")
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
    return await _requests_page(request, community)


async def _requests_page(
    request: Request, community: CommunityInfo, error: Invalid | None = None
) -> Response:
    return render(
        request,
        "committee/requests.html",
        {
            "community": community,
            # Each request is asked whether this visitor may decide it (not their own).
            "standing": await queries.get_standing(request.state.actor.user_id, community.id),
            "requests": await queries.list_pending_requests(community.id),
            "error": error,
        },
        status_code=422 if error else 200,
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
        return await _requests_page(request, community, exc)
    flash(request, N_("Decision saved."))
    return see_other(request.app.url_path_for("committee:requests", slug=community.slug))
