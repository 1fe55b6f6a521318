"""Access control: HOSTILE cases 17 (every route × every kind of visitor), 18 (injected form
fields), 19 (other communities' objects by id) and 20 (residents at committee endpoints)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from participation.accounts.models import User
from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.media.models import ProposalPhoto
from participation.permissions import Actor
from participation.proposals.models import Comment, ProgressUpdate, Proposal, Support
from tests.support import (
    World,
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
    post_form,
)
from tests.web.helpers import (
    HTMX_PARTIAL,
    PROPOSAL_AUTHOR,
    ProposalScene,
    Scene,
    build_proposal_scene,
    build_scene,
    is_fragment,
    snapshot,
    sqlite_only,
    tiny_png,
)

ACTORS = (
    "anonymous",
    "unverified",
    "resident",
    "other_resident",
    "volunteer",
    "other_committee",
    "committee",
    "admin",
    "author",  # a verified resident here, and the author of the scene's proposals
)
COMMITTEE_LIKE = ("committee", "admin")
VERIFIED_HERE = ("resident", "volunteer", "author")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int) -> dict[str, int]:
    return {**dict.fromkeys(ACTORS, status), "anonymous": 303}


def committee_only(status: int) -> dict[str, int]:
    return {
        actor: 303 if actor == "anonymous" else status if actor in COMMITTEE_LIKE else 403
        for actor in ACTORS
    }


def not_yet_verified(status: int) -> dict[str, int]:
    """Verifying oneself: for signed-in visitors not yet verified in this community."""
    return {**signed_in(status), **dict.fromkeys(VERIFIED_HERE, 403)}


def only(allowed: tuple[str, ...], status: int, *, others: int = 403) -> dict[str, int]:
    """Signed-in ``allowed`` actors get ``status``, other signed-in ones ``others``."""
    return {
        actor: 303 if actor == "anonymous" else status if actor in allowed else others
        for actor in ACTORS
    }


def author_only(status: int, *, others: int = 403) -> dict[str, int]:
    return only(("author",), status, others=others)


def residents_here(status: int) -> dict[str, int]:
    """Verified residents of this community (the author is one)."""
    return only(VERIFIED_HERE, status)


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


def _p(scene: Scene) -> ProposalScene:
    assert scene.proposals is not None
    return scene.proposals


async def _proposal_created(scene: Scene) -> bool:
    return await Proposal.exists(title="矩阵里的新提案", status="draft")


async def _proposal_edited(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, title="改过的标题")


async def _photo_added(scene: Scene) -> bool:
    return await ProposalPhoto.filter(proposal_id=_p(scene).submitted_id).count() == 2


async def _supported(scene: Scene) -> bool:
    return await Support.exists(proposal_id=_p(scene).submitted_id)


async def _commented(scene: Scene) -> bool:
    return await Comment.exists(proposal_id=_p(scene).submitted_id, body="矩阵评论")


async def _comment_edited(scene: Scene) -> bool:
    return await Comment.exists(id=_p(scene).comment_id, body="改过的评论")


async def _comment_deleted(scene: Scene) -> bool:
    return await Comment.exists(id=_p(scene).comment_id, deleted_at__isnull=False)


async def _update_posted(scene: Scene) -> bool:
    return await ProgressUpdate.exists(proposal_id=_p(scene).selected_id, body="矩阵进展")


async def _update_approved(scene: Scene) -> bool:
    return await ProgressUpdate.exists(id=_p(scene).update_id, status="published")


async def _reviewed(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, status="accepted")


async def _withdrawn(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, status="withdrawn")


PROPOSAL_FORM = {
    "title": "矩阵里的新提案",
    "body": "在3栋北侧种花",
    "category": "pocket_garden",
    "cost_yuan": "1200",
}


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the path as declared in app.routes
    expect: dict[str, int]
    data: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # when the route is a Mount
    changed: Callable[[Scene], Awaitable[bool]] | None = None  # what an allowed write did
    proposal: str = "submitted_id"  # which of the ProposalScene's proposals {proposal_id} is
    upload: bool = False  # send a small PNG as the form's ``photo``

    def url(self, scene: Scene) -> str:
        proposals = _p(scene)
        return (self.path or self.route).format(
            slug="yulin",
            provider="demo",
            user_id=scene.target.id,
            code_id=scene.code_id,
            request_id=scene.request_id,
            proposal_id=getattr(proposals, self.proposal),
            comment_id=proposals.comment_id,
            update_id=proposals.update_id,
            key=proposals.photo_key,
            variant="original",
        )


# In request order: reads first, then writes, sign-out last.
MATRIX = (
    Case("GET", "/", everyone(200)),
    Case("GET", "/healthz", everyone(200)),
    Case("GET", "/login", everyone(200)),
    Case("GET", "/login/{provider}", everyone(302)),
    Case("GET", "/auth/{provider}/callback", everyone(400)),
    Case("GET", "/static", everyone(200), path="/static/huakai.css"),
    Case("GET", "/profile", signed_in(200)),
    Case("GET", "/c/{slug}", everyone(200)),
    Case("GET", "/c/{slug}/verify", signed_in(200)),
    Case("GET", "/c/{slug}/committee/settings", committee_only(200)),
    Case("GET", "/c/{slug}/committee/members", committee_only(200)),
    Case("GET", "/c/{slug}/committee/codes", committee_only(200)),
    Case("GET", "/c/{slug}/committee/requests", committee_only(200)),
    Case("GET", "/c/{slug}/proposals", everyone(200)),
    Case("GET", "/c/{slug}/proposals/new", signed_in(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}", everyone(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/edit", author_only(200, others=404)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit", author_only(200)),
    Case("GET", "/c/{slug}/committee/proposals", committee_only(200)),
    Case("GET", "/media/{key}/{variant}.webp", everyone(200)),
    Case("POST", "/language", everyone(303), {"locale": "zh_Hans", "next": "/"}),
    Case("POST", "/profile", signed_in(303), {"display_name": "改个名", "locale": "zh_Hans"}),
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
        committee_only(200),
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
    Case("POST", "/logout", everyone(303)),
)


def declared_routes(app: Starlette) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add(("GET", route.path))
        elif isinstance(route, Route):
            for method in route.methods or {"GET"}:
                if method != "HEAD":
                    found.add((method, route.path))
        else:  # pragma: no cover - a new kind of route needs a look
            raise AssertionError(f"unexpected route {route!r}")
    return found


@sqlite_only
async def test_the_matrix_covers_every_route(app: Starlette) -> None:
    covered = {(case.method, case.route) for case in MATRIX}
    declared = declared_routes(app)
    missing = declared - covered
    stale = covered - declared
    assert not missing, f"routes without access-control expectations: {sorted(missing)}"
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"
    assert len(covered) == len(MATRIX), "each route appears once"


async def _actor(kind: str, client: httpx.AsyncClient, world: World) -> User | None:
    if kind == "anonymous":
        return None
    if kind == "author":  # made verified, with their proposals, by build_proposal_scene
        return await login(client, PROPOSAL_AUTHOR)
    user = await make_user(f"matrix-{kind}", f"矩阵{kind}")
    community, other = world.community, world.other
    if kind == "unverified":
        await communities.join_community(Actor(user_id=user.id), community.id, now=now())
    elif kind in ("resident", "volunteer"):
        await make_verified(community, user, household="4栋401")
        if kind == "volunteer":
            await communities.set_role(None, community.id, user.id, "volunteer", True, now=now())
    elif kind == "other_resident":
        await make_verified(other, user, household="4栋401")
    elif kind == "other_committee":
        await make_committee(other, user)
    elif kind == "committee":
        await make_committee(community, user)
    elif kind == "admin":
        await set_user_access(None, user.id, admin=True, now=now())
    return await login(client, f"matrix-{kind}")


def _forbidden(case: Case, status: int, actor: str) -> bool:
    return status in (400, 403, 404, 405, 422) or (actor == "anonymous" and case.method == "POST")


@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    scene = await build_scene(world)
    scene.proposals = await build_proposal_scene(world, app.state.storage)
    await _actor(actor, client, world)
    token = await csrf_token(client)
    failures: list[str] = []
    for case in MATRIX:
        expected = case.expect[actor]
        before = await snapshot() if _forbidden(case, expected, actor) else None
        if case.method == "GET":
            response = await client.get(case.url(scene))
        else:
            files = {"photo": ("花坛.png", tiny_png(), "image/png")} if case.upload else None
            response = await client.post(
                case.url(scene), data={"csrf_token": token, **case.data}, files=files
            )
        where = f"{case.method} {case.route} as {actor}"
        if response.status_code != expected:
            failures.append(f"{where}: {response.status_code}, expected {expected}")
            continue
        if expected == 303 and actor == "anonymous" and case.route not in ("/language", "/logout"):
            assert response.headers["location"].startswith("/login?next="), where
        if before is not None and await snapshot() != before:
            failures.append(f"{where}: a refused request changed the database")
        if case.changed and before is None and not await case.changed(scene):
            failures.append(f"{where}: the allowed write did not happen")
    assert not failures, "\n".join(failures)


# --- 19. another community's objects through this community's URLs -------------------------------


def _main(page: str) -> str:
    match = re.search(r'<main id="main">(.*)</main>', page, re.S)
    assert match
    return match.group(1)


@pytest.fixture
async def scene(world: World) -> Scene:
    return await build_scene(world)


@pytest.fixture
async def committee_client(client: httpx.AsyncClient, scene: Scene) -> httpx.AsyncClient:
    user = await login(client, "committee-a")
    await make_committee(scene.world.community, user)
    return client


async def test_other_communitys_objects_are_the_same_404_as_missing_ones(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    client = committee_client
    before = await snapshot()
    pairs = [
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
    for foreign, missing, data in pairs:
        other = await post_form(client, foreign, data)
        absent = await post_form(client, missing, data)
        assert other.status_code == absent.status_code == 404, foreign
        assert _main(other.text) == _main(absent.text)
    assert await snapshot() == before
    assert not await HouseholdCode.exists(id=scene.other_code_id, revoked_at__isnull=False)
    assert await VerificationRequest.exists(id=scene.other_request_id, status="pending")


@sqlite_only
@pytest.mark.parametrize(
    "raw_id", ["abc", "-1", "1e3", "0x10", "１２", "1234567890123", "%20", "1.0"]
)
async def test_malformed_ids_are_404(
    committee_client: httpx.AsyncClient, scene: Scene, raw_id: str
) -> None:
    before = await snapshot()
    for path, data in [
        (f"/c/yulin/committee/codes/{raw_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{raw_id}/decide", {"decision": "reject", "reason": "x"}),
        (f"/c/yulin/committee/members/{raw_id}/roles", {"role": "volunteer", "granted": "1"}),
    ]:
        response = await post_form(committee_client, path, data)
        assert response.status_code == 404, path
    assert await snapshot() == before


async def test_other_communitys_committee_pages_are_403(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    before = await snapshot()
    for path in (
        "/c/yulin-other/committee/members",
        "/c/yulin-other/committee/codes",
        "/c/yulin-other/committee/requests",
        "/c/yulin-other/committee/settings",
    ):
        assert (await committee_client.get(path)).status_code == 403, path
    writes = [
        (f"/c/yulin-other/committee/codes/{scene.other_code_id}/revoke", {}),
        (
            f"/c/yulin-other/committee/requests/{scene.other_request_id}/decide",
            {"decision": "approve"},
        ),
        ("/c/yulin-other/committee/codes", {"labels": "1栋1"}),
        ("/c/yulin-other/committee/settings/proposals", {"support_threshold": "9"}),
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


# --- 18. injected form fields --------------------------------------------------------------------


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


# --- 20. residents at committee endpoints --------------------------------------------------------


async def test_resident_posting_to_committee_endpoints_is_403(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    user = await make_user("plain-resident")
    await make_verified(scene.world.community, user)
    await login(client, "plain-resident")
    token = await csrf_token(client)
    before = await snapshot()
    for path, data in [
        (f"/c/yulin/committee/members/{user.id}/roles", {"role": "committee", "granted": "1"}),
        (f"/c/yulin/committee/members/{scene.target.id}/roles", {"role": "volunteer"}),
        ("/c/yulin/committee/codes", {"labels": "1栋1"}),
        (f"/c/yulin/committee/codes/{scene.code_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{scene.request_id}/decide", {"decision": "approve"}),
        ("/c/yulin/committee/settings", {"verify_by_code": "1", "household_member_cap": "50"}),
        ("/c/yulin/committee/settings/proposals", {"support_threshold": "0"}),
    ]:
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
