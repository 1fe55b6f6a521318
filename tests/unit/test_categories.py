"""Proposal categories: what is offered, how names read, what a committee may type."""

from __future__ import annotations

import pytest

from participation.core.errors import Invalid
from participation.proposals import categories
from participation.proposals.rules import DEFAULT_CATEGORIES
from tests.support import HOSTILE_SHORT


def keys(found: list[categories.Category]) -> list[str]:
    return [c.key for c in found]


def test_defaults_are_offered_with_other_last() -> None:
    assert keys(categories.offered([], [])) == list(DEFAULT_CATEGORIES)


def test_hidden_defaults_go_and_own_categories_come_before_other() -> None:
    found = categories.offered(["culture", "elderly_care"], ["垃圾分类", "停车"])
    assert "culture" not in keys(found) and "elderly_care" not in keys(found)
    assert keys(found)[-3:] == ["x:垃圾分类", "x:停车", "other"]
    assert [c.custom for c in found][-3:] == [True, True, False]


def test_other_cannot_be_hidden() -> None:
    assert keys(categories.offered(list(DEFAULT_CATEGORIES), [])) == ["other"]
    assert categories.clean_hidden(list(DEFAULT_CATEGORIES)) == [
        key for key in DEFAULT_CATEGORIES if key != "other"
    ]


def test_unknown_hidden_key_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        categories.clean_hidden(["greening", "admin"])
    assert caught.value.field == "hidden_categories"


def test_display_names() -> None:
    def shout(text: str) -> str:
        return text.upper()

    assert categories.display_name("greening", shout) == "GREENING"
    assert categories.display_name("x:垃圾分类", shout) == "垃圾分类"
    # A key nobody knows (hand-edited data, an old value) reads as "Other", never as raw text.
    assert categories.display_name("x:", shout) == "OTHER"
    assert categories.display_name("<script>", shout) == "OTHER"


def test_own_categories_are_cleaned_one_per_line() -> None:
    text = "  垃圾分类 \r\n\n停车\n垃圾分类\n   \n楼道  照明"
    assert categories.clean_custom(text) == ["垃圾分类", "停车", "楼道 照明"]
    assert categories.clean_custom("") == []
    assert categories.clean_custom(HOSTILE_SHORT[:20]) == [HOSTILE_SHORT[:20]]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 21,
        "停车\u202eabc",  # bidi override
        "停车\x07",  # control character
        "停车\ud800",  # lone surrogate
        "\n".join(f"类别{i}" for i in range(13)),
    ],
)
def test_bad_own_categories_are_refused(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        categories.clean_custom(text)
    assert caught.value.field == "custom_categories"


@pytest.mark.parametrize("text", ["", "-1", "1.5", "1001", "abc", "²", "٣", "99999999999999"])
def test_bad_support_thresholds_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        categories.clean_support_threshold(text)


def test_support_threshold() -> None:
    assert categories.clean_support_threshold(" 0 ") == 0
    assert categories.clean_support_threshold("1000") == 1000
    assert categories.clean_support_threshold("１２") == 12  # full-width, as Chinese keyboards type
