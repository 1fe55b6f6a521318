"""HOSTILE case 19: another community's objects through this community's URLs."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from participation.accounts.models import User
from participation.communities.models import (
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.voting.models import Ballot, VotingRound
from tests.support import (
    login,
    make_user,
    make_verified,
    post_form,
)
from tests.web.helpers import (
    Scene,
    VotingScene,
    round_form,
    snapshot,
    sqlite_only,
)

# --- 19. another community's objects through this community's URLs -------------------------------


def _main(page: str) -> str:
    match = re.search(r'<main id="main"[^>]*>(.*)</main>', page, re.S)
    assert match
    return match.group(1)


async def test_other_communitys_objects_are_the_same_404_as_missing_ones(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    client = committee_client
    # A verified resident too, so the ballot route gets as far as looking the round up.
    await make_verified(scene.world.community, await User.get(display_name="committee-a"))
    before = await snapshot()
    other_round = await VotingRound.get(id=voting.other_id)
    ballot = {"projects": [str(p) for p in voting.other_projects]}
    pairs: list[tuple[str, str, dict[str, Any]]] = [
        (
            f"/c/yulin/committee/codes/{scene.other_code_id}/revoke",
            "/c/yulin/committee/codes/987654321/revoke",
            {},
        ),
        (
            f"/c/yulin/committee/requests/{scene.other_request_id}/decide",
            "/c/yulin/committee/requests/987654321/decide",
            {"decision": "approve"},
        ),
    ]
    # The other community's round through this community's URLs, by its committee here.
    for action, data in [
        ("edit", round_form("别人的投票", [voting.other_proposal_id])),
        ("open", {}),
        ("ballot", ballot),
        ("paper", {"voter_id": str(voting.author.id), **ballot}),
        ("close", {}),
        ("publish", {}),
    ]:
        pairs.append(
            (
                f"/c/yulin/rounds/{voting.other_id}/{action}",
                f"/c/yulin/rounds/987654321/{action}",
                data,
            )
        )
    for foreign, missing, data in pairs:
        other = await post_form(client, foreign, data)
        absent = await post_form(client, missing, data)
        assert other.status_code == absent.status_code == 404, foreign
        assert _main(other.text) == _main(absent.text)
    for page in (
        "",
        "/edit",
        "/paper",
        "/ballot/total?projects=" + str(voting.other_projects[0]),
        "/ballots.pb",
        "/results.csv",
        "/results.json",
        "/find-my-ballot?code=K7M2Q-9XH4D",
    ):
        other = await client.get(f"/c/yulin/rounds/{voting.other_id}{page}")
        absent = await client.get(f"/c/yulin/rounds/987654321{page}")
        assert other.status_code == absent.status_code == 404, page
        assert _main(other.text) == _main(absent.text)
    assert await snapshot() == before
    assert not await HouseholdCode.exists(id=scene.other_code_id, revoked_at__isnull=False)
    assert await VerificationRequest.exists(id=scene.other_request_id, status="pending")
    assert await VotingRound.get(id=voting.other_id) == other_round
    assert not await Ballot.exists(round_id=voting.other_id)


@sqlite_only
async def test_rounds_stay_out_of_sight_until_they_may_be_seen(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    scene: Scene,
    voting: VotingScene,
) -> None:
    """Drafts are the committee's; ballots and results are downloadable once counted (by the
    committee) or published (by everyone), never while voting runs."""
    await login(client, "voting-committee")
    resident = await make_user("round-watcher")
    await make_verified(scene.world.community, resident, household="4栋409")
    await login(other_client, "round-watcher")
    draft_title = (await VotingRound.get(id=voting.draft_id)).title
    assert draft_title in (await client.get("/c/yulin/rounds")).text
    assert draft_title not in (await other_client.get("/c/yulin/rounds")).text
    before = await snapshot()
    draft = f"/c/yulin/rounds/{voting.draft_id}"
    assert (await other_client.get(draft)).status_code == 404
    refused = await post_form(
        other_client, f"{draft}/ballot", {"projects": str(voting.open_projects[0])}
    )
    assert refused.status_code == 404
    for download in ("ballots.pb", "results.csv", "results.json", "find-my-ballot"):
        for who in (client, other_client):
            still_open = await who.get(f"/c/yulin/rounds/{voting.open_id}/{download}")
            assert still_open.status_code == 404, download
        counted = f"/c/yulin/rounds/{voting.counted_id}/{download}"
        assert (await client.get(counted)).status_code == 200, download
        assert (await other_client.get(counted)).status_code == 404, download
    assert await snapshot() == before


@sqlite_only
@pytest.mark.parametrize(
    "raw_id", ["abc", "-1", "1e3", "0x10", "１２", "1234567890123", "%20", "1.0"]
)
async def test_malformed_ids_are_404(
    committee_client: httpx.AsyncClient, scene: Scene, raw_id: str
) -> None:
    # A verified resident too, so the ballot route gets as far as looking the round up.
    await make_verified(scene.world.community, await User.get(display_name="committee-a"))
    before = await snapshot()
    for path, data in [
        (f"/c/yulin/committee/codes/{raw_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{raw_id}/decide", {"decision": "reject", "reason": "x"}),
        (f"/c/yulin/committee/members/{raw_id}/roles", {"role": "volunteer", "granted": "1"}),
        (f"/c/yulin/rounds/{raw_id}/open", {}),
        (f"/c/yulin/rounds/{raw_id}/close", {}),
        (f"/c/yulin/rounds/{raw_id}/publish", {}),
        (f"/c/yulin/rounds/{raw_id}/ballot", {"projects": "1"}),
        (f"/c/yulin/rounds/{raw_id}/paper", {"voter_id": "1", "projects": "1"}),
        (f"/c/yulin/rounds/{raw_id}/edit", {"title": "x"}),
    ]:
        response = await post_form(committee_client, path, data)
        assert response.status_code == 404, path
    for page in ("", "/edit", "/paper", "/ballot/total", "/ballots.pb", "/results.json"):
        response = await committee_client.get(f"/c/yulin/rounds/{raw_id}{page}")
        assert response.status_code == 404, page
    assert await snapshot() == before


async def test_other_communitys_committee_pages_are_403(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    before = await snapshot()
    other_round = f"/c/yulin-other/rounds/{voting.other_id}"
    for path in (
        "/c/yulin-other/committee/members",
        "/c/yulin-other/committee/codes",
        "/c/yulin-other/committee/requests",
        "/c/yulin-other/committee/settings",
        "/c/yulin-other/rounds/new",
        f"{other_round}/edit",
        f"{other_round}/paper",
    ):
        assert (await committee_client.get(path)).status_code == 403, path
    writes: list[tuple[str, dict[str, Any]]] = [
        (f"/c/yulin-other/committee/codes/{scene.other_code_id}/revoke", {}),
        (
            f"/c/yulin-other/committee/requests/{scene.other_request_id}/decide",
            {"decision": "approve"},
        ),
        ("/c/yulin-other/committee/codes", {"labels": "1栋1"}),
        ("/c/yulin-other/committee/settings/proposals", {"support_threshold": "9"}),
        ("/c/yulin-other/rounds", round_form("别人的投票", [voting.other_proposal_id])),
        (f"{other_round}/edit", round_form("别人的投票", [voting.other_proposal_id])),
        (f"{other_round}/open", {}),
        (f"{other_round}/close", {}),
        (f"{other_round}/publish", {}),
        (
            f"{other_round}/paper",
            {"voter_id": str(voting.author.id), "projects": str(voting.other_projects[0])},
        ),
    ]
    for path, data in writes:
        assert (await post_form(committee_client, path, data)).status_code == 403, path
    assert await snapshot() == before


async def test_committee_cannot_grant_roles_to_people_outside_the_community(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    outsider = await Membership.filter(community_id=scene.world.other.id).first()
    assert outsider is not None
    before = await snapshot()
    response = await post_form(
        committee_client,
        f"/c/yulin/committee/members/{outsider.user_id}/roles",
        {"role": "committee", "granted": "1"},
    )
    assert response.status_code == 404
    assert await snapshot() == before
