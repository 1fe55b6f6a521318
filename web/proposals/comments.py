"""Comments on a proposal and on its progress updates."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.core.errors import N_, Invalid
from participation.proposals import (
    comments,
)
from web.core import htmx
from web.core.clock import now
from web.core.forms import flash, form_fields, optional_id, path_id, see_other
from web.core.templating import render
from web.core.users import require_user
from web.moderation.guard import personal_data_guard
from web.proposals.pages import detail, detail_url

COMMENT_TEXT = {"body": N_("Add a comment")}


async def post_comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    if asked := personal_data_guard(request, fields, COMMENT_TEXT):
        return asked
    try:
        await comments.post_comment(
            request.state.actor,
            community.id,
            proposal_id,
            fields.get("body", ""),
            parent_id=optional_id(fields.get("parent_id")),
            update_id=optional_id(fields.get("update_id")),
            now=now(request),
        )
    except Invalid as exc:
        flash(request, exc.message, **exc.params)
        return see_other(detail_url(request, community, proposal_id) + "#comments")
    if htmx.wants_fragment(request):
        return await detail(request, fragment="comments")
    return see_other(detail_url(request, community, proposal_id) + "#comments")


async def edit_comment_form(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    comment = await comments.get_own_comment(
        request.state.actor,
        community.id,
        path_id(request, "proposal_id"),
        path_id(request, "comment_id"),
    )
    return render(
        request,
        "proposals/comment_edit.html",
        {
            "community": community,
            "comment": comment,
            "proposal_id": path_id(request, "proposal_id"),
            "error": None,
        },
        private=True,
    )


async def edit_comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    if asked := personal_data_guard(request, fields, COMMENT_TEXT):
        return asked
    await comments.edit_comment(
        request.state.actor,
        community.id,
        path_id(request, "proposal_id"),
        path_id(request, "comment_id"),
        fields.get("body", ""),
        now=now(request),
    )
    return see_other(detail_url(request, community, path_id(request, "proposal_id")) + "#comments")


async def delete_comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    await comments.delete_comment(
        request.state.actor,
        community.id,
        path_id(request, "proposal_id"),
        path_id(request, "comment_id"),
        now=now(request),
    )
    if htmx.wants_fragment(request):
        return await detail(request, fragment="comments")
    return see_other(detail_url(request, community, path_id(request, "proposal_id")) + "#comments")
