"""Access to proposals, comments, photos and progress (HOSTILE case 17)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from participation.comments.models import Comment
from participation.proposals.models import (
    Milestone,
    ProgressUpdate,
    Proposal,
    ProposalPhoto,
    Support,
)
from tests.support import (
    World,
)
from tests.web.access import (
    ACTORS,
    COMMITTEE_LIKE,
    VERIFIED_HERE,
    Case,
    author_only,
    committee_only,
    everyone,
    only,
    proposals_of,
    residents_here,
    run_matrix,
    signed_in,
)
from tests.web.helpers import (
    Scene,
    sqlite_only,
)


async def _proposal_created(scene: Scene) -> bool:
    return await Proposal.exists(title="矩阵里的新提案", status="draft")


async def _proposal_edited(scene: Scene) -> bool:
    return await Proposal.exists(id=proposals_of(scene).submitted_id, title="改过的标题")


async def _photo_added(scene: Scene) -> bool:
    return await ProposalPhoto.filter(proposal_id=proposals_of(scene).submitted_id).count() == 2


async def _supported(scene: Scene) -> bool:
    return await Support.exists(proposal_id=proposals_of(scene).submitted_id)


async def _commented(scene: Scene) -> bool:
    return await Comment.exists(
        thread=f"proposal:{proposals_of(scene).submitted_id}", body="矩阵评论"
    )


async def _comment_edited(scene: Scene) -> bool:
    return await Comment.exists(id=proposals_of(scene).comment_id, body="改过的评论")


async def _comment_deleted(scene: Scene) -> bool:
    return await Comment.exists(id=proposals_of(scene).comment_id, deleted_at__isnull=False)


async def _update_posted(scene: Scene) -> bool:
    return await ProgressUpdate.exists(proposal_id=proposals_of(scene).selected_id, body="矩阵进展")


async def _progress_set(scene: Scene) -> bool:
    return await Proposal.exists(id=proposals_of(scene).selected_id, progress_percent=45)


async def _milestone_added(scene: Scene) -> bool:
    return await Milestone.exists(proposal_id=proposals_of(scene).selected_id, title="矩阵里程碑")


async def _milestone_done(scene: Scene) -> bool:
    return await Milestone.exists(id=proposals_of(scene).milestone_id, done_at__isnull=False)


async def _update_approved(scene: Scene) -> bool:
    return await ProgressUpdate.exists(id=proposals_of(scene).update_id, status="published")


async def _reviewed(scene: Scene) -> bool:
    return await Proposal.exists(id=proposals_of(scene).submitted_id, status="accepted")


async def _withdrawn(scene: Scene) -> bool:
    return await Proposal.exists(id=proposals_of(scene).submitted_id, status="withdrawn")


PROPOSAL_FORM = {
    "title": "矩阵里的新提案",
    "body": "在3栋北侧种花",
    "category": "pocket_garden",
    "cost_yuan": "1200",
}


# In request order: reads first, then writes.
MATRIX = (
    Case("GET", "/c/{slug}/proposals", everyone(200)),
    Case("GET", "/c/{slug}/proposals/new", signed_in(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}", everyone(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/progress.atom", everyone(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/edit", author_only(200, others=404)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit", author_only(200)),
    Case("GET", "/c/{slug}/committee/proposals", committee_only(200)),
    Case("GET", "/media/{key}/{variant}.webp", everyone(200)),
    # Proposals: the scene's submitted proposal (and its selected one for progress updates).
    Case(
        "POST",
        "/c/{slug}/proposals",
        residents_here(303),
        PROPOSAL_FORM,
        changed=_proposal_created,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/edit",
        author_only(303),
        {**PROPOSAL_FORM, "title": "改过的标题"},
        changed=_proposal_edited,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/photos",
        author_only(303),
        {"alt_text": "花坛现状"},
        changed=_photo_added,
        upload=True,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/support",
        residents_here(303),
        {"action": "add"},
        changed=_supported,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments",
        only((*VERIFIED_HERE, "committee"), 303),
        {"body": "矩阵评论"},
        changed=_commented,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit",
        author_only(303),
        {"body": "改过的评论"},
        changed=_comment_edited,
    ),
    # Inviting someone who is not a verified resident here: the author gets the form's 422.
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/co-authors",
        author_only(422),
        {"name": "没有这个人"},
    ),
    # Nobody in the scene has an invitation to accept.
    Case("POST", "/c/{slug}/proposals/{proposal_id}/co-authors/accept", signed_in(404)),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/updates",
        # The team and the committee publish; other verified residents' updates wait.
        only((*VERIFIED_HERE, *COMMITTEE_LIKE), 303),
        {"body": "矩阵进展"},
        changed=_update_posted,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/progress-percent",
        # The project's team (its author here) and the committee keep its tracking.
        only(("author", *COMMITTEE_LIKE), 303),
        {"progress_percent": "45"},
        changed=_progress_set,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/milestones",
        only(("author", *COMMITTEE_LIKE), 303),
        {"title": "矩阵里程碑"},
        changed=_milestone_added,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/milestones/{milestone_id}",
        only(("author", *COMMITTEE_LIKE), 303),
        {"done": "1"},
        changed=_milestone_done,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/updates/{update_id}/decide",
        committee_only(303),
        {"decision": "approve"},
        changed=_update_approved,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/review",
        committee_only(303),
        {"decision": "accept", "reason": ""},
        changed=_reviewed,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/delete",
        author_only(303),
        changed=_comment_deleted,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/{action}",
        author_only(303),
        path="/c/{slug}/proposals/{proposal_id}/withdraw",
        changed=_withdrawn,
    ),
)


# The rules are the same code on either backend, and the services' rules matrices run on
# both: the routes' matrix runs once, on SQLite, to keep the tier within its time.
@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=("proposals",))
