"""HOSTILE case 18: fields injected into forms are ignored."""

from __future__ import annotations

from typing import Any

import httpx

from participation.accounts.models import User
from participation.communities.models import (
    Community,
    Household,
    Membership,
    VerificationRequest,
)
from participation.voting.models import Ballot, BallotChoice, VotingRound
from tests.support import (
    login,
    make_verified,
    post_form,
)
from tests.web.helpers import (
    Scene,
    VotingScene,
    round_form,
    snapshot,
)

INJECTED = {
    "user_id": "{victim}",
    "membership_id": "{victim_membership}",
    "community_id": "{other}",
    "household_id": "{other_household}",
    "role": "committee",
    "is_committee": "1",
    "is_volunteer": "1",
    "is_admin": "1",
    "verified_at": "2020-01-01T00:00:00Z",
    "status": "approved",
    "decided_by_id": "{victim}",
    "session_version": "99",
    "disabled": "1",
    "id": "{victim}",
    "slug": "hijacked",
    "name": "Hijacked",
}


def _injected(scene: Scene, victim_membership: int, other_household: int) -> dict[str, str]:
    values = {
        "victim": str(scene.target.id),
        "victim_membership": str(victim_membership),
        "other": str(scene.world.other.id),
        "other_household": str(other_household),
    }
    return {key: value.format(**values) for key, value in INJECTED.items()}


