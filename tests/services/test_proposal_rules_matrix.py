"""The proposals' object rules as a matrix: every kind of actor × the proposal's state, each
answer read through the database (standing and subject as the services load them) on SQLite
and PostgreSQL. The table is the policy: a widened permission must change it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.queries import get_standing
from participation.core.errors import NotAllowed, NotFound
from participation.core.permissions import ANONYMOUS, Actor, can
from participation.proposals import coauthors, queries, services
from participation.proposals.models import Proposal
from participation.proposals.rules import ProposalSubject, Status
from tests.services.test_proposals import draft
from tests.support import make_committee, make_user, make_verified, make_world, now

ACTORS = (
    "anonymous",
    "member",  # joined, not verified
    "verified",
    "author",
    "co_author",  # invited and accepted
    "invited",  # invited, not yet accepted
    "committee",
    "admin",
    "disabled_author",
    "other_community",  # verified resident of another community
)
_ = False
Y = True

# fmt: off
# (rule, state): one answer per actor, in the order of ACTORS.
#                                anon mem  ver  aut  co   inv  com  adm  dis  oth
MATRIX: dict[tuple[str, str], tuple[bool, ...]] = {
    ("proposals.see", "draft"):      (_,   _,   _,   Y,   _,   _,   _,   _,   _,   _),
    ("proposals.see", "submitted"):  (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y),
    ("proposals.edit", "draft"):     (_,   _,   _,   Y,   _,   _,   _,   _,   _,   _),
    ("proposals.edit", "submitted"): (_,   _,   _,   Y,   _,   _,   _,   _,   _,   _),
    ("proposals.track", "selected"): (_,   _,   _,   Y,   Y,   _,   Y,   Y,   _,   _),
    ("proposals.post_update", "selected"): (_, _, Y,   Y,   Y,   Y,   Y,   Y,   _,   _),
    ("proposals.comment", "submitted"): (_,  _,   Y,   Y,   Y,   Y,   Y,   _,   _,   _),
    ("proposals.support", "submitted"): (_,  _,   Y,   Y,   Y,   Y,   _,   _,   _,   _),
    ("proposals.review", "submitted"):  (_,  _,   _,   _,   _,   _,   Y,   Y,   _,   _),
    ("proposals.propose", "draft"):     (_,  _,   Y,   Y,   Y,   Y,   _,   _,   _,   _),
}
# fmt: on


@dataclass
class Scene:
    actors: dict[str, Actor]
    community_id: int
    proposals: dict[str, Proposal]  # by state


async def _scene() -> Scene:
    world = await make_world()
    here = world.community
    users = {name: await make_user(f"matrix-{name}") for name in ACTORS if name != "anonymous"}
    await communities.join_community(Actor(user_id=users["member"].id), here.id, now=now())
    for n, name in enumerate(("verified", "author", "co_author", "invited", "disabled_author")):
        await make_verified(here, users[name], household=f"{n + 1}栋{n + 1}01")
    await make_verified(world.other, users["other_community"], household="9栋901")
    await make_committee(here, users["committee"])
    await set_user_access(None, users["admin"].id, admin=True, now=now())
    author = Actor(user_id=users["author"].id)
    proposals = {}
    for state in ("draft", "submitted", "selected"):
        proposal = await services.create_proposal(author, here.id, draft(), now=now())
        if state == "selected":
            await Proposal.filter(id=proposal.id).update(status=Status.SELECTED.value)
        elif state == "submitted":
            await services.move_as_author(author, here.id, proposal.id, Status.SUBMITTED, now=now())
        for guest in ("co_author", "invited"):
            if state != "draft":
                await coauthors.invite_co_author(
                    author, here.id, proposal.id, f"matrix-{guest}", now=now()
                )
        if state != "draft":
            await coauthors.accept_co_authorship(
                Actor(user_id=users["co_author"].id), here.id, proposal.id, now=now()
            )
        proposals[state] = await Proposal.get(id=proposal.id)
    # The disabled author wrote these too: their account is now disabled.
    await Proposal.filter(id__in=[p.id for p in proposals.values()]).update(
        author_id=users["author"].id
    )
    await set_user_access(None, users["disabled_author"].id, disabled=True, now=now())
    actors = {"anonymous": ANONYMOUS}
    for name, user in users.items():
        fresh = await user.__class__.get(id=user.id)
        actors[name] = Actor(user_id=fresh.id, is_admin=fresh.is_admin, disabled=fresh.disabled)
    return Scene(actors, here.id, proposals)


async def _subject(scene: Scene, state: str, actor_name: str) -> ProposalSubject:
    proposal = scene.proposals[state]
    subject = await queries.proposal_subject(proposal)
    if actor_name == "disabled_author":  # the same proposal, as if they had written it
        return ProposalSubject(scene.actors["disabled_author"].user_id or 0, subject.status)
    return subject


async def test_the_proposal_rules_answer_as_the_matrix_says(database: str) -> None:
    scene = await _scene()
    wrong = []
    for (rule, state), row in MATRIX.items():
        for actor_name, expected in zip(ACTORS, row, strict=True):
            actor = scene.actors[actor_name]
            standing = await get_standing(actor.user_id, scene.community_id)
            subject = await _subject(scene, state, actor_name)
            if can(rule, actor, standing, subject) is not expected:
                wrong.append(f"{rule} on a {state} proposal, {actor_name}: expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("actor_name", ["co_author", "invited", "committee", "verified"])
async def test_only_the_author_edits_and_the_service_says_the_same(
    database: str, actor_name: str
) -> None:
    """The rule the table shows is the one the service enforces: a refused edit changes
    nothing; someone else's draft is not found at all."""
    scene = await _scene()
    actor = scene.actors[actor_name]
    for state, refused in (("submitted", NotAllowed), ("draft", NotFound)):
        proposal = scene.proposals[state]
        with pytest.raises(refused):
            await services.edit_proposal(
                actor, scene.community_id, proposal.id, draft(title="改掉它"), now=now()
            )
        assert (await Proposal.get(id=proposal.id)).title == proposal.title


