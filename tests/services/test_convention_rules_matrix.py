"""The conventions' rules as a matrix: every kind of actor, with the standing read from the
database as services read it, × the subject states each rule is asked about, on SQLite and
PostgreSQL. The table is the policy: a widened permission must change it."""

from __future__ import annotations

from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.queries import get_standing
from participation.conventions.rules import (
    AmendmentStatus,
    AmendmentSubject,
    ConventionSubject,
    Phase,
    RatificationSubject,
)
from participation.core.clock import Window
from participation.core.permissions import ANONYMOUS, Actor, can
from tests.support import World, make_committee, make_user, make_verified, now

ACTORS = (
    "anonymous",
    "member",  # joined, not verified
    "verified",  # verified resident
    "author",  # verified resident, the amendment's author
    "committee",
    "admin",  # platform admin, member of nothing
    "disabled",  # verified resident whose account is disabled
    "other_member",  # verified resident of another community
)
ALL = frozenset(ACTORS)
RESIDENTS = frozenset({"verified", "author", "committee"})  # the committee member is verified
MANAGERS = frozenset({"committee", "admin"})

DRAFTING = ConventionSubject(Phase.DRAFTING)
RATIFYING = ConventionSubject(Phase.RATIFICATION)
ADOPTED = ConventionSubject(Phase.ADOPTED)


def amendment(status: AmendmentStatus, phase: Phase, author_id: int) -> AmendmentSubject:
    return AmendmentSubject(author_id, status, phase)


# (rule, subject name, who may); subjects are built per test (the author's id is known then).
MATRIX: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("conventions.manage", "none", MANAGERS),
    ("conventions.revise", "adopted", MANAGERS),
    ("conventions.revise", "drafting", frozenset()),
    ("conventions.propose_amendment", "drafting", RESIDENTS),
    ("conventions.propose_amendment", "ratifying", frozenset()),
    ("conventions.propose_amendment", "adopted", frozenset()),
    ("conventions.support", "open amendment", RESIDENTS - {"author"}),
    ("conventions.support", "accepted amendment", frozenset()),
    ("conventions.support", "open amendment, consolidation", RESIDENTS - {"author"}),
    ("conventions.comment", "none", RESIDENTS),
    ("conventions.withdraw_amendment", "open amendment", frozenset({"author"})),
    ("conventions.withdraw_amendment", "rejected amendment", frozenset()),
    ("conventions.decide", "open amendment", MANAGERS),
    ("conventions.decide", "open amendment, consolidation", MANAGERS),
    ("conventions.decide", "accepted amendment", frozenset()),
    ("conventions.decide", "open amendment, ratification", frozenset()),
    ("conventions.vote", "vote open", RESIDENTS),
    ("conventions.vote", "vote not yet open", frozenset()),
    ("conventions.vote", "vote over", frozenset()),
    ("conventions.vote", "vote open, counted", frozenset()),
    ("conventions.vote", "household vote, no household", frozenset()),
    ("conventions.vote", "vote open, paper vote", frozenset()),
    ("conventions.enter_paper_vote", "vote open", frozenset({"committee"})),
    ("conventions.enter_paper_vote", "vote over", frozenset()),
    ("conventions.count", "vote over", MANAGERS),
    ("conventions.count", "vote open", frozenset()),
    ("conventions.count", "vote over, counted", frozenset()),
)


def subjects(author_id: int) -> dict[str, object]:
    return {
        "none": None,
        "drafting": DRAFTING,
        "ratifying": RATIFYING,
        "adopted": ADOPTED,
        "open amendment": amendment(AmendmentStatus.OPEN, Phase.DRAFTING, author_id),
        "open amendment, consolidation": amendment(
            AmendmentStatus.OPEN, Phase.CONSOLIDATION, author_id
        ),
        "open amendment, ratification": amendment(
            AmendmentStatus.OPEN, Phase.RATIFICATION, author_id
        ),
        "accepted amendment": amendment(AmendmentStatus.ACCEPTED, Phase.DRAFTING, author_id),
        "rejected amendment": amendment(AmendmentStatus.REJECTED, Phase.DRAFTING, author_id),
        "vote open": RatificationSubject(Window.OPEN),
        "vote not yet open": RatificationSubject(Window.NOT_YET),
        "vote over": RatificationSubject(Window.OVER),
        "vote open, counted": RatificationSubject(Window.OPEN, counted=True),
        "vote over, counted": RatificationSubject(Window.OVER, counted=True),
        "household vote, no household": RatificationSubject(
            Window.OPEN, household_mode=True, in_household=False
        ),
        "vote open, paper vote": RatificationSubject(Window.OPEN, paper_vote=True),
    }


async def actors(world: World) -> dict[str, tuple[Actor, int | None]]:
    found: dict[str, tuple[Actor, int | None]] = {"anonymous": (ANONYMOUS, None)}
    for kind in ACTORS[1:]:
        user = await make_user(f"matrix-{kind}", kind)
        if kind == "member":
            await communities.join_community(Actor(user.id), world.community.id, now=now())
        elif kind in ("verified", "author", "disabled"):
            await make_verified(world.community, user, household=f"{kind}栋")
        elif kind == "committee":
            await make_verified(world.community, user, household="居委会")
            await make_committee(world.community, user)
        elif kind == "admin":
            await set_user_access(None, user.id, admin=True, now=now())
        elif kind == "other_member":
            await make_verified(world.other, user)
        actor = Actor(user.id, is_admin=kind == "admin", disabled=kind == "disabled")
        found[kind] = (actor, user.id)
    return found


async def test_the_convention_rules_answer_as_the_matrix_says(world: World) -> None:
    people = await actors(world)
    author_id = people["author"][1]
    assert author_id is not None
    things = subjects(author_id)
    wrong = []
    for rule, subject_name, allowed in MATRIX:
        for kind, (actor, user_id) in people.items():
            standing = await get_standing(user_id, world.community.id)
            answer = can(rule, actor, standing, things[subject_name])
            if answer != (kind in allowed):
                wrong.append(f"{rule} on {subject_name} for {kind}: {answer}")
    assert not wrong, "\n".join(wrong)


def test_every_registered_convention_rule_is_in_the_matrix() -> None:
    from participation.core.permissions import rules

    registered = {name for name in rules() if name.startswith("conventions.")}
    assert registered == {rule for rule, _s, _a in MATRIX}
