"""Named, composable permission predicates.

A predicate answers for an actor and their standing in one community. Capabilities register
rules under names like ``communities.manage_members``; services call ``require(name, ...)`` so
no entry point can forget a check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


class Predicate:
    def __init__(self, name: str, test: Callable[[Actor, Standing], bool]) -> None:
        self.name = name
        self._test = test

    def __call__(self, actor: Actor, standing: Standing) -> bool:
        return self._test(actor, standing)

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.name} & {other.name})", lambda a, s: self(a, s) and other(a, s))

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.name} | {other.name})", lambda a, s: self(a, s) or other(a, s))

    def __invert__(self) -> Predicate:
        return Predicate(f"~{self.name}", lambda a, s: not self(a, s))

    def __repr__(self) -> str:
        return f"Predicate({self.name})"


is_authenticated = Predicate("is_authenticated", lambda a, s: a.is_authenticated)
is_platform_admin = Predicate("is_platform_admin", lambda a, s: a.is_authenticated and a.is_admin)
is_member = Predicate("is_member", lambda a, s: a.is_authenticated and s.member)
is_verified_resident = Predicate(
    "is_verified_resident", lambda a, s: a.is_authenticated and s.member and s.verified
)
is_volunteer = Predicate("is_volunteer", lambda a, s: a.is_authenticated and s.volunteer)
is_committee = Predicate("is_committee", lambda a, s: a.is_authenticated and s.committee)

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


def can(name: str, actor: Actor, standing: Standing = NO_STANDING) -> bool:
    return _RULES[name](actor, standing)


def require(name: str, actor: Actor, standing: Standing = NO_STANDING) -> None:
    if not can(name, actor, standing):
        raise NotAllowed()
