"""Rate limits on household codes (HOSTILE 33), the audit trail of committee actions (34) and the
security log (35)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from participation.audit.models import AuditEntry
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from tests.support import (
    SECRET,
    csrf_token,
    idp_authorize,
    login,
    make_committee,
    make_user,
    make_verified,
    post_form,
    start_login,
)
from tests.web.helpers import (
    ENGLISH,
    HTMX_PARTIAL,
    Scene,
    is_fragment,
    path_and_query,
    session_cookie,
)

REDEEM_LIMIT = 5
REDEEM_WINDOW = 15 * 60


# --- 33. redemption bursts -----------------------------------------------------------------------


async def test_household_code_guessing_is_429_with_retry_after(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, scene: Scene
) -> None:
    user = await login(client, "guesser")
    token = await csrf_token(client)
    statuses: list[int] = []
    limited: httpx.Response | None = None
    # A fixed window may roll over once during the burst: 2 x limit + 1 attempts must hit it.
    for attempt in range(2 * REDEEM_LIMIT + 1):
        response = await client.post(
            "/c/yulin/verify/code",
            data={"csrf_token": token, "code": f"AAAAA-AAAA{attempt % 10}"},
            headers={"X-Forwarded-For": f"192.0.2.{attempt}"},
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            limited = response
            break
    assert statuses[:REDEEM_LIMIT] == [422] * REDEEM_LIMIT
    assert limited is not None, f"never limited: {statuses}"
    assert 1 <= int(limited.headers["retry-after"]) <= REDEEM_WINDOW

    # While limited, even the right code is refused, and stays unused.
    right = await client.post(
        "/c/yulin/verify/code",
        data={"code": scene.code},
        headers={**HTMX_PARTIAL, "X-CSRF-Token": token},
    )
    assert right.status_code == 429
    assert is_fragment(right.text)
    assert "retry-after" in right.headers
    assert not await HouseholdCode.exists(redeemed_by_id=user.id)
    assert not await Membership.exists(user_id=user.id, verified_at__isnull=False)

    # The limit is per person: a neighbour can still redeem their code.
    await login(other_client, "neighbour")
    ok = await post_form(other_client, "/c/yulin/verify/code", {"code": scene.code})
    assert ok.status_code == 303


# --- 34. one audit row per committee action, in the action's transaction ------------------------


@pytest.fixture
async def committee(client: httpx.AsyncClient, scene: Scene) -> int:
    user = await login(client, "auditor")
    await make_committee(scene.world.community, user)
    return user.id


def _aware_utc(value: datetime) -> datetime:
    assert value.tzinfo is not None, "audit times carry their zone"
    return value.astimezone(UTC)


async def _one_new_entry(since_id: int) -> AuditEntry:
    entries = await AuditEntry.filter(id__gt=since_id).order_by("id")
    assert len(entries) == 1, [(e.action, e.target) for e in entries]
    return entries[0]


async def _last_id() -> int:
    last = await AuditEntry.all().order_by("-id").first()
    return last.id if last else 0


async def test_each_committee_action_writes_one_audit_entry(
    client: httpx.AsyncClient, scene: Scene, committee: int
) -> None:
    community_id = scene.world.community.id
    actions = [
        (
            f"/c/yulin/committee/members/{scene.target.id}/roles",
            {"role": "volunteer", "granted": "1"},
            "communities.set_role",
            f"user:{scene.target.id}",
            {"volunteer": False},
            {"volunteer": True},
        ),
        (
            "/c/yulin/committee/codes",
            {"labels": "8栋801\n8栋802"},
            "communities.issue_codes",
            f"community:{community_id}",
            None,
            {"households": ["8栋801", "8栋802"], "count": 2},
        ),
        (
            f"/c/yulin/committee/codes/{scene.code_id}/revoke",
            {},
            "communities.revoke_code",
            f"household_code:{scene.code_id}",
            {"state": "unused"},
            {"state": "revoked"},
        ),
        (
            f"/c/yulin/committee/requests/{scene.request_id}/decide",
            {"decision": "reject", "reason": "门牌不对"},
            "communities.decide_verification",
            f"verification_request:{scene.request_id}",
            {"status": "pending"},
            {"status": "rejected", "reason": "门牌不对", "household": "2栋201"},
        ),
        (
            "/c/yulin/committee/settings",
            {
                "verify_by_code": "1",
                "household_member_cap": "2",
                "default_locale": "en",
            },
            "communities.update_settings",
            f"community:{community_id}",
            {
                "verify_by_code": True,
                "verify_by_request": True,
                "household_member_cap": 6,
                "default_locale": "zh_Hans",
            },
            {
                "verify_by_code": True,
                "verify_by_request": False,
                "household_member_cap": 2,
                "default_locale": "en",
            },
        ),
    ]
    for path, data, action, target, before, after in actions:
        since = await _last_id()
        started = datetime.now(UTC) - timedelta(seconds=1)
        response = await post_form(client, path, data)
        finished = datetime.now(UTC) + timedelta(seconds=1)
        assert response.status_code in (200, 303), (path, response.text[:300])
        entry = await _one_new_entry(since)
        assert (entry.action, entry.target) == (action, target)
        assert (entry.actor_id, entry.community_id) == (committee, community_id)
        assert entry.before == before, action
        assert entry.after == after, action
        assert started <= _aware_utc(entry.at) <= finished, action
        if action == "communities.issue_codes":
            for code in re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.text):
                assert code not in str(entry.after), "plain codes never reach the audit trail"

    members = await client.get("/c/yulin/committee/members")
    assert "communities.decide_verification" in members.text, "recent actions are shown"


async def test_refused_and_no_op_actions_write_no_audit_entry(
    client: httpx.AsyncClient, scene: Scene, committee: int
) -> None:
    first = await post_form(client, f"/c/yulin/committee/codes/{scene.code_id}/revoke")
    assert first.status_code == 303
    since = await _last_id()
    again = await post_form(client, f"/c/yulin/committee/codes/{scene.code_id}/revoke")
    assert again.status_code == 409
    same_role = await post_form(
        client,
        f"/c/yulin/committee/members/{scene.target.id}/roles",
        {"role": "committee", "granted": "0"},
    )
    assert same_role.status_code == 303, "withdrawing a role nobody had is harmless"
    bad_settings = await post_form(
        client, "/c/yulin/committee/settings", {"household_member_cap": "2"}
    )
    assert bad_settings.status_code == 422, "at least one way to verify must stay"
    no_reason = await post_form(
        client,
        f"/c/yulin/committee/requests/{scene.request_id}/decide",
        {"decision": "reject", "reason": "  "},
    )
    assert no_reason.status_code == 422
    assert await _last_id() == since


async def test_a_failed_approval_rolls_back_the_decision_and_its_audit_entry(
    client: httpx.AsyncClient, scene: Scene, committee: int
) -> None:
    """The household is full: approving fails after the request was marked approved inside
    the transaction. Nothing of it may remain: not the status, not the audit row."""
    community = scene.world.community
    await Community.filter(id=community.id).update(household_member_cap=1)
    neighbour = await make_user("already-there")
    await make_verified(community, neighbour, household="2栋201")  # the request's household
    since = await _last_id()

    response = await post_form(
        client,
        f"/c/yulin/committee/requests/{scene.request_id}/decide",
        {"decision": "approve"},
        headers=ENGLISH,
    )
    assert response.status_code == 422
    assert "already has 1 verified members" in response.text
    request = await VerificationRequest.get(id=scene.request_id)
    assert (request.status, request.decided_by_id, request.decided_at) == ("pending", None, None)
    assert (await Membership.get(user_id=scene.target.id)).verified_at is None
    assert (await Household.get(community_id=community.id, label="2栋201")).verified_count == 1
    assert await _last_id() == since


async def test_a_redemption_into_a_full_household_leaves_the_code_unused(
    other_client: httpx.AsyncClient, scene: Scene
) -> None:
    community = scene.world.community
    await Community.filter(id=community.id).update(household_member_cap=1)
    first = await make_user("first-in-302")
    await make_verified(community, first, household="3栋302")  # the household of scene.code
    user = await login(other_client, "second-in-302")
    response = await post_form(other_client, "/c/yulin/verify/code", {"code": scene.code})
    assert response.status_code == 422
    code = await HouseholdCode.get(household__label="3栋302", redeemed_by_id=None)
    assert code.redeemed_at is None
    assert not await Membership.exists(user_id=user.id, verified_at__isnull=False)
    assert not await AuditEntry.exists(action="communities.redeem_code", actor_id=user.id)


# --- 35. the security log ------------------------------------------------------------------------


def _logged(caplog: pytest.LogCaptureFixture, logger: str, text: str, level: int) -> bool:
    return any(
        r.name == logger and text in r.getMessage() and r.levelno >= level for r in caplog.records
    )


async def test_security_events_are_logged_without_secrets(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    scene: Scene,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="huakai")

    user = await login(client, "logged-user")
    assert _logged(caplog, "huakai.auth", f"login ok: user {user.id}", logging.INFO)

    assert (await other_client.get("/auth/demo/callback?code=x&state=y")).status_code == 400
    assert _logged(caplog, "huakai.auth", "state missing, unknown or reused", logging.WARNING)

    denied = await idp_authorize(await start_login(other_client), "denier", action="deny")
    assert (await other_client.get(path_and_query(denied))).status_code == 400
    assert _logged(caplog, "huakai.auth", "login denied", logging.INFO)

    assert (await client.post("/language", data={"locale": "en"})).status_code == 403
    assert _logged(caplog, "huakai.security", "CSRF rejected POST '/language'", logging.WARNING)
    token = await csrf_token(client)
    cross = await client.post(
        "/language", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert _logged(caplog, "huakai.security", "evil.example", logging.WARNING)

    assert (await client.get("/c/yulin/committee/members")).status_code == 403
    assert _logged(caplog, "huakai.web", "GET '/c/yulin/committee/members' -> 403", logging.WARNING)

    for _attempt in range(2 * REDEEM_LIMIT + 1):
        response = await client.post(
            "/c/yulin/verify/code", data={"csrf_token": token, "code": "AAAAA-AAAAA"}
        )
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert _logged(caplog, "huakai.web", "POST '/c/yulin/verify/code' -> 429", logging.WARNING)

    everything = caplog.text
    cookie = session_cookie(client)
    assert cookie is not None
    for secret in (SECRET, token, cookie, scene.code):
        assert secret not in everything


async def test_log_lines_cannot_be_forged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="huakai")
    forged = "\nINFO huakai.auth: login ok: user 1 via demo"
    await client.get("/auth/demo/callback", params={"error": f"access_denied{forged}"})
    await client.post("/language%0AINFO%20huakai.web:%20forged", data={"locale": "en"})
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("huakai")]
    assert len(messages) >= 2
    for message in messages:
        assert "\n" not in message and "\r" not in message, message