# fmt: off
# An invitation to co-author the submitted proposal, as its page lists it: whose it is.
#                                                anon mem  ver  aut  co   inv  com  adm  dis  oth
INVITATIONS: dict[tuple[str, str], tuple[bool, ...]] = {
    ("proposals.accept_invitation", "invited"): (_,   _,   _,   _,   _,   Y,   _,   _,   _,   _),
    ("proposals.accept_invitation", "co_author"): (_,   _,   _,   _,   _,   _,   _,   _,   _,   _),
}
# fmt: on


async def test_an_invitation_is_accepted_by_the_neighbour_it_invites_once(database: str) -> None:
    """The page's button and the service ask the same rule: anyone else (and the co-author who
    accepted already) finds nothing to accept, and nothing changes."""
    scene = await _scene()
    proposal = scene.proposals["submitted"]
    views = {view.user_id: view for view in await coauthors.list_co_authors(proposal.id)}
    wrong = []
    for (rule, whose), row in INVITATIONS.items():
        subject = views[scene.actors[whose].user_id or 0].subject
        for actor_name, expected in zip(ACTORS, row, strict=True):
            actor = scene.actors[actor_name]
            standing = await get_standing(actor.user_id, scene.community_id)
            if can(rule, actor, standing, subject) is not expected:
                wrong.append(f"{rule} of {whose}'s invitation, {actor_name}: expected {expected}")
    assert not wrong, "\n".join(wrong)
    before = await coauthors.list_co_authors(proposal.id)
    for actor_name in ACTORS:
        if actor_name == "invited":
            continue
        with pytest.raises(NotFound):
            await coauthors.accept_co_authorship(
                scene.actors[actor_name], scene.community_id, proposal.id, now=now()
            )
    assert await coauthors.list_co_authors(proposal.id) == before
    invited = scene.actors["invited"]
    await coauthors.accept_co_authorship(invited, scene.community_id, proposal.id, now=now())
    assert all(view.accepted for view in await coauthors.list_co_authors(proposal.id))
