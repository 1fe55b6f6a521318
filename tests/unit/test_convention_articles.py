"""Splitting a pasted convention into its preamble and articles, and the Chinese numerals the
articles are numbered with. No database."""

from __future__ import annotations

import pytest

from participation.conventions.articles import (
    ARTICLE_MAX,
    ARTICLES_MAX,
    ParsedText,
    chinese_numeral,
    parse_chinese_numeral,
    problems,
    split_articles,
)
from tests.support import HOSTILE

# --- numerals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "numeral"),
    [
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (200, "二百"),
        (999, "九百九十九"),
    ],
)
def test_numbers_are_written_in_formal_chinese_numerals(n: int, numeral: str) -> None:
    assert chinese_numeral(n) == numeral
    assert parse_chinese_numeral(numeral) == n


def test_every_numeral_from_one_to_999_reads_back() -> None:
    numerals = [chinese_numeral(n) for n in range(1, 1000)]
    assert [parse_chinese_numeral(numeral) for numeral in numerals] == list(range(1, 1000))
    assert len(set(numerals)) == 999


@pytest.mark.parametrize("n", [0, -1, 1000])
def test_numbers_outside_one_to_999_have_no_numeral(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(n)


@pytest.mark.parametrize(
    ("numeral", "n"),
    [("一十", 10), ("一十二", 12), ("两百", 200), ("两百零三", 203), ("一百〇五", 105)],
)
def test_everyday_forms_of_numerals_are_read(numeral: str, n: int) -> None:
    assert parse_chinese_numeral(numeral) == n


@pytest.mark.parametrize(
    "text",
    [
        "",
        "零",
        "〇",
        "两",
        "两十",
        "十十",
        "一二",
        "百",
        "一百十",
        "一百零",
        "一百零十",
        "一千",
        "3",
        "几",
    ],
)
def test_what_is_not_a_numeral_reads_as_none(text: str) -> None:
    assert parse_chinese_numeral(text) is None


# --- the three numbering schemes -----------------------------------------------------------------


def test_articles_numbered_di_tiao_are_split_without_their_markers() -> None:
    parsed = split_articles(
        "第一条 爱护绿地。\n第二条：不高空抛物。\n第三条:按时缴费。\n第十二条文明养犬。"
    )
    assert parsed == ParsedText(
        preamble="", articles=["爱护绿地。", "不高空抛物。", "按时缴费。", "文明养犬。"]
    )


def test_di_tiao_may_use_arabic_or_full_width_digits_and_spaces() -> None:
    parsed = split_articles(
        "第1条 爱护绿地。\n\u3000\u3000第２条\u3000不高空抛物。\n第 3 条 按时缴费。"
    )
    assert parsed.articles == ["爱护绿地。", "不高空抛物。", "按时缴费。"]


def test_di_shi_tiao_and_di_yi_shi_tiao_are_both_article_ten() -> None:
    assert split_articles("第十条 甲\n第一十条 乙").articles == ["甲", "乙"]


def test_articles_numbered_with_arabic_digits_are_split() -> None:
    parsed = split_articles("1. 爱护绿地。\n2．不高空抛物。\n3、按时缴费。\n１０、文明养犬。")
    assert parsed.articles == ["爱护绿地。", "不高空抛物。", "按时缴费。", "文明养犬。"]


def test_a_decimal_at_the_start_of_a_line_is_not_a_marker() -> None:
    parsed = split_articles("1. 绿篱高度：\n1.5米以下不修剪。\n2. 其他。")
    assert parsed.articles == ["绿篱高度：\n1.5米以下不修剪。", "其他。"]


def test_articles_numbered_with_chinese_numerals_and_a_comma_are_split() -> None:
    parsed = split_articles("一、总则\n二、环境卫生\n十一、附则")
    assert parsed.articles == ["总则", "环境卫生", "附则"]


def test_a_word_before_a_comma_is_not_a_numeral_marker() -> None:
    assert split_articles("一、甲\n十分、重要\n二、乙").articles == ["甲\n十分、重要", "乙"]


# --- which markers split -------------------------------------------------------------------------


def test_the_first_markers_scheme_is_the_only_one_that_splits() -> None:
    parsed = split_articles("1. 甲\n第二条 乙\n一、丙\n2. 丁")
    assert parsed.articles == ["甲\n第二条 乙\n一、丙", "丁"]


def test_numbered_sub_items_stay_inside_their_article() -> None:
    text = "第一条 业主应当：\n1. 爱护绿地；\n2. 不高空抛物。\n第二条 本公约自通过之日起施行。"
    parsed = split_articles(text)
    assert parsed.articles == [
        "业主应当：\n1. 爱护绿地；\n2. 不高空抛物。",
        "本公约自通过之日起施行。",
    ]


def test_section_headings_stay_inside_a_text_numbered_with_digits() -> None:
    parsed = split_articles("1. 甲\n一、环境卫生\n2. 乙")
    assert parsed.articles == ["甲\n一、环境卫生", "乙"]


def test_numbering_that_skips_or_repeats_still_splits_in_order() -> None:
    parsed = split_articles("第一条 甲\n第三条 乙\n第三条 丙\n第二条 丁")
    assert parsed.articles == ["甲", "乙", "丙", "丁"]


def test_a_reference_wrapped_onto_the_start_of_a_line_is_not_a_marker() -> None:
    text = "第一条 违反本公约\n第三条的规定，\n第四条、第五条另行处理。\n第二条 乙"
    assert split_articles(text).articles == [
        "违反本公约\n第三条的规定，\n第四条、第五条另行处理。",
        "乙",
    ]


def test_a_marker_must_open_its_line() -> None:
    assert split_articles("依照第一条处理。").articles == ["依照第一条处理。"]
    assert split_articles("第一条 甲，见 2. 乙").articles == ["甲，见 2. 乙"]


# --- preamble and layout -------------------------------------------------------------------------


def test_text_before_the_first_marker_is_the_preamble() -> None:
    text = "\n  为了建设美好家园，\n制定本公约。\n\n第一条 爱护绿地。\n"
    parsed = split_articles(text)
    assert parsed.preamble == "为了建设美好家园，\n制定本公约。"
    assert parsed.articles == ["爱护绿地。"]


def test_an_article_keeps_its_lines_and_loses_blank_ends_and_runs() -> None:
    text = "第一条\n\n  业主应当：  \n\n\n\n爱护绿地。\n\n\n第二条 乙"
    assert split_articles(text).articles == ["业主应当：\n\n爱护绿地。", "乙"]


def test_windows_and_old_mac_newlines_are_read_as_line_breaks() -> None:
    parsed = split_articles("前言\r\n第一条 甲\r\n续\r第二条 乙\r\n")
    assert parsed == ParsedText(preamble="前言", articles=["甲\n续", "乙"])


def test_control_characters_and_a_byte_order_mark_are_dropped() -> None:
    parsed = split_articles("\ufeff第一条 甲\x00乙\x07\t丙\n第二条 丁\x1b")
    assert parsed.articles == ["甲乙\t丙", "丁"]


def test_text_is_normalised_to_composed_characters() -> None:
    assert split_articles("第一条 Cafe\u0301").articles == ["Caf\u00e9"]


# --- no markers, nothing at all ------------------------------------------------------------------


def test_without_markers_each_paragraph_becomes_an_article() -> None:
    parsed = split_articles("爱护绿地，\n不踩踏草坪。\n\n \u3000\n不高空抛物。\n\n")
    assert parsed == ParsedText(preamble="", articles=["爱护绿地，\n不踩踏草坪。", "不高空抛物。"])


@pytest.mark.parametrize("text", ["", "   ", "\n\n\u3000\n", "\x00"])
def test_empty_text_has_no_articles(text: str) -> None:
    parsed = split_articles(text)
    assert parsed == ParsedText(preamble="", articles=[])
    assert said(parsed) == ["The text has no articles."]


def test_hostile_text_is_kept_as_plain_text() -> None:
    parsed = split_articles(f"{HOSTILE}\n第一条 {HOSTILE}\n{HOSTILE}\n第二条 <script>")
    assert parsed.preamble == HOSTILE
    assert parsed.articles == [f"{HOSTILE}\n{HOSTILE}", "<script>"]


def said(parsed: ParsedText) -> list[str]:
    """The problems as the English page words them."""
    return [problem.message % problem.params for problem in problems(parsed)]


# --- problems ------------------------------------------------------------------------------------


def test_a_sound_text_has_no_problems() -> None:
    assert problems(split_articles("前言\n第一条 甲\n第二条 乙")) == []


def test_an_empty_article_is_a_problem_named_by_its_position() -> None:
    parsed = split_articles("第一条 甲\n第二条\n\n第五条 乙")
    assert parsed.articles == ["甲", "", "乙"]
    assert said(parsed) == ["Article 2 is empty."]


def test_an_article_over_the_limit_is_a_problem() -> None:
    long_body = "字" * (ARTICLE_MAX + 1)
    parsed = split_articles(f"第一条 {'字' * ARTICLE_MAX}\n第二条 甲\n第三条 {long_body}")
    assert len(parsed.articles[0]) == ARTICLE_MAX
    assert parsed.articles[2] == long_body
    assert said(parsed) == ["Article 3 is longer than 2000 characters."]


def test_more_articles_than_allowed_are_all_returned_and_a_problem() -> None:
    count = ARTICLES_MAX + 5
    text = "\n".join(f"第{chinese_numeral(n)}条 第{n}条的内容" for n in range(1, count + 1))
    parsed = split_articles(text)
    assert len(parsed.articles) == count
    assert parsed.articles[-1] == f"第{count}条的内容"
    assert said(parsed) == ["The text has 205 articles; at most 200 are allowed."]


def test_the_most_articles_allowed_are_no_problem() -> None:
    parsed = split_articles("\n".join(f"{n}. 内容" for n in range(1, ARTICLES_MAX + 1)))
    assert len(parsed.articles) == ARTICLES_MAX
    assert problems(parsed) == []
