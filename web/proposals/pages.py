"""The proposal list, one proposal's page, and the proposal form (new, edit, submit, withdraw)."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from participation.communities import queries as communities
from participation.communities.queries import CommunityInfo
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, can
from participation.moderation.queries import hidden_ids
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
from web.core.clock import now
from web.core.forms import flash, form_fields, path_id, see_other
from web.core.i18n import gettext
from web.core.templating import render
from web.core.users import require_user
from web.moderation.guard import personal_data_guard


def detail_url(request: Request, community: CommunityInfo, proposal_id: int) -> str:
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


def page_names(community: CommunityInfo, current: str = "") -> dict[str, Any]:
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
    names = page_names(community)
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
    )


async def detail(request: Request, *, fragment: str = "support") -> Response:
    community = await communities.get_community(request.path_params["slug"])
    found = await queries.get_proposal(
        request.state.actor, community.id, path_id(request, "proposal_id")
    )
    standing = await communities.get_standing(request.state.actor.user_id, community.id)
    actor = request.state.actor
    hidden = bool(await hidden_ids("proposal", [found.proposal.id]))
    if (
        hidden
        and actor.user_id != found.proposal.author_id
        and not can("moderation.see_queue", actor, standing)
    ):
        return render(
            request,
            "moderation/hidden.html",
            {"community": community, "standing": standing},
            private=actor.user_id is not None,
        )
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
            "hidden": hidden,
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
            **page_names(community),
        },
        fragment=fragment,
    )


PROPOSAL_TEXT = {
    "title": N_("Title"),
    "body": N_("What do you propose, and why?"),
    "location": N_("Where (optional)"),
}


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
            **page_names(community, current=form.get("category", "") if proposal_id else ""),
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
    if asked := personal_data_guard(request, fields, PROPOSAL_TEXT):
        return asked
    try:
        proposal = await services.create_proposal(
            request.state.actor, community.id, _form_input(fields), now=now(request)
        )
    except Invalid as exc:
        return _form_page(request, community, form=fields, error=exc, status_code=422)
    flash(request, N_("Your draft is saved. Submit it when you are ready."))
    return see_other(detail_url(request, community, proposal.id))


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
    if asked := personal_data_guard(request, fields, PROPOSAL_TEXT):
        return asked
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
    return see_other(detail_url(request, community, proposal_id))


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
    return see_other(detail_url(request, community, proposal_id))
