"""Display names: what a resident may call themselves, and what a login provider tells us."""

from __future__ import annotations

import pytest

from participation.accounts.rules import (
    DISPLAY_NAME_MAX,
    clean_display_name,
    display_name_from_claims,
)
from tests.support import HOSTILE_SHORT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王阿姨", "王阿姨"),
        ("  Alice   Wang  ", "Alice Wang"),
        ("a\tb\nc\r\nd", "a b c d"),
        ("a\u3000b", "a b"),  # ideographic space folds like any space
        ("花" * DISPLAY_NAME_MAX, "花" * DISPLAY_NAME_MAX),
        ("  " + "花" * DISPLAY_NAME_MAX + "  ", "花" * DISPLAY_NAME_MAX),
        (HOSTILE_SHORT, HOSTILE_SHORT),
    ],
)
def test_display_name_is_trimmed_and_folded(text: str, expected: str) -> None:
    assert clean_display_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "花" * (DISPLAY_NAME_MAX + 1),
        "a " * 20 + "b",  # 41 characters once folded
        "admin\u202egnp.exe",  # right-to-left override
        "\u202aleft",
        "\u202bright",
        "\u202cpop",
        "\u202dlro",
        "\u2066isolate\u2069",
        "\u2067rli",
        "\u2068fsi",
        "nul\x00",
        "bell\x07",
        "esc\x1b[31m",
        "del\x7f",
    ],
)
def test_display_name_is_refused(text: str) -> None:
    assert clean_display_name(text) is None


def test_forty_is_the_limit() -> None:
    assert DISPLAY_NAME_MAX == 40


@pytest.mark.parametrize("text", ["csi\x9b31m", "x\x80", "x\x9f"])
def test_c1_control_characters_are_refused(text: str) -> None:
    assert clean_display_name(text) is None


def test_name_claim_that_is_not_valid_unicode_falls_back() -> None:
    assert display_name_from_claims({"name": "Eve\ud800"}, "name", "sub-1") == "sub-1"


CLAIMS: dict[str, object] = {
    "name": "Wang Fang",
    "preferred_username": "wangfang",
    "nickname": "Fang",
    "login": "wf",
}


def test_configured_claim_comes_first() -> None:
    assert display_name_from_claims(CLAIMS, "nickname", "sub") == "Fang"


def test_claims_are_tried_in_order_name_username_nickname_login() -> None:
    claims = dict(CLAIMS)
    expected = ["Wang Fang", "wangfang", "Fang", "wf"]
    for key, name in zip(
        ["name", "preferred_username", "nickname", "login"], expected, strict=True
    ):
        assert display_name_from_claims(claims, "display", "sub") == name
        del claims[key]
    assert display_name_from_claims(claims, "display", "sub-42") == "sub-42"


@pytest.mark.parametrize(
    "unusable",
    [None, 12345, ["Wang"], {"zh": "王"}, "", "   ", "x" * 41, "\u202eevil", "nul\x00"],
)
def test_unusable_claim_values_are_skipped(unusable: object) -> None:
    claims: dict[str, object] = {"name": unusable, "preferred_username": "wangfang"}
    assert display_name_from_claims(claims, "name", "sub") == "wangfang"


def test_claim_values_are_cleaned() -> None:
    assert display_name_from_claims({"name": "  Wang   Fang "}, "name", "s") == "Wang Fang"


def test_unusable_subject_falls_back_to_resident() -> None:
    assert display_name_from_claims({}, "name", "s" * 41) == "居民"
    assert display_name_from_claims({}, "name", "") == "居民"
