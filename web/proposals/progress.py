"""A funded project's progress: updates, percentage and milestones."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_
from participation.proposals import (
    progress,
    tracking,
)
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other, upload_form
from web.core.users import require_user
from web.moderation.guard import personal_data_guard
from web.proposals.pages import detail_url


async def post_update(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields, photo = await upload_form(request)
    texts = {"body": N_("What has happened?")}
    if asked := personal_data_guard(request, fields, texts, file_field="photo"):
        return asked
    update = await progress.post_update(
        request.state.actor,
        community.id,
        proposal_id,
        fields.get("body", ""),
        photo=photo,
        alt_text=fields.get("alt_text", ""),
        photo_role=fields.get("photo_role", ""),
        storage=request.app.state.storage,
        now=now(request),
    )
    flash(
        request,
        N_("Progress posted.")
        if update.status == "published"
        else N_("Thank you! The committee will check your update before it shows."),
    )
    return see_other(detail_url(request, community, proposal_id) + "#progress")


async def _tracking_form(request: Request) -> tuple[CommunityInfo, int, dict[str, str]]:
    """The community, the project and the posted form of a tracking change."""
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    return community, path_id(request, "proposal_id"), await form_fields(request)


def _back_to_progress(request: Request, community: CommunityInfo, proposal_id: int) -> Response:
    return see_other(detail_url(request, community, proposal_id) + "#progress")


async def set_progress(request: Request) -> Response:
    community, proposal_id, fields = await _tracking_form(request)
    await tracking.set_progress(
        request.state.actor,
        community.id,
        proposal_id,
        fields.get("progress_percent", ""),
        now=now(request),
    )
    flash(request, N_("Progress saved."))
    return _back_to_progress(request, community, proposal_id)


async def add_milestone(request: Request) -> Response:
    community, proposal_id, fields = await _tracking_form(request)
    await tracking.add_milestone(
        request.state.actor,
        community.id,
        proposal_id,
        fields.get("title", ""),
        fields.get("due_on", ""),
        now=now(request),
    )
    flash(request, N_("Milestone added."))
    return _back_to_progress(request, community, proposal_id)


async def mark_milestone(request: Request) -> Response:
    community, proposal_id, fields = await _tracking_form(request)
    await tracking.mark_milestone(
        request.state.actor,
        community.id,
        proposal_id,
        path_id(request, "milestone_id"),
        done=fields.get("done") == "1",
        now=now(request),
    )
    return _back_to_progress(request, community, proposal_id)


async def decide_update(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    await progress.decide_update(
        request.state.actor,
        community.id,
        path_id(request, "proposal_id"),
        path_id(request, "update_id"),
        approve=fields.get("decision") == "approve",
        now=now(request),
    )
    return see_other(detail_url(request, community, path_id(request, "proposal_id")) + "#progress")
