"""Micro-project pages: the list, one proposal, its form, and what its author, neighbours,
team and committee do on it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from web.proposals.comments import delete_comment, edit_comment, edit_comment_form, post_comment
from web.proposals.pages import (
    author_action,
    create,
    detail,
    edit_form,
    list_page,
    new_form,
    update,
)
from web.proposals.progress import (
    add_milestone,
    decide_update,
    mark_milestone,
    post_update,
    set_progress,
)
from web.proposals.review import review, review_queue, support
from web.proposals.team import accept_co_authorship, add_photo, invite_co_author

routes = [
    Route("/c/{slug}/proposals", list_page, name="proposals:list"),
    Route(
        "/c/{slug}/proposals/{proposal_id}/progress-percent",
        set_progress,
        methods=["POST"],
        name="proposals:set_progress",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/milestones",
        add_milestone,
        methods=["POST"],
        name="proposals:add_milestone",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/milestones/{milestone_id}",
        mark_milestone,
        methods=["POST"],
        name="proposals:mark_milestone",
    ),
    Route("/c/{slug}/proposals", create, methods=["POST"], name="proposals:create"),
    Route("/c/{slug}/proposals/new", new_form, name="proposals:new"),
    Route("/c/{slug}/proposals/{proposal_id}", detail, name="proposals:detail"),
    Route("/c/{slug}/proposals/{proposal_id}/edit", edit_form, name="proposals:edit"),
    Route(
        "/c/{slug}/proposals/{proposal_id}/edit", update, methods=["POST"], name="proposals:update"
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/support",
        support,
        methods=["POST"],
        name="proposals:support",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/review",
        review,
        methods=["POST"],
        name="proposals:review",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/photos",
        add_photo,
        methods=["POST"],
        name="proposals:add_photo",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/co-authors",
        invite_co_author,
        methods=["POST"],
        name="proposals:invite_co_author",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/co-authors/accept",
        accept_co_authorship,
        methods=["POST"],
        name="proposals:accept_co_authorship",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/updates",
        post_update,
        methods=["POST"],
        name="proposals:post_update",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/updates/{update_id}/decide",
        decide_update,
        methods=["POST"],
        name="proposals:decide_update",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/comments",
        post_comment,
        methods=["POST"],
        name="proposals:comment",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit",
        edit_comment_form,
        name="proposals:comment_edit",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit",
        edit_comment,
        methods=["POST"],
        name="proposals:comment_update",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/delete",
        delete_comment,
        methods=["POST"],
        name="proposals:comment_delete",
    ),
    Route(
        "/c/{slug}/proposals/{proposal_id}/{action}",
        author_action,
        methods=["POST"],
        name="proposals:author_action",
    ),
    Route("/c/{slug}/committee/proposals", review_queue, name="committee:proposals"),
]


def _not_shuffled(request: Request) -> bool:
    # A shuffled list is shuffled for each visitor (seeded by their cookie).
    return request.query_params.get("sort") != "random"


# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"proposals:list": _not_shuffled, "proposals:detail": None}
