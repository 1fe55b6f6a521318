"""Household codes: issuing them (their print sheet) and revoking them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries, services
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid
from web.communities.committee import community_where
from web.core import kept
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.templating import render

CODES = "communities.issue_household_codes"  # issuing codes, their sheet, revoking them


async def codes(request: Request) -> Response:
    community = await community_where(request, CODES)
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
    community = await community_where(request, CODES)
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
    community = await community_where(request, CODES)
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
    community = await community_where(request, CODES)
    await services.revoke_household_code(
        request.state.actor, community.id, path_id(request, "code_id"), now=now(request)
    )
    flash(request, N_("The code was revoked."))
    return see_other(request.app.url_path_for("committee:codes", slug=community.slug))
