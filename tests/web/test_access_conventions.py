"""Access to conventions: reading in the open, amending by verified residents, the committee's
drafting, decisions and vote, paper votes by the community's own committee (HOSTILE 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from participation.comments.models import Comment
from participation.communities.models import Community
from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    Ratification,
    RatificationVote,
)
from tests.support import World
from tests.web.access import (
    ACTORS,
    TEAM_ACTORS,
    Case,
    author_only,
    committee_only,
    conventions_of,
    everyone,
    only,
    residents_here,
    run_matrix,
)
from tests.web.helpers import Scene, sqlite_only

_ONE = "/c/{slug}/conventions/{convention_id}"
_VOTE = _ONE + "/votes/{ratification_id}"
# Verified residents here who did not write the scene's amendment.
SUPPORTERS = ("resident", "volunteer", *TEAM_ACTORS)


async def _mode_saved(scene: Scene) -> bool:
    return await Community.exists(id=scene.world.community.id, convention_vote_mode="resident")


async def _created(scene: Scene) -> bool:
    return await Convention.exists(title="矩阵里的新公约")


async def _amended(scene: Scene) -> bool:
    return await Amendment.filter(convention_id=conventions_of(scene).drafting_id).count() == 2


async def _supported(scene: Scene) -> bool:
    return await AmendmentSupport.exists(amendment_id=conventions_of(scene).amendment_id)


async def _withdrawn(scene: Scene) -> bool:
    return await Amendment.exists(id=conventions_of(scene).amendment_id, status="withdrawn")


async def _commented(scene: Scene) -> bool:
    thread = f"amendment:{conventions_of(scene).amendment_id}"
    return await Comment.exists(thread=thread, body="矩阵里的评论")


async def _comment_deleted(scene: Scene) -> bool:
    return await Comment.exists(id=conventions_of(scene).comment_id, deleted_at__isnull=False)


async def _decided(scene: Scene) -> bool:
    return await Amendment.exists(id=conventions_of(scene).amendment_id, status="rejected")


async def _consolidating(scene: Scene) -> bool:
    return await Convention.exists(id=conventions_of(scene).drafting_id, status="consolidation")


async def _revising(scene: Scene) -> bool:
    return await Convention.exists(id=conventions_of(scene).adopted_id, status="drafting")


async def _scheduled(scene: Scene) -> bool:
    return await Ratification.exists(convention_id=conventions_of(scene).ready_id)


async def _voted(scene: Scene) -> bool:
    return await RatificationVote.exists(ratification_id=conventions_of(scene).vote_id)


async def _paper_entered(scene: Scene) -> bool:
    conventions = conventions_of(scene)
    return await RatificationVote.exists(
        ratification_id=conventions.vote_id, voter_id=conventions.paper_voter_id, channel="paper"
    )


async def _counted(scene: Scene) -> bool:
    return await Ratification.exists(
        id=conventions_of(scene).over_vote_id, counted_at__isnull=False
    )


def _decision(scene: Scene) -> dict[str, Any]:
    amendment_id = conventions_of(scene).amendment_id
    return {f"decision-{amendment_id}": "reject", f"reason-{amendment_id}": "与第二条重复"}


def _paper(scene: Scene) -> dict[str, Any]:
    return {"voter_id": str(conventions_of(scene).paper_voter_id), "choice": "yes"}


_SCHEDULE = {
    "quorum_percent": "30",
    "majority": "two_thirds",
    "opens_at": "2026-01-01T08:00",
    "closes_at": "2099-01-01T08:00",
}

MATRIX: tuple[Case, ...] = (
    Case(
        "POST",
        "/c/{slug}/committee/settings/conventions",
        committee_only(303),
        data={"convention_vote_mode": "resident"},
        changed=_mode_saved,
    ),
    Case("GET", "/c/{slug}/conventions", everyone(200)),
    Case("GET", _ONE, everyone(200)),
    Case("GET", _ONE + "/convention.json", everyone(200)),
    Case("GET", _ONE + "/print", everyone(200)),
    Case("GET", _ONE + "/compare", everyone(200)),
    Case("GET", _ONE + "/versions/{number}", everyone(200)),
    Case("GET", "/c/{slug}/conventions/new", committee_only(200)),
    Case(
        "POST",
        "/c/{slug}/conventions/new",
        committee_only(200),
        data={"title": "矩阵里的新公约", "text": "第一条 爱护花草。"},
    ),
    Case(
        "POST",
        "/c/{slug}/conventions",
        committee_only(303),
        data={"title": "矩阵里的新公约", "article": "爱护花草。"},
        changed=_created,
    ),
    Case("GET", _ONE + "/amend", residents_here(200), path=_ONE + "/amend?article=1"),
    Case(
        "POST",
        _ONE + "/amendments",
        residents_here(303),
        data={"article_key": "2", "kind": "delete", "rationale": "与第一条重复"},
        changed=_amended,
    ),
    Case(
        "POST",
        _ONE + "/amendments/{amendment_id}/support",
        only(SUPPORTERS, 303),
        data={"supported": "1"},
        changed=_supported,
    ),
    Case(
        "POST", _ONE + "/amendments/{amendment_id}/withdraw", author_only(303), changed=_withdrawn
    ),
    # The discussion: verified residents and the committee post; the author deletes their own.
    Case(
        "POST",
        _ONE + "/amendments/{amendment_id}/comments",
        {**residents_here(303), "committee": 303},
        data={"body": "矩阵里的评论"},
        changed=_commented,
    ),
    Case(
        "POST",
        _ONE + "/amendments/{amendment_id}/comments/{comment_id}/delete",
        author_only(303),
        changed=_comment_deleted,
    ),
    Case("GET", _ONE + "/decide", committee_only(200)),
    Case("POST", _ONE + "/decide", committee_only(303), form=_decision, changed=_decided),
    Case(
        "POST",
        _ONE + "/phase",
        committee_only(303),
        data={"to": "consolidation"},
        changed=_consolidating,
    ),
    Case("POST", _ONE + "/revise", committee_only(303), convention="adopted_id", changed=_revising),
    Case("GET", _ONE + "/vote/new", committee_only(200), convention="ready_id"),
    Case(
        "POST",
        _ONE + "/vote",
        committee_only(303),
        convention="ready_id",
        data=_SCHEDULE,
        changed=_scheduled,
    ),
    Case(
        "POST",
        _VOTE,
        residents_here(303),
        convention="voting_id",
        data={"choice": "yes"},
        changed=_voted,
    ),
    # Paper votes are the community's committee's to type in, not a platform admin's.
    Case("GET", _VOTE + "/paper", only(("committee",), 200), convention="voting_id"),
    Case(
        "POST",
        _VOTE + "/paper",
        only(("committee",), 303),
        convention="voting_id",
        form=_paper,
        changed=_paper_entered,
    ),
    Case(
        "POST",
        _VOTE + "/count",
        committee_only(303),
        convention="over_id",
        vote="over_vote_id",
        changed=_counted,
    ),
)


# The rules are the same code on either backend, and the services' rules matrices run on
# both: the routes' matrix runs once, on SQLite, to keep the tier within its time.
@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=("conventions",))
