"""Splitting a pasted convention (小区公约) into its preamble and numbered articles (条), and the
Chinese numerals the articles are numbered with. Pure: nothing is refused here, the committee
reviews the split and ``problems`` says what would stop it being saved."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from participation.core.errors import N_

ARTICLE_MAX = 2000  # characters per article
ARTICLES_MAX = 200

_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUES = {ch: value for value, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_NUMERAL_CHARS = "零〇一二三四五六七八九两十百"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 110 → 一百一十, 105 → 一百零五: the formal forms, for 1..999."""
    if not 1 <= n <= 999:
        raise ValueError(f"no Chinese numeral for {n} here (1..999)")
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
    if tens:
        # 十二 alone, but 一百一十二: the 一 is only dropped at the very start.
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    if units:
        out += _DIGITS[units]
    return out


def _digit(ch: str, *, liang: bool = False) -> int | None:
    # 两 is how 2 is said before 百 (两百) but never as a units or tens digit.
    if ch == "两" and not liang:
        return None
    value = _DIGIT_VALUES.get(ch)
    return value if value else None


def parse_chinese_numeral(s: str) -> int | None:
    """The inverse of ``chinese_numeral``, also reading 一十 (10), 两百 and 一百〇五; None for
    anything else, zero included (no article is numbered 0)."""
    rest, value = s, 0
    if "百" in rest:
        head, _, rest = rest.partition("百")
        hundreds = _digit(head, liang=True) if len(head) == 1 else None
        if hundreds is None:
            return None
        value = hundreds * 100
        if not rest:
            return value
        if rest[0] in "零〇":
            unit = _digit(rest[1:]) if len(rest) == 2 else None
            return None if unit is None else value + unit
    if "十" in rest:
        head, _, tail = rest.partition("十")
        # 十二 may drop its 一 only at the start; after 百 the tens digit is written out.
        tens = 1 if not head and not value else (_digit(head) if len(head) == 1 else None)
        if tens is None:
            return None
        value += tens * 10
        if not tail:
            return value
        rest = tail
    unit = _digit(rest) if len(rest) == 1 else None
    return None if unit is None else value + unit


@dataclass(frozen=True)
class ParsedText:
    preamble: str
    articles: list[str]  # bodies without their numbering marker


# Whitespace that is not a line break: spaces, tabs, U+3000 (the full-width space), NBSP.
_SP = r"[^\S\n]*"
_NUMBER = rf"[0-9０-９]{{1,3}}|[{_NUMERAL_CHARS}]{{1,7}}"
_SCHEMES: dict[str, re.Pattern[str]] = {
    # 第一条 / 第1条 / 第 十二 条： but not a reference that a hard-wrapped paste put at the
    # start of a line (第三条的规定, 第三条、第四条): no article begins with 的 or a comma.
    "tiao": re.compile(rf"{_SP}第{_SP}({_NUMBER}){_SP}条(?![的、，,])(?:{_SP}[:：])?{_SP}"),
    # 1. / 1． / 1、 but not a decimal such as 1.5米 at the start of a line.
    "arabic": re.compile(rf"{_SP}([0-9０-９]{{1,3}})(?:[.．](?![0-9０-９])|、){_SP}"),
    # 一、 (section headings in many pasted texts)
    "numeral": re.compile(rf"{_SP}([{_NUMERAL_CHARS}]{{1,7}})、{_SP}"),
}
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _is_number(token: str) -> bool:
    ascii_token = token.translate(_FULL_WIDTH_DIGITS)
    if ascii_token.isascii():
        return ascii_token.isdigit() and int(ascii_token) > 0
    return parse_chinese_numeral(token) is not None


def _marker(line: str) -> tuple[str, str] | None:
    """(scheme, text after the marker) when the line opens an article."""
    for scheme, pattern in _SCHEMES.items():
        found = pattern.match(line)
        if found and _is_number(found.group(1)):
            return scheme, line[found.end() :]
    return None


# C0 controls (but line breaks and tabs) and DEL come from copying out of PDFs and Word;
# a BOM arrives with text saved on Windows and would hide the first line's marker.
_INVISIBLE = {c: None for c in (*range(0x20), 0x7F, 0xFEFF) if chr(c) not in "\n\t"}


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    return unicodedata.normalize("NFC", text)


def _tidy(lines: list[str]) -> str:
    body = "\n".join(line.rstrip() for line in lines).strip()
    return re.sub(r"\n{3,}", "\n\n", body)


def split_articles(text: str) -> ParsedText:
    """The preamble and the articles' bodies, in the order they were pasted.

    The first marker's scheme is the only one that splits, so ``1.`` sub-items inside 第一条
    and 一、 headings inside a ``1.``-numbered text stay where they are. Numbers are not
    checked for order: the saved convention is renumbered, and the committee sees the split.
    Without any marker, each paragraph becomes an article, for the committee to review."""
    lines = _normalise(text).split("\n")
    scheme: str | None = None
    preamble: list[str] = []
    articles: list[list[str]] = []
    for line in lines:
        marker = _marker(line)
        if marker is not None and scheme is None:
            scheme = marker[0]
        if marker is not None and marker[0] == scheme:
            articles.append([marker[1]])
        elif articles:
            articles[-1].append(line)
        else:
            preamble.append(line)
    if scheme is None:
        paragraphs = _tidy(preamble).split("\n\n")
        return ParsedText(preamble="", articles=[p.strip() for p in paragraphs if p.strip()])
    return ParsedText(preamble=_tidy(preamble), articles=[_tidy(body) for body in articles])


@dataclass(frozen=True)
class Problem:
    """What stops a text being saved: a message marked for translation, and its numbers."""

    message: str
    params: dict[str, int]


def problems(parsed: ParsedText) -> list[Problem]:
    """Articles are counted from 1 in the order found, which is how they will be numbered."""
    found: list[Problem] = []
    if not parsed.articles:
        found.append(Problem(N_("The text has no articles."), {}))
    if len(parsed.articles) > ARTICLES_MAX:
        found.append(
            Problem(
                N_("The text has %(count)s articles; at most %(max)s are allowed."),
                {"count": len(parsed.articles), "max": ARTICLES_MAX},
            )
        )
    for number, body in enumerate(parsed.articles, start=1):
        if not body:
            found.append(Problem(N_("Article %(number)s is empty."), {"number": number}))
        elif len(body) > ARTICLE_MAX:
            found.append(
                Problem(
                    N_("Article %(number)s is longer than %(max)s characters."),
                    {"number": number, "max": ARTICLE_MAX},
                )
            )
    return found
