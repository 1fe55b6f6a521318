"""Named, composable permission predicates over (actor, standing, subject).

A predicate answers for an actor, their standing in one community, and the object asked
about (the ``subject``: a proposal, a team, a plot... as a small frozen dataclass its
capability's rules define; ``None`` for rules about the community as a whole). Each
capability declares its rules once, in its ``rules.py``, under names like
``proposals.edit``; services ``require`` them, so no entry point can forget a check, and
templates ask ``can`` the same rule to decide what to show.

A disabled or anonymous actor satisfies no predicate but the ones that say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from participation.core.errors import NotAllowed


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``user_id`` is None for an anonymous visitor."""

    user_id: int | None
    is_admin: bool = False
    disabled: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None and not self.disabled


ANONYMOUS = Actor(user_id=None)


@dataclass(frozen=True)
class Standing:
    """The actor's place in one community, read fresh from the database for each check."""

    member: bool = False
    verified: bool = False
    volunteer: bool = False
    committee: bool = False


NO_STANDING = Standing()

Test = Callable[[Actor, Standing, Any], bool]


class Predicate:
    def __init__(self, name: str, test: Test) -> None:
        self.name = name
        self._test = test

    def __call__(self, actor: Actor, standing: Standing, subject: Any = None) -> bool:
        return self._test(actor, standing, subject)

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(
            f"({self.name} & {other.name})",
            lambda a, s, o: self(a, s, o) and other(a, s, o),
        )

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(
            f"({self.name} | {other.name})",
            lambda a, s, o: self(a, s, o) or other(a, s, o),
        )

    def __invert__(self) -> Predicate:
        return Predicate(f"~{self.name}", lambda a, s, o: not self(a, s, o))

    def __repr__(self) -> str:
        return f"Predicate({self.name})"


def about_subject(name: str, test: Callable[[Actor, Any], bool]) -> Predicate:
    """A predicate on the actor and the subject (false without one, or for a signed-out or
    disabled actor): ``is_author = about_subject("is_author", lambda a, p: ...)``."""
    return Predicate(
        name, lambda a, _s, subject: subject is not None and a.is_authenticated and test(a, subject)
    )


def of_subject(name: str, test: Callable[[Any], bool]) -> Predicate:
    """A predicate on the subject's own state alone (``is_funded``), false without one."""
    return Predicate(name, lambda _a, _s, subject: subject is not None and test(subject))


is_authenticated = Predicate("is_authenticated", lambda a, s, o: a.is_authenticated)
is_platform_admin = Predicate(
    "is_platform_admin", lambda a, s, o: a.is_authenticated and a.is_admin
)
is_member = Predicate("is_member", lambda a, s, o: a.is_authenticated and s.member)
is_verified_resident = Predicate(
    "is_verified_resident", lambda a, s, o: a.is_authenticated and s.member and s.verified
)
is_volunteer = Predicate("is_volunteer", lambda a, s, o: a.is_authenticated and s.volunteer)
is_committee = Predicate("is_committee", lambda a, s, o: a.is_authenticated and s.committee)

_RULES: dict[str, Predicate] = {}


def register(name: str, predicate: Predicate) -> Predicate:
    if name in _RULES:
        raise ValueError(f"rule {name} registered twice")
    _RULES[name] = predicate
    return predicate


def rule(name: str) -> Predicate:
    return _RULES[name]


def rules() -> dict[str, Predicate]:
    return dict(_RULES)


def can(name: str, actor: Actor, standing: Standing = NO_STANDING, subject: Any = None) -> bool:
    return _RULES[name](actor, standing, subject)


def require(name: str, actor: Actor, standing: Standing = NO_STANDING, subject: Any = None) -> None:
    if not can(name, actor, standing, subject):
        raise NotAllowed()
