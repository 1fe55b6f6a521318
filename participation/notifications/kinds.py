"""What capabilities tell notifications about their notices, so that notifications imports
none of them: each kind's sentence, and how to find the page a notice is about.

A capability registers its kinds in its own ``notices.py`` (loaded by
participation/capabilities.py):

    register_kind("plots.adoption_approved", N_("Your team may now care for %(plot)s."))
    register_target("plot_id", route="plots:detail", slugs=community_slugs_of_plots)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# ids of objects of one kind -> the slug of each one's community (one query for them all)
Slugs = Callable[[set[int]], Awaitable[dict[int, str]]]
# ids of objects of one kind -> those moderation hides (their notices no longer say what they
# are about, nor link to them)
Hidden = Callable[[set[int]], Awaitable[set[int]]]


@dataclass(frozen=True)
class Target:
    """A payload key naming an object (``plot_id``), and the page that shows it."""

    key: str
    route: str  # the page's route name, e.g. "plots:detail"
    param: str  # the route's parameter for the id
    slugs: Slugs
    hidden: Hidden | None = None


KINDS: dict[str, str] = {}  # kind -> its untranslated sentence (the payload fills it)
TARGETS: dict[str, Target] = {}  # payload key -> target, in the order links are tried


def register_kind(kind: str, message: str) -> None:
    if kind in KINDS:
        raise ValueError(f"notice kind {kind} registered twice")
    KINDS[kind] = message


def register_target(
    key: str, *, route: str, slugs: Slugs, param: str | None = None, hidden: Hidden | None = None
) -> None:
    if key in TARGETS:
        raise ValueError(f"notice target {key} registered twice")
    TARGETS[key] = Target(key=key, route=route, param=param or key, slugs=slugs, hidden=hidden)
