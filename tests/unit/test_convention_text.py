"""Accepted amendments applied to a convention's text in order; what no longer fits is a
conflict that names the amendments, never applied on a guess."""

from __future__ import annotations

import pytest

from participation.conventions.rules import AmendmentKind
from participation.conventions.text import Article, Change, apply_changes, number_of
from participation.core.errors import Conflict

TEXT = [Article(1, "甲"), Article(2, "乙"), Article(3, "丙")]


def change(n: int, kind: str, key: int, base: str = "", body: str = "") -> Change:
    return Change(n, AmendmentKind(kind), key, base, body)


def test_change_insert_and_delete_in_order() -> None:
    text, next_key = apply_changes(
        TEXT,
        [
            change(1, "change", 1, "甲", "甲一"),
            change(2, "insert", 2, body="乙后"),
            change(3, "delete", 3, "丙"),
            change(4, "insert", 0, body="最前"),
        ],
        4,
    )
    assert text == [Article(5, "最前"), Article(1, "甲一"), Article(2, "乙"), Article(4, "乙后")]
    assert next_key == 6
    assert number_of(text, 4) == 4 and number_of(text, 3) is None


def test_a_second_change_to_the_same_article_is_refused_naming_both() -> None:
    with pytest.raises(Conflict) as refused:
        apply_changes(
            TEXT, [change(7, "change", 2, "乙", "乙一"), change(9, "change", 2, "乙", "乙二")], 4
        )
    assert refused.value.params == {"amendment": 9, "other": 7}


def test_a_change_written_against_the_first_merges_in_order() -> None:
    text, _ = apply_changes(
        TEXT, [change(7, "change", 2, "乙", "乙一"), change(9, "change", 2, "乙一", "乙二")], 4
    )
    assert text[1] == Article(2, "乙二")


def test_an_insert_after_a_deleted_article_and_a_stale_change_conflict() -> None:
    with pytest.raises(Conflict):
        apply_changes(TEXT, [change(1, "delete", 2, "乙"), change(2, "insert", 2, body="新")], 4)
    with pytest.raises(Conflict) as stale:
        apply_changes(TEXT, [change(3, "change", 3, "旧的丙", "新的丙")], 4)
    assert stale.value.params == {"amendment": 3}


def test_the_text_given_is_not_changed() -> None:
    before = list(TEXT)
    apply_changes(TEXT, [change(1, "delete", 1, "甲")], 4)
    assert before == TEXT
