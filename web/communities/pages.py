"""The community page for residents: overview, joining, and verifying as a resident."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries, services
from participation.core.errors import N_, Invalid
from participation.proposals import tracking
from participation.proposals.rules import STATUS_LABELS
from web.core.clock import now
from web.core.forms import flash, form_fields, see_other
from web.core.templating import render
from web.core.users import require_user


async def detail(request: Request) -> Response:
    community = await queries.get_community(request.path_params["slug"])
    actor = request.state.actor
    return render(
        request,
        "communities/detail.html",
        {
            "community": community,
            "overview": await queries.get_overview(community.id),
            "standing": await queries.get_standing(actor.user_id, community.id),
            "funded": await tracking.funded_projects(community.id),
            "status_labels": STATUS_LABELS,
        },
    )


async def join(request: Request) -> Response:
    require_user(request)
    community = await queries.get_community(request.path_params["slug"])
    await services.join_community(request.state.actor, community.id, now=now(request))
    flash(request, N_("Welcome! Verify that you live here to take part."))
    return see_other(request.app.url_path_for("communities:verify", slug=community.slug))


async def _verify_page(
    request: Request,
    *,
    error: Invalid | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    user = require_user(request)
    community = await queries.get_community(request.path_params["slug"])
    return render(
        request,
        "communities/verify.html",
        {
            "community": community,
            "membership": await queries.get_membership(user.id, community.id),
            "pending": await queries.get_pending_request_for(user.id, community.id),
            "rejection": await queries.get_last_rejection(user.id, community.id),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
        fragment="verify",
        private=True,
    )


async def verify(request: Request) -> Response:
    return await _verify_page(request)


async def redeem_code(request: Request) -> Response:
    require_user(request)
    community = await queries.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    try:
        await services.redeem_household_code(
            request.state.actor, community.id, fields.get("code", ""), now=now(request)
        )
    except Invalid as exc:
        return await _verify_page(request, error=exc, form=fields, status_code=422)
    flash(request, N_("You are now a verified resident of %(name)s."), name=community.name)
    return see_other(request.app.url_path_for("communities:detail", slug=community.slug))


async def request_verification(request: Request) -> Response:
    require_user(request)
    community = await queries.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    try:
        await services.request_verification(
            request.state.actor,
            community.id,
            household_label=fields.get("household_label", ""),
            note=fields.get("note", ""),
            now=now(request),
        )
    except Invalid as exc:
        return await _verify_page(request, error=exc, form=fields, status_code=422)
    flash(request, N_("Your request was sent to the committee."))
    return see_other(request.app.url_path_for("communities:verify", slug=community.slug))
