"""The community and account rules as a matrix: every kind of actor × the object asked about
(a residency request of this community, the committee member's own, one of another community;
one's own profile, someone else's), each answer read through the database (standing and
subject as the services load them) on SQLite and PostgreSQL. The table is the policy: a
widened permission must change it. Below it, the services refuse where the table refuses, and
a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from participation.accounts import services as accounts
from participation.accounts.rules import ProfileSubject
from participation.communities import services as communities
from participation.communities.models import HouseholdCode, VerificationRequest
from participation.communities.queries import get_standing, request_subject
from participation.core.errors import NotAllowed, NotFound
from participation.core.permissions import ANONYMOUS, Actor, can
from tests.support import make_committee, make_user, make_verified, make_world, now
from tests.web.helpers import snapshot

ACTORS = (
    "anonymous",
    "member",  # joined, not verified; has asked the committee to verify them
    "verified",  # verified resident
    "volunteer",  # verified resident and volunteer
    "committee",  # on the committee, not verified yet; has asked to be verified too
    "admin",  # platform admin, member of nothing
    "disabled",  # verified resident whose account is disabled
    "other_member",  # verified resident of another community
    "other_committee",  # committee of another community
)
_ = False
Y = True

# fmt: off
# (rule, what it is asked about): one answer per actor, in the order of ACTORS.
#                                                       anon mem ver vol com adm dis oth ocm
MATRIX: dict[tuple[str, str], tuple[bool, ...]] = {
    ("communities.join", ""):                            (_,  _,  _,  _,  _,  Y,  _,  Y,  Y),
    ("communities.verify_self", ""):                     (_,  Y,  _,  _,  Y,  _,  _,  _,  _),
    ("communities.view_committee_pages", ""):            (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("communities.manage_members", ""):                  (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("communities.issue_household_codes", ""):           (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("communities.manage_settings", ""):                 (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("communities.create", ""):                          (_,  _,  _,  _,  _,  Y,  _,  _,  _),
    ("communities.review_verification", "request here"): (_,  _,  _,  _,  Y,  Y,  _,  _,  _),
    ("communities.review_verification", "own request"):  (_,  _,  _,  _,  _,  Y,  _,  _,  _),
    ("communities.review_verification", "elsewhere"):    (_,  _,  _,  _,  _,  _,  _,  _,  _),
    ("accounts.manage_users", ""):                       (_,  _,  _,  _,  _,  Y,  _,  _,  _),
    ("accounts.edit_profile", "own profile"):            (_,  Y,  Y,  Y,  Y,  Y,  _,  Y,  Y),
    ("accounts.edit_profile", "a neighbour's profile"):  (_,  _,  Y,  _,  _,  _,  _,  _,  _),
}
# fmt: on


@dataclass
class Scene:
    actors: dict[str, Actor]
    community_id: int
    requests: dict[str, int]  # request ids by what they are
    neighbour_id: int  # the verified resident, whose profile the others try to change
    code_id: int  # an unused household code of this community


async def _ask(user_id: int, community_id: int, label: str) -> int:
    request = await communities.request_verification(
        Actor(user_id=user_id), community_id, household_label=label, note="", now=now()
    )
    return request.id


async def _scene() -> Scene:
    world = await make_world()
    here, other = world.community, world.other
    users = {name: await make_user(f"cm-{name}") for name in ACTORS if name != "anonymous"}
    for name, household in (
        ("verified", "1栋101"),
        ("volunteer", "2栋201"),
        ("disabled", "4栋401"),
    ):
        await make_verified(here, users[name], household=household)
    await communities.set_role(None, here.id, users["volunteer"].id, "volunteer", True, now=now())
    await make_committee(here, users["committee"])
    await make_verified(other, users["other_member"], household="9栋901")
    await make_committee(other, users["other_committee"])
    await accounts.set_user_access(None, users["admin"].id, admin=True, now=now())
    stranger = await make_user("cm-stranger")
    requests = {
        "request here": await _ask(users["member"].id, here.id, "5栋501"),
        "own request": await _ask(users["committee"].id, here.id, "3栋301"),
        "elsewhere": await _ask(stranger.id, other.id, "8栋801"),
    }
    await communities.issue_household_codes(None, here.id, ["6栋601"], now=now())
    code = await HouseholdCode.get(redeemed_at__isnull=True)
    await accounts.set_user_access(None, users["disabled"].id, disabled=True, now=now())
    actors = {"anonymous": ANONYMOUS}
    for name, user in users.items():
        fresh = await user.__class__.get(id=user.id)
        actors[name] = Actor(user_id=fresh.id, is_admin=fresh.is_admin, disabled=fresh.disabled)
    return Scene(actors, here.id, requests, users["verified"].id, code.id)


async def _subject(scene: Scene, about: str, actor: Actor) -> object:
    """What the service asks the rule about, loaded as the service loads it."""
    if about in scene.requests:
        return await request_subject(scene.community_id, scene.requests[about])
    if about == "own profile":
        return None if actor.user_id is None else ProfileSubject(actor.user_id)
    if about == "a neighbour's profile":
        return ProfileSubject(scene.neighbour_id)
    return None


async def test_the_community_rules_answer_as_the_matrix_says(database: str) -> None:
    scene = await _scene()
    wrong = []
    for (rule, about), row in MATRIX.items():
        for actor_name, expected in zip(ACTORS, row, strict=True):
            actor = scene.actors[actor_name]
            standing = await get_standing(actor.user_id, scene.community_id)
            subject = await _subject(scene, about, actor)
            if can(rule, actor, standing, subject) is not expected:
                wrong.append(f"{rule} ({about or 'the community'}), {actor_name}: {expected}")
    assert not wrong, "\n".join(wrong)


def _refused(rule: str, about: str = "") -> list[str]:
    return [name for name, yes in zip(ACTORS, MATRIX[(rule, about)], strict=True) if not yes]


async def test_deciding_a_request_is_refused_where_the_table_refuses_and_changes_nothing(
    database: str,
) -> None:
    """Another community's request is, from here, the same 404 as a missing one; one's own
    is refused with a reason."""
    scene = await _scene()
    wrong = []
    for about, request_id in scene.requests.items():
        for actor_name in _refused("communities.review_verification", about):
            before = await snapshot()
            expected = NotFound if about == "elsewhere" else NotAllowed
            try:
                await communities.decide_verification(
                    scene.actors[actor_name],
                    scene.community_id,
                    request_id,
                    approve=True,
                    reason="",
                    now=now(),
                )
                wrong.append(f"{actor_name} decided the {about} request")
            except (NotAllowed, NotFound) as refusal:
                if not isinstance(refusal, expected):
                    wrong.append(f"{actor_name}, {about} request: {refusal!r}")
                if about == "own request" and actor_name == "committee":
                    assert "your own request" in refusal.message
            if await snapshot() != before:
                wrong.append(f"{actor_name}, {about} request: a refusal changed data")
    assert not wrong, "\n".join(wrong)
    assert await VerificationRequest.filter(status="pending").count() == 3


async def _refused_everywhere(
    actor_names: list[str], attempt: Callable[[Actor], Awaitable[object]], scene: Scene
) -> None:
    for actor_name in actor_names:
        before = await snapshot()
        with pytest.raises(NotAllowed):
            await attempt(scene.actors[actor_name])
        assert await snapshot() == before, actor_name


async def test_committee_services_refuse_where_the_table_refuses(database: str) -> None:
    scene = await _scene()
    here = scene.community_id
    await _refused_everywhere(
        _refused("communities.manage_members"),
        lambda actor: communities.set_role(
            actor, here, scene.neighbour_id, "committee", True, now=now()
        ),
        scene,
    )
    await _refused_everywhere(
        _refused("communities.issue_household_codes"),
        lambda actor: communities.issue_household_codes(actor, here, ["7栋701"], now=now()),
        scene,
    )
    await _refused_everywhere(
        _refused("communities.issue_household_codes"),
        lambda actor: communities.revoke_household_code(actor, here, scene.code_id, now=now()),
        scene,
    )
    await _refused_everywhere(
        _refused("communities.manage_settings"),
        lambda actor: communities.update_community_settings(
            actor, here, communities.CommunitySettings(True, False, 2, "en"), now=now()
        ),
        scene,
    )
    await _refused_everywhere(
        _refused("communities.create"),
        lambda actor: communities.create_community(actor, slug="new-one", name="新", now=now()),
        scene,
    )


async def test_account_services_refuse_where_the_table_refuses(database: str) -> None:
    scene = await _scene()
    await _refused_everywhere(
        _refused("accounts.edit_profile", "a neighbour's profile"),
        lambda actor: accounts.update_profile(
            actor, scene.neighbour_id, display_name="改名", locale="en"
        ),
        scene,
    )
    await _refused_everywhere(
        _refused("accounts.manage_users"),
        lambda actor: accounts.set_user_access(actor, scene.neighbour_id, disabled=True, now=now()),
        scene,
    )


async def test_joining_and_verifying_oneself_are_refused_where_the_table_refuses(
    database: str,
) -> None:
    """Joining again is harmless (nothing changes, also for a disabled member); verifying
    oneself joins first, so it is refused to those the rule refuses once they are members:
    the signed-out, the disabled and those already verified."""
    scene = await _scene()
    here = scene.community_id
    for actor_name in _refused("communities.join"):
        before = await snapshot()
        actor = scene.actors[actor_name]
        if actor_name == "anonymous":  # the others are members already
            with pytest.raises(NotAllowed):
                await communities.join_community(actor, here, now=now())
        else:
            await communities.join_community(actor, here, now=now())
        assert await snapshot() == before, actor_name
    await _refused_everywhere(
        ["anonymous", "verified", "volunteer", "disabled"],
        lambda actor: communities.redeem_household_code(actor, here, "ABCDE-12345", now=now()),
        scene,
    )
