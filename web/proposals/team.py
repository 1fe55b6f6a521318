"""The author's team: co-authors and the proposal's photos."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.core.errors import N_, Invalid
from participation.proposals import (
    coauthors,
    services,
)
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other, upload_form
from web.core.users import require_user
from web.proposals.pages import detail_url


async def add_photo(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields, data = await upload_form(request)
    if data is None:
        raise Invalid(N_("Please choose a photo."), field="photo")
    await services.attach_photo(
        request.state.actor,
        community.id,
        proposal_id,
        data,
        fields.get("alt_text", ""),
        request.app.state.storage,
        now=now(request),
    )
    flash(request, N_("Photo added."))
    return see_other(detail_url(request, community, proposal_id) + "#photos")


async def invite_co_author(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    await coauthors.invite_co_author(
        request.state.actor, community.id, proposal_id, fields.get("name", ""), now=now(request)
    )
    flash(request, N_("Invitation sent."))
    return see_other(detail_url(request, community, proposal_id))


async def accept_co_authorship(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    await coauthors.accept_co_authorship(
        request.state.actor, community.id, proposal_id, now=now(request)
    )
    flash(request, N_("You are now a co-author of this proposal."))
    return see_other(detail_url(request, community, proposal_id))
