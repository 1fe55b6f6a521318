"""Committee pages: members and roles, household codes, verification requests, settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.audit.queries import list_audit
from participation.communities import queries, services
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from participation.core.text import parse_whole_number
from participation.plots import settings as plot_settings
from participation.proposals import settings as proposal_settings
from participation.proposals.categories import ALWAYS_OFFERED
from participation.proposals.rules import DEFAULT_CATEGORIES
from web.core import kept
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


async def codes(request: Request) -> Response:
    community = await committee_community(request)
    return await _codes_page(request, community)


async def _codes_page(
    request: Request,
    community: CommunityInfo,
    *,
    error: Invalid | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "committee/codes.html",
        {
            "community": community,
            "codes": await queries.list_codes(community.id),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
        private=True,
    )


async def issue_codes(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    try:
        labels = services.parse_household_labels(fields.get("labels", ""))
        issued = await services.issue_household_codes(
            request.state.actor, community.id, labels, now=now(request)
        )
    except Invalid as exc:
        return await _codes_page(request, community, error=exc, form=fields, status_code=422)
    # The plain codes exist nowhere else: the sheet is kept sealed for its issuer for an hour.
    token = await kept.keep(
        request, CODE_SHEET, {"issued": [[i.household, i.code] for i in issued]}, now=now(request)
    )
    return see_other(
        request.app.url_path_for("committee:code_sheet", slug=community.slug, token=token)
    )


CODE_SHEET = "code_sheet"


async def code_sheet(request: Request) -> Response:
    """The slips to print for codes just issued: the answer to issuing them, refreshable."""
    community = await committee_community(request)
    sheet = await kept.open_kept(
        request, CODE_SHEET, request.path_params["token"], now=now(request)
    )
    issued = [services.IssuedCode(household=h, code=c) for h, c in sheet["issued"]]
    return render(
        request,
        "committee/codes_print.html",
        {"community": community, "issued": issued},
        private=True,
    )


async def revoke_code(request: Request) -> Response:
    community = await committee_community(request)
    await services.revoke_household_code(
        request.state.actor, community.id, path_id(request, "code_id"), now=now(request)
    )
    flash(request, N_("The code was revoked."))
    return see_other(request.app.url_path_for("committee:codes", slug=community.slug))


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


async def settings_page(request: Request) -> Response:
    community = await committee_community(request)
    return _settings_page(request, community)


def _settings_page(
    request: Request,
    community: CommunityInfo,
    *,
    error: Invalid | None = None,
    proposals_error: Invalid | None = None,
    proposals_form: dict[str, str] | None = None,
    plots_error: Invalid | None = None,
    plots_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """Both settings forms; a form sent back with an error keeps what the committee typed."""
    if proposals_form is None:
        proposals_form = {
            "support_threshold": str(community.support_threshold),
            "custom_categories": "\n".join(community.custom_categories),
            **{f"offer_{key}": "1" for key in DEFAULT_CATEGORIES},
            **{f"offer_{key}": "" for key in community.hidden_categories},
        }
    if plots_form is None:
        plots_form = {
            "lapse_days": str(community.lapse_days),
            "lapse_grace_days": str(community.lapse_grace_days),
            "auto_approve_adoptions": "1" if community.auto_approve_adoptions else "",
        }
    return render(
        request,
        "committee/settings.html",
        {
            "community": community,
            "error": error,
            "proposals_error": proposals_error,
            "proposals_form": proposals_form,
            "plots_error": plots_error,
            "plots_form": plots_form,
            "default_categories": DEFAULT_CATEGORIES,
            "always_offered": ALWAYS_OFFERED,
        },
        status_code=status_code,
        private=True,
    )


async def update_settings(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    cap = fields.get("household_member_cap", "")
    try:
        await services.update_community_settings(
            request.state.actor,
            community.id,
            services.CommunitySettings(
                verify_by_code=fields.get("verify_by_code") == "1",
                verify_by_request=fields.get("verify_by_request") == "1",
                household_member_cap=parse_whole_number(cap, max_digits=3) or 0,
                default_locale=fields.get("default_locale", ""),
            ),
            now=now(request),
        )
    except Invalid as exc:
        return _settings_page(request, community, error=exc, status_code=422)
    flash(request, N_("Community settings saved."))
    return see_other(request.app.url_path_for("committee:settings", slug=community.slug))


async def update_proposal_settings(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    try:
        await proposal_settings.update_proposal_settings(
            request.state.actor,
            community.id,
            support_threshold=fields.get("support_threshold", ""),
            hidden_categories=[
                key for key in DEFAULT_CATEGORIES if fields.get(f"offer_{key}") != "1"
            ],
            custom_categories=fields.get("custom_categories", ""),
            now=now(request),
        )
    except Invalid as exc:
        return _settings_page(
            request, community, proposals_error=exc, proposals_form=fields, status_code=422
        )
    flash(request, N_("Micro-project settings saved."))
    return _back_to_settings(request, community, "#proposal-settings")


async def update_plot_settings(request: Request) -> Response:
    community = await committee_community(request)
    fields = await form_fields(request)
    try:
        await plot_settings.update_plot_settings(
            request.state.actor,
            community.id,
            lapse_days=fields.get("lapse_days", ""),
            lapse_grace_days=fields.get("lapse_grace_days", ""),
            auto_approve_adoptions=fields.get("auto_approve_adoptions") == "1",
            now=now(request),
        )
    except Invalid as exc:
        return _settings_page(
            request, community, plots_error=exc, plots_form=fields, status_code=422
        )
    flash(request, N_("Plot settings saved."))
    return _back_to_settings(request, community, "#plot-settings")


def _back_to_settings(request: Request, community: CommunityInfo, anchor: str) -> Response:
    """Back to the part of the settings page just saved. The anchor is in the redirect itself:
    a browser would carry the form action's #anchor over to a 303 that has none, but htmx,
    following it with fetch(), cannot."""
    return see_other(request.app.url_path_for("committee:settings", slug=community.slug) + anchor)


routes = [
    Route("/c/{slug}/committee/settings", settings_page, name="committee:settings"),
    Route(
        "/c/{slug}/committee/settings",
        update_settings,
        methods=["POST"],
        name="committee:update_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/proposals",
        update_proposal_settings,
        methods=["POST"],
        name="committee:update_proposal_settings",
    ),
    Route(
        "/c/{slug}/committee/settings/plots",
        update_plot_settings,
        methods=["POST"],
        name="committee:update_plot_settings",
    ),
    Route("/c/{slug}/committee/members", members, name="committee:members"),
    Route(
        "/c/{slug}/committee/members/{user_id}/roles",
        set_role,
        methods=["POST"],
        name="committee:set_role",
    ),
    Route("/c/{slug}/committee/codes", codes, name="committee:codes"),
    Route("/c/{slug}/committee/codes", issue_codes, methods=["POST"], name="committee:issue"),
    Route("/c/{slug}/committee/codes/sheet/{token}", code_sheet, name="committee:code_sheet"),
    Route(
        "/c/{slug}/committee/codes/{code_id}/revoke",
        revoke_code,
        methods=["POST"],
        name="committee:revoke_code",
    ),
    Route("/c/{slug}/committee/requests", requests_page, name="committee:requests"),
    Route(
        "/c/{slug}/committee/requests/{request_id}/decide",
        decide,
        methods=["POST"],
        name="committee:decide",
    ),
]
