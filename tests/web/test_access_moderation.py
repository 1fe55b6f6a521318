"""Access to moderation: the public log for anyone, reports by members about others'
content, the queue and its actions for the committee (and the platform admin), appeals by
the author only, decided by someone other than the one who acted (HOSTILE 17, 20)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from participation.communities.models import Community
from participation.moderation.models import Appeal, ModeratedItem, Report
from tests.support import World
from tests.web.access import (
    ACTORS,
    Case,
    author_only,
    committee_only,
    everyone,
    moderation_of,
    only,
    proposals_of,
    run_matrix,
)
from tests.web.helpers import Scene, sqlite_only

# Members of the community who did not write the reported comment.
REPORTERS = (
    "unverified",
    "resident",
    "volunteer",
    "committee",
    "team_member",
    "other_team",
    "team_leader",
)
_REPORT = "/c/{slug}/report/{kind}/{item_id}"


async def _threshold_saved(scene: Scene) -> bool:
    return await Community.exists(id=scene.world.community.id, report_threshold=5)


async def _reported(scene: Scene) -> bool:
    item = await ModeratedItem.get(kind="proposal_comment", item_id=proposals_of(scene).comment_id)
    return await Report.filter(item_id=item.id).count() == 2


async def _appealed(scene: Scene) -> bool:
    return await Appeal.exists(entry_id=moderation_of(scene).entry_id)


async def _kept(scene: Scene) -> bool:
    return await ModeratedItem.exists(id=moderation_of(scene).moderated_id, hidden=False)


async def _decided(scene: Scene) -> bool:
    return await Appeal.exists(id=moderation_of(scene).appeal_id, status="overturned")


MATRIX: tuple[Case, ...] = (
    Case(
        "POST",
        "/c/{slug}/committee/settings/moderation",
        committee_only(303),
        data={"report_threshold": "5"},
        changed=_threshold_saved,
    ),
    Case("GET", "/c/{slug}/moderation", everyone(200)),
    Case("GET", "/c/{slug}/moderation.atom", everyone(200)),
    Case("GET", _REPORT, only(REPORTERS, 200)),
    Case(
        "POST",
        _REPORT,
        only(REPORTERS, 303),
        data={"reason": "offensive"},
        changed=_reported,
    ),
    Case("GET", "/c/{slug}/moderation/{entry_id}/appeal", author_only(200)),
    Case(
        "POST",
        "/c/{slug}/moderation/{entry_id}/appeal",
        author_only(303),
        data={"text": "我只是说了实话"},
        changed=_appealed,
    ),
    Case("GET", "/c/{slug}/committee/moderation", committee_only(200)),
    Case(
        "POST",
        "/c/{slug}/committee/moderation/items/{moderated_id}",
        committee_only(303),
        data={"action": "keep"},
        changed=_kept,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/moderation/appeals/{appeal_id}",
        committee_only(303),
        data={"outcome": "overturn", "reason": "不是广告"},
        changed=_decided,
    ),
)


@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=("proposals", "moderation"))