async def test_injected_fields_are_ignored_by_resident_forms(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    community, other = scene.world.community, scene.world.other
    victim_membership = await Membership.get(user_id=scene.target.id)
    other_household = await Household.get(community_id=other.id, label="9栋902")
    extra = _injected(scene, victim_membership.id, other_household.id)
    user = await login(client, "injector")

    for path, data in [
        ("/c/yulin/join", {}),
        ("/c/yulin/verify/request", {"household_label": "6栋601", "note": "hi"}),
        ("/profile", {"display_name": "注入者", "locale": "en"}),
        ("/c/yulin/verify/code", {"code": scene.code}),
    ]:
        response = await post_form(client, path, {**extra, **data})
        assert response.status_code == 303, (path, response.text[:300])

    mine = await Membership.get(user_id=user.id).prefetch_related("household")
    assert mine.community_id == community.id
    assert not mine.is_committee and not mine.is_volunteer
    assert mine.household is not None and mine.household.label == "3栋302", "the code's household"
    assert not await Membership.exists(user_id=user.id, community_id=other.id)
    request = await VerificationRequest.get(membership_id=mine.id)
    assert request.household_label == "6栋601"
    assert request.status == "superseded", "redeeming the code superseded the pending request"
    assert request.decided_by_id is None

    me = await User.get(id=user.id)
    assert (me.display_name, me.locale, me.is_admin, me.disabled) == ("注入者", "en", False, False)
    victim = await User.get(id=scene.target.id)
    assert (victim.display_name, victim.is_admin, victim.disabled) == ("邻居小王", False, False)
    victim_after = await Membership.get(id=victim_membership.id)
    assert victim_after.verified_at is None and not victim_after.is_committee
    assert await VerificationRequest.exists(id=scene.request_id, status="pending")
    assert (await Community.get(id=community.id)).slug == "yulin"


async def test_injected_fields_are_ignored_by_committee_forms(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    community, other = scene.world.community, scene.world.other
    victim_membership = await Membership.get(user_id=scene.target.id)
    other_household = await Household.get(community_id=other.id, label="9栋902")
    extra = _injected(scene, victim_membership.id, other_household.id)
    committee = await User.get(display_name="committee-a")

    role = await post_form(
        committee_client,
        f"/c/yulin/committee/members/{scene.target.id}/roles",
        {**extra, "role": "volunteer", "granted": "1"},
    )
    assert role.status_code == 303
    decided = await post_form(
        committee_client,
        f"/c/yulin/committee/requests/{scene.request_id}/decide",
        {**extra, "decision": "reject", "reason": "不是本小区"},
    )
    assert decided.status_code == 303
    saved = await post_form(
        committee_client,
        "/c/yulin/committee/settings",
        {
            **extra,
            "verify_by_code": "1",
            "verify_by_request": "1",
            "household_member_cap": "3",
            "default_locale": "en",
        },
    )
    assert saved.status_code == 303

    target = await Membership.get(id=victim_membership.id)
    assert target.is_volunteer and not target.is_committee
    assert target.verified_at is None
    request = await VerificationRequest.get(id=scene.request_id)
    assert (request.status, request.decided_by_id) == ("rejected", committee.id)
    assert await VerificationRequest.exists(id=scene.other_request_id, status="pending")
    assert not await Membership.exists(user_id=scene.target.id, community_id=other.id)
    saved_community = await Community.get(id=community.id)
    assert (saved_community.slug, saved_community.household_member_cap) == ("yulin", 3)
    assert saved_community.name == scene.world.community.name
    assert (await Community.get(id=other.id)).household_member_cap != 3
    assert not (await User.get(id=scene.target.id)).is_admin


VOTING_INJECTED = {
    "voter_id": "{victim}",
    "voter_key": "user:{victim}",
    "user_id": "{victim}",
    "channel": "paper",
    "entered_by_id": "{victim}",
    "created_by_id": "{victim}",
    "receipt_hash": "0" * 64,
    "total_cost": "1",
    "budget_yuan_override": "1",
    "status": "published",
    "ballot_count": "99",
    "lot": "[1, 2, 3]",
    "pb_sha256": "f" * 64,
    "round_id": "{other_round}",
    "community_id": "{other}",
    "published_at": "2020-01-01T00:00:00Z",
    "funded": "1",
    "id": "1",
}


def _voting_injected(scene: Scene, voting: VotingScene) -> dict[str, Any]:
    values = {
        "victim": str(voting.paper_voter.id),
        "other_round": str(voting.other_id),
        "other": str(scene.world.other.id),
    }
    return {key: value.format(**values) for key, value in VOTING_INJECTED.items()}


async def test_injected_fields_are_ignored_by_the_ballot(
    client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    """The ballot is the signed-in voter's own, online, in the round of the URL, under the
    round's own rules, whatever else the form carries."""
    voter = await login(client, "injecting-voter")
    await make_verified(scene.world.community, voter, household="5栋505")
    rounds = f"/c/yulin/rounds/{voting.open_id}"
    wanted = voting.open_projects[1]  # ¥2,000
    form: dict[str, Any] = {
        **_voting_injected(scene, voting),
        "budget_yuan": "999999999",
        "max_projects": "1",
        "projects": [str(wanted)],
    }
    response = await post_form(client, f"{rounds}/ballot", form)
    assert response.status_code == 303, response.text[:500]

    [ballot] = await Ballot.filter(round_id=voting.open_id)
    assert (ballot.voter_id, ballot.voter_key) == (voter.id, f"user:{voter.id}")
    assert (ballot.channel, ballot.entered_by_id) == ("online", None)
    assert ballot.total_cost == 2000 and ballot.receipt_hash != "0" * 64
    assert await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    ) == [wanted]
    voted = await VotingRound.get(id=voting.open_id)
    assert (voted.status, voted.budget_yuan, voted.ballot_count) == ("open", 5000, 1)
    assert (voted.pb_sha256, voted.published_at, voted.community_id) == (
        "",
        None,
        scene.world.community.id,
    )
    assert not await Ballot.exists(voter_id=voting.paper_voter.id)
    assert not await Ballot.exists(round_id=voting.other_id)
    assert (await VotingRound.get(id=voting.other_id)).ballot_count == 0

    # Injected rules do not loosen the round's: over its budget is over, whatever is posted.
    form = {**form, "max_projects": "9", "projects": [str(p) for p in voting.open_projects]}
    over = await post_form(client, f"{rounds}/ballot", form)
    assert over.status_code == 422
    assert await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    ) == [wanted]


async def test_injected_fields_are_ignored_by_round_and_paper_forms(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    client = committee_client
    committee = await User.get(display_name="committee-a")
    extra = _voting_injected(scene, voting)

    created = await post_form(
        client, "/c/yulin/rounds", {**extra, **round_form("注入的投票", voting.proposal_ids)}
    )
    assert created.status_code == 303, created.text[:500]
    new = await VotingRound.get(title="注入的投票")
    assert (new.community_id, new.created_by_id) == (scene.world.community.id, committee.id)
    assert (new.status, new.ballot_count, new.lot, new.pb_sha256) == ("draft", 0, [], "")
    assert new.published_at is None

    edited = await post_form(
        client,
        f"/c/yulin/rounds/{voting.draft_id}/edit",
        {**extra, **round_form("注入后改的投票", voting.proposal_ids)},
    )
    assert edited.status_code == 303, edited.text[:500]
    draft = await VotingRound.get(id=voting.draft_id)
    assert (draft.title, draft.status, draft.ballot_count) == ("注入后改的投票", "draft", 0)
    assert draft.created_by_id == voting.committee.id

    paper_form: dict[str, Any] = {
        **extra,
        "channel": "online",
        "voter_id": str(voting.paper_voter.id),
        "projects": [str(voting.open_projects[3])],
    }
    paper = await post_form(client, f"/c/yulin/rounds/{voting.open_id}/paper", paper_form)
    assert paper.status_code == 303, paper.text[:500]
    [ballot] = await Ballot.filter(round_id=voting.open_id)
    assert (ballot.voter_id, ballot.channel) == (voting.paper_voter.id, "paper")
    assert ballot.entered_by_id == committee.id and ballot.total_cost == 1000
    assert ballot.receipt_hash != "0" * 64
    assert (await VotingRound.get(id=voting.open_id)).ballot_count == 1
    other = await VotingRound.get(id=voting.other_id)
    assert (other.title, other.status, other.ballot_count) == ("别处的投票", "open", 0)


async def test_unknown_role_is_refused_and_changes_nothing(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    before = await snapshot()
    for role in ("admin", "is_admin", "is_committee", "", "committee "):
        response = await post_form(
            committee_client,
            f"/c/yulin/committee/members/{scene.target.id}/roles",
            {"role": role, "granted": "1"},
        )
        assert response.status_code == 422, role
    assert await snapshot() == before
