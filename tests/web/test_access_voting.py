"""Access to voting rounds, ballots and results (HOSTILE case 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from participation.voting.models import Ballot, VotingRound
from tests.support import (
    World,
)
from tests.web.access import (
    ACTORS,
    Case,
    everyone,
    managers,
    only,
    residents_here,
    run_matrix,
    seen_by_managers,
    signed_in,
    voting_of,
)
from tests.web.helpers import (
    Scene,
    round_form,
    sqlite_only,
)


async def _round_created(scene: Scene) -> bool:
    return await VotingRound.exists(title="矩阵里的新投票", status="draft")


async def _round_edited(scene: Scene) -> bool:
    return await VotingRound.exists(
        id=voting_of(scene).draft_id, title="改过的投票", status="draft"
    )


async def _round_opened(scene: Scene) -> bool:
    return await VotingRound.exists(id=voting_of(scene).draft_id, status="open")


async def _voted_online(scene: Scene) -> bool:
    return await Ballot.exists(round_id=voting_of(scene).open_id, channel="online")


async def _paper_entered(scene: Scene) -> bool:
    voting = voting_of(scene)
    return await Ballot.exists(
        round_id=voting.open_id, channel="paper", voter_id=voting.paper_voter.id
    )


async def _round_counted(scene: Scene) -> bool:
    return await VotingRound.exists(id=voting_of(scene).ended_id, status="tallied")


async def _round_published(scene: Scene) -> bool:
    return await VotingRound.exists(id=voting_of(scene).counted_id, status="published")


def _new_round_form(scene: Scene) -> dict[str, Any]:
    return round_form("矩阵里的新投票", voting_of(scene).proposal_ids)


def _edited_round_form(scene: Scene) -> dict[str, Any]:
    return round_form("改过的投票", voting_of(scene).proposal_ids)


def _ballot_form(scene: Scene) -> dict[str, Any]:
    return {"projects": [str(voting_of(scene).open_projects[1])]}


def _paper_form(scene: Scene) -> dict[str, Any]:
    voting = voting_of(scene)
    return {"voter_id": str(voting.paper_voter.id), "projects": [str(voting.open_projects[0])]}


# In request order: reads first, then writes.
MATRIX = (
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/receipt/{token}",
        signed_in(404),
        path="/c/yulin/rounds/1/receipt/" + "x" * 43,
    ),
    # Voting: drafts and counted-but-unpublished rounds are for those who manage rounds.
    Case("GET", "/c/{slug}/rounds", everyone(200)),
    Case("GET", "/c/{slug}/rounds/new", managers(200)),
    Case("GET", "/c/{slug}/rounds/{round_id}", seen_by_managers(200), voting_round="draft_id"),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/feed.atom",
        seen_by_managers(200),
        voting_round="draft_id",
    ),
    Case("GET", "/c/{slug}/rounds/{round_id}/edit", managers(200), voting_round="draft_id"),
    Case("GET", "/c/{slug}/rounds/{round_id}/ballot/total", everyone(200)),
    # Paper ballots are the community committee's to enter, not a platform admin's.
    Case("GET", "/c/{slug}/rounds/{round_id}/paper", only(("committee",), 200)),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/ballots.pb",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/results.csv",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/results.json",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        seen_by_managers(200),
        {"code": "K7M2Q-9XH4D"},
        voting_round="counted_id",
    ),
    # Voting: the draft is edited, then opened; a verified resident votes in the open round and
    # the committee enters a paper ballot there; the ended round is closed and counted; the
    # counted one is published.
    Case("POST", "/c/{slug}/rounds", managers(303), form=_new_round_form, changed=_round_created),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/edit",
        managers(303),
        form=_edited_round_form,
        changed=_round_edited,
        voting_round="draft_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/open",
        managers(303),
        changed=_round_opened,
        voting_round="draft_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/ballot",
        residents_here(303),
        form=_ballot_form,
        changed=_voted_online,
    ),
    # voting.enter_paper_ballot is the community's committee's alone, not platform admins'.
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/paper",
        only(("committee",), 303),
        form=_paper_form,
        changed=_paper_entered,
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/close",
        managers(303),
        changed=_round_counted,
        voting_round="ended_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/publish",
        managers(303),
        changed=_round_published,
        voting_round="counted_id",
    ),
)


# The rules are the same code on either backend, and the services' rules matrices run on
# both: the routes' matrix runs once, on SQLite, to keep the tier within its time.
@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=("voting",))
