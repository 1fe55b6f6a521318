"""The diff shown for an amendment: characters inside Chinese, words in Latin text, line breaks
as changes of their own, and a bounded time on long texts. Pure: no database."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from itertools import pairwise

import pytest

from participation.conventions.diff import Piece, diff, has_changes, tokens
from tests.support import HOSTILE

TRICKY = [
    "",
    " ",
    "\n",
    "\r\n\r\n",
    "\t \u3000 \xa0",
    "居民应当爱护绿地，不得践踏草坪。",
    "每周 2 次 watering（夏季）",
    "Residents don't park on the well-being lawn; 10:30–12:00, 2.5 m².",
    "emoji 🌱🌳👍🏽 family 👨‍👩‍👧 flag 🇨🇳🇹🇼 keycap 1️⃣ tag 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "combining e\u0301 cafe\u0301teria Vie\u0323\u0302t か\u3099 \u0301 at start",
    "astral 𠀀𪚥𫝀 and compatibility 丽丸 and Ａ１",
    "controls \x01\x07\x1b\x1f\x7f\x85 and separators \u2028\u2029\x0b\x0c",
    "RTL שָׁלוֹם עולם and مَرْحَبًا بالعالم with \u200f marks \u202e override",
    "한국어 텍스트 and ひらがな カタカナ ｶﾀｶﾅ",
    "lone mark \u0308 and lone joiner \u200d and selector \ufe0f",
    HOSTILE,
    "第一条\n居民应当爱护绿地。\n\n第二条\r\n不得践踏草坪！",
]

COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"


def article(seed: int, length: int = 10_000) -> str:
    """A Chinese-looking article of sentences, punctuation, line breaks and numbers: the same
    for a seed on every run."""
    rng = random.Random(seed)
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        sentence = "".join(rng.choice(COMMON) for _ in range(rng.randint(6, 30)))
        parts.append(sentence + rng.choice(["。", "，", "；", "！", "\n", " 2 次 "]))
    return "".join(parts)[:length]


def english(seed: int, length: int = 10_000) -> str:
    rng = random.Random(seed)
    words = ["residents", "shall", "keep", "the", "garden", "tidy", "water", "every", "week"]
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(" ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + ". ")
    return "".join(parts)[:length]


def shuffled(text: str, sep: str = "") -> str:
    parts = text.split(sep) if sep else list(text)
    random.Random(3).shuffle(parts)
    return sep.join(parts)


def changed_at(text: str, *positions: int) -> str:
    chars = list(text)
    for at in positions:
        chars[at] = "变" if chars[at] != "变" else "改"
    return "".join(chars)


def pairs(pieces: Sequence[Piece]) -> list[tuple[str, str]]:
    return [(piece.kind, piece.text) for piece in pieces]


def assert_well_formed(old: str, new: str, pieces: Sequence[Piece]) -> None:
    assert "".join(p.text for p in pieces if p.kind != "ins") == old
    assert "".join(p.text for p in pieces if p.kind != "del") == new
    assert all(p.text for p in pieces), "no empty pieces"
    kinds = [p.kind for p in pieces]
    assert all(a != b for a, b in pairwise(kinds)), "neighbours merged"
    assert ("ins", "del") not in pairwise(kinds), "deletion comes first"
    assert has_changes(pieces) == (old != new)


# --- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_join_back_into_the_text(text: str) -> None:
    found = tokens(text)
    assert "".join(found) == text
    assert all(found)


def test_each_chinese_character_is_a_token() -> None:
    assert tokens("居民应当爱护绿地。") == ["居", "民", "应", "当", "爱", "护", "绿", "地", "。"]


def test_a_latin_word_is_one_token_with_its_inner_apostrophes_and_hyphens() -> None:
    assert tokens("don't mow the well-being lawn") == [
        "don't", " ", "mow", " ", "the", " ", "well-being", " ", "lawn",
    ]  # fmt: skip


def test_mixed_text_splits_at_scripts_and_keeps_numbers_whole() -> None:
    assert tokens("每周 2 次 watering") == ["每", "周", " ", "2", " ", "次", " ", "watering"]
    assert tokens("10:30 2.5 1,000 end.") == ["10:30", " ", "2.5", " ", "1,000", " ", "end", "."]


def test_punctuation_is_one_token_each_full_width_or_ascii() -> None:
    assert tokens("好，好。ok,ok!") == ["好", "，", "好", "。", "ok", ",", "ok", "!"]
    assert tokens("　（注）") == ["\u3000", "（", "注", "）"]


def test_a_line_break_is_its_own_token_never_merged_with_spaces() -> None:
    assert tokens("a \n  b\r\nc\n\nd") == ["a", " ", "\n", "  ", "b", "\r\n", "c", "\n", "\n", "d"]


def test_marks_and_emoji_modifiers_stay_with_their_character() -> None:
    assert tokens("👍🏽🇨🇳👨‍👩‍👧") == ["👍🏽", "🇨🇳", "👨‍👩‍👧"]
    assert tokens("cafe\u0301teria か\u3099") == ["cafe\u0301teria", " ", "か\u3099"]
    assert tokens("שָׁלוֹם") == ["שָׁלוֹם"]


# --- diff --------------------------------------------------------------------------------------


def test_one_chinese_word_changed_marks_only_its_characters() -> None:
    assert pairs(diff("居民应当爱护绿地", "居民必须爱护绿地")) == [
        ("same", "居民"), ("del", "应当"), ("ins", "必须"), ("same", "爱护绿地"),
    ]  # fmt: skip
    assert pairs(diff("居民应当爱护绿地", "居民应该爱护绿地")) == [
        ("same", "居民应"), ("del", "当"), ("ins", "该"), ("same", "爱护绿地"),
    ]  # fmt: skip


def test_one_latin_word_changed_marks_the_whole_word() -> None:
    assert pairs(diff("keep the garden tidy", "keep the garden clean")) == [
        ("same", "keep the garden "), ("del", "tidy"), ("ins", "clean"),
    ]  # fmt: skip
    assert pairs(diff("keep the garden tidy.", "keep the gardens tidy.")) == [
        ("same", "keep the "), ("del", "garden"), ("ins", "gardens"), ("same", " tidy."),
    ]  # fmt: skip


def test_mixed_text_marks_the_number_or_the_word() -> None:
    assert pairs(diff("每周 2 次 watering", "每周 3 次 watering")) == [
        ("same", "每周 "), ("del", "2"), ("ins", "3"), ("same", " 次 watering"),
    ]  # fmt: skip
    assert pairs(diff("每周 2 次 watering", "每周 2 次 weeding")) == [
        ("same", "每周 2 次 "), ("del", "watering"), ("ins", "weeding"),
    ]  # fmt: skip


def test_punctuation_changes_full_width_and_ascii() -> None:
    assert pairs(diff("爱护绿地，不得践踏。", "爱护绿地；不得践踏！")) == [
        ("same", "爱护绿地"), ("del", "，"), ("ins", "；"),
        ("same", "不得践踏"), ("del", "。"), ("ins", "！"),
    ]  # fmt: skip
    assert pairs(diff("Keep it tidy, please.", "Keep it tidy; please!")) == [
        ("same", "Keep it tidy"), ("del", ","), ("ins", ";"),
        ("same", " please"), ("del", "."), ("ins", "!"),
    ]  # fmt: skip


def test_empty_texts() -> None:
    assert diff("", "abc") == [Piece("ins", "abc")]
    assert diff("abc", "") == [Piece("del", "abc")]
    assert diff("", "") == []
    assert not has_changes(diff("", ""))


def test_identical_texts_are_one_same_piece() -> None:
    assert diff("居民应当爱护绿地。", "居民应当爱护绿地。") == [Piece("same", "居民应当爱护绿地。")]
    assert not has_changes(diff("same\n", "same\n"))


def test_whitespace_only_changes_show() -> None:
    assert pairs(diff("keep  the garden", "keep the garden")) == [
        ("same", "keep"), ("del", "  "), ("ins", " "), ("same", "the garden"),
    ]  # fmt: skip
    assert pairs(diff("tidy\nnext", "tidy \nnext")) == [
        ("same", "tidy"), ("ins", " "), ("same", "\nnext"),
    ]  # fmt: skip


def test_newline_changes_show_as_their_own_pieces() -> None:
    assert pairs(diff("第一条\n第二条", "第一条\n\n第二条")) == [
        ("same", "第一条\n"), ("ins", "\n"), ("same", "第二条"),
    ]  # fmt: skip
    assert pairs(diff("a b", "a\nb")) == [("same", "a"), ("del", " "), ("ins", "\n"), ("same", "b")]
    assert pairs(diff("line\r\nnext", "line\nnext")) == [
        ("same", "line"), ("del", "\r\n"), ("ins", "\n"), ("same", "next"),
    ]  # fmt: skip


def test_a_long_article_marks_only_the_reworded_characters() -> None:
    old = article(1)
    new = old[:2000] + "必须" + old[2002:7000] + "住户" + old[7002:]
    changes = [p for p in diff(old, new) if p.kind != "same"]
    assert pairs(changes) == [
        ("del", old[2000:2002]), ("ins", "必须"), ("del", old[7000:7002]), ("ins", "住户"),
    ]  # fmt: skip


def test_every_sentence_reworded_still_shows_each_change_on_its_own() -> None:
    old = "".join(f"第{n}条 居民应当爱护绿地。" for n in range(1, 201))
    new = old.replace("应当", "必须")
    changes = [p for p in diff(old, new) if p.kind != "same"]
    assert pairs(changes) == [("del", "应当"), ("ins", "必须")] * 200


INVARIANT_CASES = [
    *[(a, b) for a in TRICKY for b in TRICKY[::3]],
    ("居民应当爱护绿地", "居民必须爱护绿地"),
    ("abc", "cba"),
    ("的的的的", "的的地的的"),
    ("a\nb\nc\n", "c\nb\na\n"),
    ("x" * 50, "y" * 50),
    (article(2, 600), shuffled(article(2, 600))),
    (english(2, 600), english(3, 600)),
    (article(4, 3000), changed_at(article(4, 3000), *range(5, 3000, 97))),
]


@pytest.mark.parametrize(("old", "new"), INVARIANT_CASES)
def test_pieces_rebuild_both_texts_in_order(old: str, new: str) -> None:
    assert_well_formed(old, new, diff(old, new))


# --- speed: the acceptance's stated limit for 10,000 characters --------------------------------

LIMIT_SECONDS = 0.05
BASE = article(11)
SPEED_CASES = {
    "identical": (BASE, BASE),
    "one edit in the middle": (BASE, changed_at(BASE, 5000)),
    "a few edits spread out": (BASE, changed_at(BASE, 1000, 4000, 6000, 9000)),
    "an edit every hundred characters": (BASE, changed_at(BASE, *range(50, 10_000, 100))),
    "nothing shared, Chinese and English": (BASE, english(12)),
    "nothing shared, two Chinese articles": (BASE, article(13)),
    "shuffled characters": (BASE, shuffled(BASE)),
    "shuffled sentences": (BASE, shuffled(BASE, "。")),
    "English, shuffled words": (english(14), shuffled(english(14), " ")),
    "English, shuffled characters": (english(14), shuffled(english(14))),
    "one character repeated, one edit": ("的" * 10_000, changed_at("的" * 10_000, 5000)),
    "one character repeated, edits spread": ("的" * 10_000, changed_at("的" * 10_000, 9, 5000)),
    "one character repeated, shorter": ("的" * 10_000, "的" * 9_990),
    "two characters alternating, shuffled": ("的地" * 5000, shuffled("的地" * 5000)),
    "empty against a whole article": ("", BASE),
    "short lines, shifted by one": (
        "".join(f"{n}\n" for n in range(2500)),
        "".join(f"{n + 1}\n" for n in range(2500)),
    ),
    "short lines, all changed": (
        "".join(f"{n}。\n" for n in range(2000)),
        "".join(f"第{n}。\n" for n in range(2000)),
    ),
}


@pytest.mark.parametrize(("old", "new"), SPEED_CASES.values(), ids=SPEED_CASES.keys())
def test_ten_thousand_characters_diff_within_the_limit(old: str, new: str) -> None:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        pieces = diff(old, new)
        best = min(best, time.perf_counter() - start)
    assert_well_formed(old, new, pieces)
    assert best < LIMIT_SECONDS, f"{best * 1000:.1f} ms"


def test_one_repeated_character_changed_in_the_middle_marks_only_it() -> None:
    old = "的" * 10_000
    new = old[:5000] + "地" + old[5001:]
    assert pairs(diff(old, new)) == [
        ("same", "的" * 5000), ("del", "的"), ("ins", "地"), ("same", "的" * 4999),
    ]  # fmt: skip
