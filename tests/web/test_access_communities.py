"""Access to the site, accounts and communities (HOSTILE case 17): every route × every visitor."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from participation.communities.models import (
    Community,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from tests.support import (
    World,
)
from tests.web.access import (
    ACTORS,
    Case,
    committee_only,
    everyone,
    not_yet_verified,
    run_matrix,
    signed_in,
)
from tests.web.helpers import (
    Scene,
    sqlite_only,
)


async def _settings_saved(scene: Scene) -> bool:
    return (await Community.get(id=scene.world.community.id)).household_member_cap == 4


async def _proposal_settings_saved(scene: Scene) -> bool:
    community = await Community.get(id=scene.world.community.id)
    return community.support_threshold == 7 and community.custom_categories == ["垃圾分类"]


async def _target_is_volunteer(scene: Scene) -> bool:
    return await Membership.exists(user_id=scene.target.id, is_volunteer=True)


async def _codes_issued(scene: Scene) -> bool:
    return await HouseholdCode.exists(household__label="8栋801")


async def _code_revoked(scene: Scene) -> bool:
    return await HouseholdCode.exists(id=scene.code_id, revoked_at__isnull=False)


async def _request_rejected(scene: Scene) -> bool:
    return await VerificationRequest.exists(id=scene.request_id, status="rejected")


# In request order: reads first, then writes.
MATRIX = (
    Case("GET", "/", everyone(200)),
    Case("GET", "/healthz", everyone(200)),
    Case("GET", "/favicon.ico", everyone(200)),
    Case("GET", "/apple-touch-icon.png", everyone(200)),
    Case("GET", "/login", everyone(200)),
    Case("GET", "/login/{provider}", everyone(302)),
    Case("GET", "/auth/{provider}/callback", everyone(400)),
    Case("GET", "/static", everyone(200), path="/static/huakai.css"),
    Case("GET", "/profile", signed_in(200)),
    Case("GET", "/c/{slug}", everyone(200)),
    Case("GET", "/c/{slug}/news.atom", everyone(200)),
    Case("GET", "/c/{slug}/data", everyone(200)),
    Case("GET", "/c/{slug}/data/{dataset}.csv", everyone(200)),
    Case("GET", "/c/{slug}/data/{dataset}.json", everyone(200)),
    Case("GET", "/c/{slug}/verify", signed_in(200)),
    Case("GET", "/c/{slug}/committee/settings", committee_only(200)),
    Case("GET", "/c/{slug}/committee/members", committee_only(200)),
    Case("GET", "/c/{slug}/committee/codes", committee_only(200)),
    Case("GET", "/c/{slug}/committee/requests", committee_only(200)),
    # What a form showed once is its author's alone: to anyone else, any token is unknown
    # (tests/web/test_kept_results.py opens real ones).
    Case(
        "GET",
        "/c/{slug}/committee/codes/sheet/{token}",
        committee_only(404),
        path="/c/yulin/committee/codes/sheet/" + "x" * 43,
    ),
    Case("POST", "/language", everyone(303), {"locale": "zh_Hans", "next": "/"}),
    Case("POST", "/profile", signed_in(303), {"display_name": "改个名", "locale": "zh_Hans"}),
    Case("POST", "/profile/email", signed_in(303), {"email": "me@example.org"}),
    # Only in the demo (there is no sink otherwise): the committee's, then a 404 here.
    Case("GET", "/c/{slug}/committee/demo-mail", committee_only(404)),
    # Anyone with the link may confirm: the token is the authority (here a wrong one).
    Case("GET", "/mail/confirm/{token}", everyone(200), path="/mail/confirm/" + "x" * 43),
    Case("POST", "/mail/confirm/{token}", everyone(422), path="/mail/confirm/" + "x" * 43),
    Case("POST", "/c/{slug}/join", signed_in(303)),
    Case(
        "POST",
        "/c/{slug}/verify/request",
        not_yet_verified(303),
        {"household_label": "5栋501", "note": "刚搬来"},
    ),
    Case("POST", "/c/{slug}/verify/code", not_yet_verified(422), {"code": "AAAAA-AAAAA"}),
    Case(
        "POST",
        "/c/{slug}/committee/settings",
        committee_only(303),
        {
            "verify_by_code": "1",
            "verify_by_request": "1",
            "household_member_cap": "4",
            "default_locale": "zh_Hans",
        },
        changed=_settings_saved,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/settings/proposals",
        committee_only(303),
        {"support_threshold": "7", "custom_categories": "垃圾分类", "offer_greening": "1"},
        changed=_proposal_settings_saved,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/members/{user_id}/roles",
        committee_only(303),
        {"role": "volunteer", "granted": "1"},
        changed=_target_is_volunteer,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/codes",
        committee_only(303),
        {"labels": "8栋801"},
        changed=_codes_issued,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/codes/{code_id}/revoke",
        committee_only(303),
        changed=_code_revoked,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/requests/{request_id}/decide",
        committee_only(303),
        {"decision": "reject", "reason": "查无此户"},
        changed=_request_rejected,
    ),
    Case("POST", "/logout", everyone(303)),
)


# The rules are the same code on either backend, and the services' rules matrices run on
# both: the routes' matrix runs once, on SQLite, to keep the tier within its time.
@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=())
