"""HOSTILE case 20: residents at committee endpoints."""

from __future__ import annotations

from typing import Any

import httpx

from participation.communities.models import (
    Membership,
)
from tests.support import (
    csrf_token,
    login,
    make_user,
    make_verified,
)
from tests.web.helpers import (
    HTMX_PARTIAL,
    Scene,
    VotingScene,
    is_fragment,
    round_form,
    snapshot,
)


async def test_resident_posting_to_committee_endpoints_is_403(
    client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    user = await make_user("plain-resident")
    await make_verified(scene.world.community, user)
    await login(client, "plain-resident")
    token = await csrf_token(client)
    before = await snapshot()
    rounds = "/c/yulin/rounds"
    committee_writes: list[tuple[str, dict[str, Any]]] = [
        (f"/c/yulin/committee/members/{user.id}/roles", {"role": "committee", "granted": "1"}),
        (f"/c/yulin/committee/members/{scene.target.id}/roles", {"role": "volunteer"}),
        ("/c/yulin/committee/codes", {"labels": "1栋1"}),
        (f"/c/yulin/committee/codes/{scene.code_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{scene.request_id}/decide", {"decision": "approve"}),
        ("/c/yulin/committee/settings", {"verify_by_code": "1", "household_member_cap": "50"}),
        ("/c/yulin/committee/settings/proposals", {"support_threshold": "0"}),
        (rounds, round_form("居民自己的投票", voting.proposal_ids)),
        (f"{rounds}/{voting.draft_id}/edit", round_form("居民改的投票", voting.proposal_ids)),
        (f"{rounds}/{voting.draft_id}/open", {}),
        (f"{rounds}/{voting.ended_id}/close", {}),
        (f"{rounds}/{voting.counted_id}/publish", {}),
        # Entering a paper ballot, even one's own.
        (
            f"{rounds}/{voting.open_id}/paper",
            {"voter_id": str(user.id), "projects": str(voting.open_projects[0])},
        ),
        (
            f"{rounds}/{voting.open_id}/paper",
            {"voter_id": str(voting.paper_voter.id), "projects": str(voting.open_projects[0])},
        ),
    ]
    for path, data in committee_writes:
        plain = await client.post(path, data={"csrf_token": token, **data})
        assert plain.status_code == 403, path
        assert "<html" in plain.text
        partial = await client.post(
            path, data=data, headers={**HTMX_PARTIAL, "X-CSRF-Token": token}
        )
        assert partial.status_code == 403, path
        assert is_fragment(partial.text)
    assert await snapshot() == before
    assert not (await Membership.get(user_id=user.id)).is_committee
