"""Micro-project pages: list, detail, propose/edit, submit/withdraw, support, review."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, can
from participation.proposals import (
    categories,
    coauthors,
    comments,
    progress,
    queries,
    services,
    tracking,
)
from participation.proposals.rules import STATUS_LABELS, Status, shown_progress
from web.core import htmx
from web.core.clock import now
from web.core.forms import flash, form_fields, optional_id, path_id, see_other, upload_form
from web.core.i18n import gettext
from web.core.templating import render
from web.core.users import require_user


def _detail_url(request: Request, community: CommunityInfo, proposal_id: int) -> str:
    return request.app.url_path_for(
        "proposals:detail", slug=community.slug, proposal_id=str(proposal_id)
    )


def _visitor_seed(request: Request) -> int:
    """A per-visitor random order that stays put while they page through the list."""
    seed = request.session.get("shuffle")
    if not isinstance(seed, int):
        seed = secrets.randbelow(2**62)
        request.session["shuffle"] = seed
    return seed


def _names(community: CommunityInfo, current: str = "") -> dict[str, Any]:
    """The community's categories, and category and status names in the current language.

    ``current`` is a proposal's category, offered even if the committee has since dropped it.
    """
    offered = categories.offered(community.hidden_categories, community.custom_categories)
    if current and current not in {c.key for c in offered}:
        offered.append(categories.Category(current, current, custom=True))
    return {
        "categories": offered,
        "category_name": lambda key: categories.display_name(key, gettext),
        "status_labels": STATUS_LABELS,
        "status_names": {key.value: gettext(label) for key, label in STATUS_LABELS.items()},
    }


async def list_page(request: Request) -> Response:
    community = await communities.get_community(request.path_params["slug"])
    params = request.query_params
    names = _names(community)
    filters = queries.normalise_filters(
        categories={c.key for c in names["categories"]},
        category=params.get("category", ""),
        status=params.get("status", ""),
        query=params.get("q", ""),
        sort=params.get("sort", "newest"),
        page=params.get("page", "1"),
    )
    seed = _visitor_seed(request) if filters.sort == "random" else 0
    page = await queries.list_proposals(community.id, filters, visitor_seed=seed)
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    return render(
        request,
        "proposals/list.html",
        {"community": community, "page": page, "standing": standing, **names},
        fragment="results",
        shared=filters.sort != "random",
    )


async def detail(request: Request, *, fragment: str = "support") -> Response:
    community = await communities.get_community(request.path_params["slug"])
    found = await queries.get_proposal(
        request.state.actor, community.id, path_id(request, "proposal_id")
    )
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    co_authors = await coauthors.list_co_authors(found.proposal.id)
    return render(
        request,
        "proposals/detail.html",
        {
            "community": community,
            "detail": found,
            "standing": standing,
            "comments": await comments.list_comments(found.proposal.id),
            "comment_error": None,
            "comment_edit_window": comments.EDIT_WINDOW,
            "photos": await queries.list_photos(found.proposal.id),
            "co_authors": co_authors,
            "milestones": await tracking.list_milestones(found.proposal.id),
            "shown_progress": shown_progress(
                found.proposal.status, found.proposal.progress_percent
            ),
            "updates": await progress.list_updates(
                found.proposal.id,
                include_pending=can("proposals.review", request.state.actor, standing),
            ),
            **_names(community),
        },
        fragment=fragment,
        shared=request.method == "GET",
    )


async def post_comment(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
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
        return see_other(_detail_url(request, community, proposal_id) + "#comments")
    if htmx.wants_fragment(request):
        return await detail(request, fragment="comments")
    return see_other(_detail_url(request, community, proposal_id) + "#comments")


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
    await comments.edit_comment(
        request.state.actor,
        community.id,
        path_id(request, "proposal_id"),
        path_id(request, "comment_id"),
        fields.get("body", ""),
        now=now(request),
    )
    return see_other(_detail_url(request, community, path_id(request, "proposal_id")) + "#comments")


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
    return see_other(_detail_url(request, community, path_id(request, "proposal_id")) + "#comments")


def _form_input(fields: dict[str, str]) -> services.ProposalInput:
    return services.ProposalInput(
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        category=fields.get("category", ""),
        cost_yuan=fields.get("cost_yuan", ""),
        location=fields.get("location", ""),
        latitude=fields.get("latitude", ""),
        longitude=fields.get("longitude", ""),
    )


def _form_page(
    request: Request,
    community: CommunityInfo,
    *,
    form: dict[str, str],
    proposal_id: int | None = None,
    error: Invalid | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "proposals/form.html",
        {
            "community": community,
            "form": form,
            "proposal_id": proposal_id,
            "error": error,
            **_names(community, current=form.get("category", "") if proposal_id else ""),
        },
        status_code=status_code,
        private=True,
    )


async def new_form(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    return _form_page(request, community, form={"category": "pocket_garden"})


async def create(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    fields = await form_fields(request)
    try:
        proposal = await services.create_proposal(
            request.state.actor, community.id, _form_input(fields), now=now(request)
        )
    except Invalid as exc:
        return _form_page(request, community, form=fields, error=exc, status_code=422)
    flash(request, N_("Your draft is saved. Submit it when you are ready."))
    return see_other(_detail_url(request, community, proposal.id))


async def edit_form(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    found = await queries.get_proposal(
        request.state.actor, community.id, path_id(request, "proposal_id")
    )
    # Someone else's proposal has no edit page: the same 404 as a missing one.
    if not can("proposals.edit", request.state.actor, NO_STANDING, found.subject):
        raise NotFound()
    p = found.proposal
    form = {
        "title": p.title,
        "body": p.body,
        "category": p.category,
        "cost_yuan": str(p.cost_yuan),
        "location": p.location,
        "latitude": "" if p.latitude is None else str(p.latitude),
        "longitude": "" if p.longitude is None else str(p.longitude),
    }
    return _form_page(request, community, form=form, proposal_id=p.id)


async def update(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    try:
        await services.edit_proposal(
            request.state.actor,
            community.id,
            proposal_id,
            _form_input(fields),
            now=now(request),
        )
    except Invalid as exc:
        return _form_page(
            request, community, form=fields, proposal_id=proposal_id, error=exc, status_code=422
        )
    flash(request, N_("Your changes are saved."))
    return see_other(_detail_url(request, community, proposal_id))


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
    return see_other(_detail_url(request, community, proposal_id) + "#photos")


async def invite_co_author(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields = await form_fields(request)
    await coauthors.invite_co_author(
        request.state.actor, community.id, proposal_id, fields.get("name", ""), now=now(request)
    )
    flash(request, N_("Invitation sent."))
    return see_other(_detail_url(request, community, proposal_id))


async def accept_co_authorship(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    await coauthors.accept_co_authorship(
        request.state.actor, community.id, proposal_id, now=now(request)
    )
    flash(request, N_("You are now a co-author of this proposal."))
    return see_other(_detail_url(request, community, proposal_id))


async def post_update(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    proposal_id = path_id(request, "proposal_id")
    fields, photo = await upload_form(request)
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
    return see_other(_detail_url(request, community, proposal_id) + "#progress")


async def _tracking_form(request: Request) -> tuple[CommunityInfo, int, dict[str, str]]:
    """The community, the project and the posted form of a tracking change."""
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    return community, path_id(request, "proposal_id"), await form_fields(request)


def _back_to_progress(request: Request, community: CommunityInfo, proposal_id: int) -> Response:
    return see_other(_detail_url(request, community, proposal_id) + "#progress")


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
    return see_other(_detail_url(request, community, path_id(request, "proposal_id")) + "#progress")


AUTHOR_ACTIONS = {"submit": Status.SUBMITTED, "withdraw": Status.WITHDRAWN}


async def author_action(request: Request) -> Response:
    require_user(request)
    community = await communities.get_community(request.path_params["slug"])
    target = AUTHOR_ACTIONS.get(request.path_params["action"])
    if target is None:
        raise NotFound()
    proposal_id = path_id(request, "proposal_id")
    await services.move_as_author(
        request.state.actor, community.id, proposal_id, target, now=now(request)
    )
    flash(
        request,
        N_("Submitted: the committee will review it.")
        if target is Status.SUBMITTED
        else N_("The proposal was withdrawn."),
    )
    return see_other(_detail_url(request, community, proposal_id))


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
        return see_other(_detail_url(request, community, proposal_id))
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
        {"community": community, "items": items, **_names(community)},
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
    return see_other(_detail_url(request, community, proposal_id))


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
