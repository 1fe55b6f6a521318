"""Every registered rule, tried by every kind of actor: the table below is the policy.

A rule change must change this table too, so a widened permission never slips through.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from participation.accounts.rules import ProfileSubject  # registers the accounts rules
from participation.communities.rules import RequestSubject  # registers the community rules
from participation.core import permissions
from participation.core.errors import NotAllowed
from participation.core.permissions import (
    ANONYMOUS,
    NO_STANDING,
    Actor,
    Predicate,
    Standing,
    about_subject,
    can,
    of_subject,
    require,
)

FOUNDATION = ("communities.", "accounts.")
EVERYTHING = Standing(member=True, verified=True, volunteer=True, committee=True)

# name: (actor, standing in the community the rule is asked about)
ACTORS: dict[str, tuple[Actor, Standing]] = {
    "anonymous": (ANONYMOUS, NO_STANDING),
    # Disabled trumps everything: even a disabled admin who sits on the committee.
    "disabled": (Actor(user_id=1, is_admin=True, disabled=True), EVERYTHING),
    "non_member": (Actor(user_id=2), NO_STANDING),
    "unverified_member": (Actor(user_id=3), Standing(member=True)),
    "verified_resident": (Actor(user_id=4), Standing(member=True, verified=True)),
    "volunteer": (Actor(user_id=5), Standing(member=True, verified=True, volunteer=True)),
    "committee": (Actor(user_id=6), Standing(member=True, verified=True, committee=True)),
    "platform_admin": (Actor(user_id=7, is_admin=True), NO_STANDING),
}

COLUMNS = tuple(ACTORS)
_ = False
Y = True

# What the rules about one object are asked about, by the label of MATRIX rows.
SUBJECTS: dict[str, object] = {
    "": None,  # a rule about the community (or the platform) as a whole
    "request here": RequestSubject(resident_id=99, here=True),
    "own request": RequestSubject(resident_id=6, here=True),  # the committee member's own
    "request elsewhere": RequestSubject(resident_id=99, here=False),
    "own profile": ProfileSubject(user_id=4),  # the verified resident's
    "admin's profile": ProfileSubject(user_id=7),
}

# fmt: off
MATRIX: dict[tuple[str, str], tuple[bool, ...]] = {
    #                                           anon dis  non  unv  ver  vol  com  adm
    ("communities.join", ""):                  (_,   _,   Y,   _,   _,   _,   _,   Y),
    ("communities.verify_self", ""):           (_,   _,   _,   Y,   _,   _,   _,   _),
    ("communities.view_committee_pages", ""):  (_,   _,   _,   _,   _,   _,   Y,   Y),
    ("communities.manage_members", ""):        (_,   _,   _,   _,   _,   _,   Y,   Y),
    ("communities.issue_household_codes", ""): (_,   _,   _,   _,   _,   _,   Y,   Y),
    ("communities.review_verification", "request here"):      (_, _, _, _, _, _, Y, Y),
    ("communities.review_verification", "own request"):       (_, _, _, _, _, _, _, Y),
    ("communities.review_verification", "request elsewhere"): (_, _, _, _, _, _, _, _),
    ("communities.review_verification", ""):   (_,   _,   _,   _,   _,   _,   _,   _),
    ("communities.create", ""):                (_,   _,   _,   _,   _,   _,   _,   Y),
    ("communities.manage_settings", ""):       (_,   _,   _,   _,   _,   _,   Y,   Y),
    ("accounts.manage_users", ""):             (_,   _,   _,   _,   _,   _,   _,   Y),
    ("accounts.edit_profile", "own profile"):     (_, _, _, _, Y, _, _, _),
    ("accounts.edit_profile", "admin's profile"): (_, _, _, _, _, _, _, Y),
    ("accounts.edit_profile", ""):             (_,   _,   _,   _,   _,   _,   _,   _),
}
# fmt: on

CASES = [
    pytest.param(rule_name, label, actor_name, expected, id=f"{rule_name}-{label}-{actor_name}")
    for (rule_name, label), row in MATRIX.items()
    for actor_name, expected in zip(COLUMNS, row, strict=True)
]


@pytest.mark.parametrize(("rule_name", "label", "actor_name", "expected"), CASES)
def test_rule_answers_as_the_matrix_says(
    rule_name: str, label: str, actor_name: str, expected: bool
) -> None:
    actor, standing = ACTORS[actor_name]
    assert can(rule_name, actor, standing, SUBJECTS[label]) is expected


@pytest.mark.parametrize(("rule_name", "label", "actor_name", "expected"), CASES)
def test_require_raises_exactly_where_the_matrix_refuses(
    rule_name: str, label: str, actor_name: str, expected: bool
) -> None:
    actor, standing = ACTORS[actor_name]
    if expected:
        require(rule_name, actor, standing, SUBJECTS[label])
    else:
        with pytest.raises(NotAllowed):
            require(rule_name, actor, standing, SUBJECTS[label])


def test_matrix_covers_every_registered_foundation_rule() -> None:
    # Other capabilities (proposals, voting, ...) keep their own matrices next to their tests.
    registered = {name for name in permissions.rules() if name.startswith(FOUNDATION)}
    assert {rule_name for rule_name, _label in MATRIX} == registered


def test_matrix_rows_have_one_answer_per_actor() -> None:
    assert all(len(row) == len(COLUMNS) for row in MATRIX.values())


def test_unverified_committee_member_may_still_verify_themselves() -> None:
    actor = Actor(user_id=9)
    assert can("communities.verify_self", actor, Standing(member=True, committee=True))


def test_rules_returns_a_copy_that_cannot_alter_the_registry() -> None:
    snapshot = permissions.rules()
    snapshot.clear()
    assert permissions.rules()


def test_registering_a_rule_name_twice_is_refused() -> None:
    before = permissions.rule("communities.join")
    with pytest.raises(ValueError, match="registered twice"):
        permissions.register("communities.join", permissions.is_platform_admin)
    assert permissions.rule("communities.join") is before


def test_unknown_rule_name_is_an_error_not_a_silent_refusal() -> None:
    with pytest.raises(KeyError):
        can("communities.no_such_rule", ANONYMOUS)


def test_anonymous_actor_is_not_authenticated() -> None:
    assert not ANONYMOUS.is_authenticated
    assert Actor(user_id=1).is_authenticated
    assert not Actor(user_id=1, disabled=True).is_authenticated


YES = Predicate("yes", lambda a, s, o: True)
NO = Predicate("no", lambda a, s, o: False)


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        (YES & YES, True),
        (YES & NO, False),
        (NO & YES, False),
        (YES | NO, True),
        (NO | YES, True),
        (NO | NO, False),
        (~YES, False),
        (~NO, True),
        (~(YES & NO) | NO, True),
    ],
)
def test_predicates_compose_like_booleans(predicate: Predicate, expected: bool) -> None:
    assert predicate(ANONYMOUS, NO_STANDING) is expected


def test_composed_predicate_names_show_their_structure() -> None:
    assert (YES & ~NO).name == "(yes & ~no)"
    assert (YES | NO).name == "(yes | no)"
    assert repr(~YES) == "Predicate(~yes)"


def test_and_stops_at_the_first_refusal() -> None:
    calls: list[str] = []

    def spy(a: Actor, s: Standing, o: object) -> bool:
        calls.append("spy")
        return True

    (NO & Predicate("spy", spy))(ANONYMOUS, NO_STANDING)
    assert calls == []


@dataclass(frozen=True)
class Thing:
    owner_id: int
    open: bool


is_owner = about_subject("is_owner", lambda a, thing: a.user_id == thing.owner_id)
is_open = of_subject("is_open", lambda thing: thing.open)


@pytest.mark.parametrize(
    ("actor", "thing", "owner", "open_"),
    [
        (Actor(user_id=1), Thing(1, True), True, True),
        (Actor(user_id=2), Thing(1, True), False, True),
        (Actor(user_id=1, disabled=True), Thing(1, False), False, False),
        (ANONYMOUS, Thing(1, True), False, True),
        (Actor(user_id=1), None, False, False),
    ],
)
def test_predicates_about_a_subject(
    actor: Actor, thing: Thing | None, owner: bool, open_: bool
) -> None:
    """About the subject: never without one, never for a disabled or anonymous actor; of the
    subject's own state: never without one."""
    assert is_owner(actor, NO_STANDING, thing) is owner
    assert is_open(actor, NO_STANDING, thing) is open_
    assert (is_owner & is_open)(actor, NO_STANDING, thing) is (owner and open_)
