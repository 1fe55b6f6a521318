"""Household codes printed on paper slips, and the labels of the households they belong to."""

from __future__ import annotations

import hashlib
import math
import re

import pytest

from participation.communities.rules import clean_label, household_has_room
from participation.communities.services import parse_household_labels
from participation.core.codes import CODE_ALPHABET, CODE_LENGTH, hash_code, new_code, normalise_code
from participation.core.errors import Invalid
from tests.support import HOSTILE

CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}}$")


def test_codes_carry_at_least_40_bits_of_randomness() -> None:
    assert math.log2(len(set(CODE_ALPHABET)) ** CODE_LENGTH) >= 40


def test_alphabet_leaves_out_letters_that_read_like_digits() -> None:
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)
    assert not set("ILOU") & set(CODE_ALPHABET)


def test_new_code_is_two_groups_of_five_from_the_alphabet() -> None:
    for _ in range(50):
        assert CODE_RE.match(new_code())


def test_a_thousand_new_codes_are_all_different() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000


def test_new_codes_are_already_in_canonical_form() -> None:
    for _ in range(50):
        code = new_code()
        assert normalise_code(code) == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7M2Q-9XH4D", "K7M2Q-9XH4D"),
        ("k7m2q-9xh4d", "K7M2Q-9XH4D"),
        ("K7M2Q9XH4D", "K7M2Q-9XH4D"),
        (" k7m2q 9xh4d ", "K7M2Q-9XH4D"),
        ("k7-m2-q9-xh-4d", "K7M2Q-9XH4D"),
        ("K7M2Q\t9XH4D", "K7M2Q-9XH4D"),
        # Confusables a resident may read off the slip: I and L are 1, O is 0, U is V.
        ("I7M2Q-9XH4D", "17M2Q-9XH4D"),
        ("L7M2Q-9XH4D", "17M2Q-9XH4D"),
        ("l7m2q-9xh4d", "17M2Q-9XH4D"),
        ("O7M2Q-9XH4D", "07M2Q-9XH4D"),
        ("o7m2q-9xh4d", "07M2Q-9XH4D"),
        ("U7M2Q-9XH4D", "V7M2Q-9XH4D"),
    ],
)
def test_normalise_accepts_what_a_resident_may_type(typed: str, expected: str) -> None:
    assert normalise_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "K7M2Q-9XH4",  # nine symbols
        "K7M2Q-9XH4DD",  # eleven symbols
        "K7M2Q-9XH4!",
        "K7M2Q-9XH4Ä",
        "K7M2Q_9XH4D",
        "K7M2Q.9XH4D",
        "玉林东路社区一二三四",
        "<script>",
        "K7M2Q-9XH4D\x00",
        "' OR 1=1 --",
    ],
)
def test_normalise_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_normalise_accepts_full_width_input_from_a_chinese_keyboard() -> None:
    assert normalise_code("Ｋ７Ｍ２Ｑ－９ＸＨ４Ｄ") == "K7M2Q-9XH4D"


def test_hash_is_a_deterministic_sha256_of_the_canonical_code() -> None:
    code = "K7M2Q-9XH4D"
    assert hash_code(code) == hash_code(code)
    assert hash_code(code) == hashlib.sha256(code.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", hash_code(code))


def test_hash_differs_for_codes_that_differ_in_one_symbol() -> None:
    assert hash_code("K7M2Q-9XH4D") != hash_code("K7M2Q-9XH4E")


def test_hashes_of_many_codes_do_not_collide() -> None:
    codes = {new_code() for _ in range(200)}
    assert len({hash_code(code) for code in codes}) == len(codes)


def test_typed_variants_of_one_code_hash_alike_after_normalising() -> None:
    typed = ["k7m2q 9xh4d", "K7M2Q-9XH4D", "k7m2q9xh4d"]
    assert len({hash_code(normalise_code(t) or "") for t in typed}) == 1


@pytest.mark.parametrize(
    ("verified", "cap", "room"),
    [(0, 6, True), (5, 6, True), (6, 6, False), (7, 6, False), (0, 0, False)],
)
def test_household_has_room_below_the_cap_only(verified: int, cap: int, room: bool) -> None:
    assert household_has_room(verified, cap) is room


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3栋2单元501", "3栋2单元501"),
        ("  3栋  2单元\t501  ", "3栋 2单元 501"),
        ("", None),
        ("   \t ", None),
        ("x" * 80, "x" * 80),
        ("x" * 81, None),
        (HOSTILE, HOSTILE),
    ],
)
def test_clean_label_trims_folds_and_bounds(text: str, expected: str | None) -> None:
    assert clean_label(text) == expected


def test_clean_label_takes_a_custom_maximum() -> None:
    assert clean_label("x" * 120, max_length=120) == "x" * 120
    assert clean_label("x" * 121, max_length=120) is None


def test_labels_are_one_per_line_with_blank_lines_skipped() -> None:
    text = "1栋101\n\n  \n1栋102\r\n 2栋 201 \n"
    assert parse_household_labels(text) == ["1栋101", "1栋102", "2栋 201"]


def test_duplicate_labels_are_kept_once_in_first_seen_order() -> None:
    text = "1栋102\n1栋101\n1栋102\n  1栋101  \n"
    assert parse_household_labels(text) == ["1栋102", "1栋101"]


def test_empty_text_gives_no_labels() -> None:
    assert parse_household_labels("\n  \n") == []


def test_a_label_over_80_characters_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        parse_household_labels("1栋101\n" + "长" * 81)
    assert caught.value.field == "labels"


def test_hostile_label_is_kept_verbatim_for_escaping_at_render_time() -> None:
    assert parse_household_labels(HOSTILE) == [HOSTILE]
