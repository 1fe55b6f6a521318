"""What capabilities tell moderation about their content, so that moderation imports none of
them: for each kind of item (a proposal, a comment, a care log...), how to find one by id
(its community, its author, a short stub for the committee's queue, its page) and how to
replace its text when personal information is taken out of it; and where the community's
rules in force are (the articles of its adopted conventions), which a report may name.

A capability registers its kinds in its own ``moderation.py`` (loaded by
participation/capabilities.py):

    register_content("comment", N_("Comment"), find=find_comment, redact=redact_comment)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient


@dataclass(frozen=True)
class Item:
    """One piece of resident content as moderation sees it."""

    kind: str
    item_id: int
    community_id: int
    author_id: int
    text: str  # what a redaction works on ("" for a photo)
    route: str  # the page that shows it, e.g. "proposals:detail"
    params: dict[str, str] = field(default_factory=dict)  # that route's parameters
    anchor: str = ""  # where on that page, e.g. "#comment-5"
    # A photo for the committee to see on the queue: its storage key and the variant to show.
    photo: tuple[str, str] | None = None


Finder = Callable[[int], Awaitable[Item | None]]
# Replaces the item's text on the connection of moderation's own transaction, so that the
# redaction and its log entry are written together or not at all.
Redactor = Callable[[BaseDBAsyncClient, int, str], Awaitable[None]]


@dataclass(frozen=True)
class ContentKind:
    name: str
    label: str  # untranslated, e.g. N_("Comment")
    find: Finder
    redact: Redactor | None  # None: nothing to redact (a photo is hidden, not edited)


KINDS: dict[str, ContentKind] = {}


def register_content(
    name: str, label: str, *, find: Finder, redact: Redactor | None = None
) -> None:
    if name in KINDS:
        raise ValueError(f"content kind {name} registered twice")
    KINDS[name] = ContentKind(name=name, label=label, find=find, redact=redact)


@dataclass(frozen=True)
class RuleArticle:
    """An article of a community's rules in force, as a report names it."""

    ref: str  # stable across versions, e.g. "12:4" (the convention's id, the article's key)
    rulebook: str  # e.g. the convention's title
    number: int  # its number in the text in force (第 4 条)
    text: str


Rulebook = Callable[[int], Awaitable[list[RuleArticle]]]  # a community's id -> its articles
RULEBOOKS: list[Rulebook] = []


def register_rulebook(articles: Rulebook) -> None:
    RULEBOOKS.append(articles)


async def rule_articles(community_id: int) -> list[RuleArticle]:
    """The articles in force in the community, from every registered rulebook."""
    found: list[RuleArticle] = []
    for articles in RULEBOOKS:
        found += await articles(community_id)
    return found
