"""A convention's text as a list of articles, and accepted amendments applied to it in order.
Pure: an amendment that no longer fits the text is a conflict, never applied on a guess."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from participation.conventions.rules import AmendmentKind
from participation.core.errors import N_, Conflict


@dataclass(frozen=True)
class Article:
    key: int  # stable across versions: amendments name articles by it
    body: str


@dataclass(frozen=True)
class Change:
    """What an accepted amendment does, as the text sees it."""

    amendment_id: int
    kind: AmendmentKind
    article_key: int  # the article changed or deleted; for an insert, the one it follows (0: first)
    base_text: str  # the article as the amendment's author saw it
    body: str


def articles_of(rows: Sequence[dict[str, Any]]) -> list[Article]:
    return [Article(int(row["key"]), str(row["body"])) for row in rows]


def rows_of(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [{"key": a.key, "body": a.body} for a in articles]


def number_of(articles: Sequence[Article], key: int) -> int | None:
    """The article's number (1-based) in this text, or None if it is not in it."""
    for number, article in enumerate(articles, start=1):
        if article.key == key:
            return number
    return None


def apply_changes(
    articles: Sequence[Article], changes: Sequence[Change], next_key: int
) -> tuple[list[Article], int]:
    """The text after ``changes``, in order, and the next free article key.

    Two amendments to the same article merge in order when the second was written against
    what the first left (or changes nothing the first did); otherwise the second is refused,
    naming both, so the committee decides rather than one silently replacing the other."""
    text = list(articles)
    touched: dict[int, int] = {}  # article key -> the amendment that last changed it here
    for change in changes:
        number = number_of(text, change.article_key)
        if change.kind is AmendmentKind.INSERT:
            if change.article_key != 0 and number is None:
                raise _conflict(change, touched)
            at = 0 if change.article_key == 0 else number or 0
            text.insert(at, Article(next_key, change.body))
            touched[next_key] = change.amendment_id
            next_key += 1
            continue
        if number is None or text[number - 1].body != change.base_text:
            raise _conflict(change, touched)
        if change.kind is AmendmentKind.DELETE:
            del text[number - 1]
        else:
            text[number - 1] = Article(change.article_key, change.body)
        touched[change.article_key] = change.amendment_id
    return text, next_key


def _conflict(change: Change, touched: dict[int, int]) -> Conflict:
    other = touched.get(change.article_key)
    if other is not None:
        return Conflict(
            N_(
                "Amendment %(amendment)s cannot be applied after amendment %(other)s, which "
                "changed the same article: accept one of them now, and ask for the other to "
                "be proposed again on the new text."
            ),
            amendment=change.amendment_id,
            other=other,
        )
    return Conflict(
        N_(
            "Amendment %(amendment)s was written for an earlier text of its article, which "
            "has changed since: reject it with a reason, or ask for it to be proposed again."
        ),
        amendment=change.amendment_id,
    )
