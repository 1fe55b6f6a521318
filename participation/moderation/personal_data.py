"""The personal-data guard's detector: Chinese mobile and landline numbers, 18-digit resident ID
numbers (GB 11643-1999) and street addresses with a room number, and their masked public form.

Pure: no database, no web. Matching runs on a copy of the text folded with NFKC one character at
a time, so full-width ``１３８`` reads as ``138`` and every offset found in the copy is an offset
into the original text.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from participation.core.errors import N_

KIND_LABELS: dict[str, str] = {
    "mobile": N_("Mobile number"),
    "landline": N_("Landline number"),
    "id_number": N_("Resident ID number"),
    "address": N_("Street address with a room number"),
}


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KIND_LABELS
    start: int  # offsets into the original text: text[start:end] == finding.text
    end: int
    text: str


# A number counts only on its own: a mobile-looking run inside a bank card or an ID inside a
# longer run is something else. A decimal point joins runs too (0.13812345678 is no phone).
# [0-9], never \d: \d also matches Arabic-Indic and other digits that nobody dials.
_ALONE_BEFORE = r"(?<![0-9])(?<![0-9]\.)"
_ALONE_AFTER = r"(?![0-9]|\.[0-9])"
# What residents type between groups of digits: one space, or one dash with optional spaces.
_SEP = r"(?:[ \t]?[-‐–—][ \t]?|[ \t])?"

_MOBILE = re.compile(
    _ALONE_BEFORE
    + r"(?:(?:\+|00)?86[ \t-]?|\(\+?86\)[ \t]?)?"
    + rf"1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}"
    + _ALONE_AFTER
)

# China's numbering plan: 010 and 02x are the three-digit area codes, all others have four.
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
# Local numbers never start with 0 or 1; those lead trunk prefixes and mobiles.
_LANDLINE = re.compile(
    _ALONE_BEFORE
    + rf"(?:\({_AREA}\)[ \t]?|{_AREA}{_SEP})[2-9][0-9]{{2,3}}{_SEP}[0-9]{{4}}"
    + _ALONE_AFTER
)
# Eight bare digits are as often a date (20261204) or a count as a phone number, so they count
# only a few characters after a phone word. The gap holds no digits, so the number cannot be the
# tail of a longer run.
_LOCAL_AFTER_PHONE_WORD = re.compile(
    r"(?:电话|座机|联系|(?i:\btel|phone))[^0-9\n]{0,5}?"
    + rf"(?P<number>[2-9][0-9]{{3}}{_SEP}[0-9]{{4}})"
    + _ALONE_AFTER
)

_ID_NUMBER = re.compile(
    _ALONE_BEFORE
    + rf"[1-9][0-9]{{5}}{_SEP}(?P<birth>(?:19|20)[0-9]{{6}}){_SEP}[0-9]{{3}}[0-9Xx]"
    + r"(?![0-9Xx]|\.[0-9])"
)
_THREE_DIGITS = re.compile(r"[0-9]{3}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"  # ISO 7064 MOD 11-2, indexed by the weighted sum mod 11

# A building (3栋, 2幢, 5号楼, B座, optionally inside a compound, 12号院), an optional unit
# (2单元), then a room of 3-4 digits. Only the room makes it personal: "3栋" names a building
# anyone can see. Prices and years after a building (3号楼2026年) are not rooms, and a room
# named by its use (3楼301会议室) is a public room, not a home.
_ADDRESS = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{1,3}号院)?(?:[0-9]{1,3}|[A-Za-z])(?:栋|幢|号楼|楼|座)"
    + rf"{_SEP}(?:[0-9]{{1,2}}单元{_SEP})?(?P<room>[0-9]{{3,4}})"
    + r"(?:[室号房]|(?![0-9]|\.[0-9]|[年月日时点元块人个次天万%]))"
    + r"(?!会议室|活动室|教室|办公室)"
)


def find_personal_data(text: str) -> list[Finding]:
    """Personal data in ``text``, in order of position and never overlapping."""
    # Every pattern needs a run of three digits: most text has none, and costs a search.
    if not _digitish().search(text):
        return []
    folded = _fold(text)
    if not _THREE_DIGITS.search(folded):
        return []
    candidates: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            if kind == "id_number" and not _is_valid_id_number(match):
                continue
            start, end = match.span("number" if "number" in pattern.groupindex else 0)
            candidates.append((start, -end, kind))
    # Leftmost first, longer first. The patterns are built not to overlap (each wants a digit
    # boundary at both ends, and a fuzz of 200,000 strings found no overlap), so this only keeps
    # the promise of non-overlapping findings if a pattern added later does.
    findings: list[Finding] = []
    reached = 0
    for start, negative_end, kind in sorted(candidates):
        if start >= reached:
            reached = -negative_end
            findings.append(Finding(kind, start, reached, text[start:reached]))
    return findings


def mask(text: str, findings: Sequence[Finding] | None = None) -> str:
    """``text`` for public views, each finding replaced by its masked form.

    ``findings`` default to ``find_personal_data(text)``; pass a subset to mask only some.
    Masked numbers are written in ASCII digits with the resident's separators normalised:
    mobile ``138****5678`` (first 3, last 4; a +86 prefix is dropped), landline
    ``028-******34`` (area code and last 2), ID ``51***************X`` (province and check
    character: never the birth date or the sex digit), address ``3栋2单元***室`` (the building
    and unit as typed, one ``*`` per room digit).
    """
    if findings is None:
        return _masked(text)
    return _replace(text, findings, masked_form)


@functools.lru_cache(maxsize=4096)
def _masked(text: str) -> str:
    # Lists show the same titles and summaries to every reader, request after request.
    return _replace(text, None, masked_form)


def masked_form(finding: Finding) -> str:
    """How others see one finding: ``138****5678``."""
    return _MASKERS[finding.kind](finding.text)


def remove(text: str, findings: Sequence[Finding] | None = None) -> str:
    """``text`` with each finding taken out (what the guard offers before posting), and the
    spaces left around a removed number closed up."""
    removed = _replace(text, findings, lambda finding: "")
    return re.sub(r"[ \t]{2,}", " ", removed).strip()


def _replace(
    text: str, findings: Sequence[Finding] | None, replacement: Callable[[Finding], str]
) -> str:
    if findings is None:
        findings = find_personal_data(text)
    parts: list[str] = []
    cursor = 0
    for finding in sorted(findings, key=lambda finding: finding.start):
        if finding.start < cursor or text[finding.start : finding.end] != finding.text:
            raise ValueError("findings must come from find_personal_data(text)")
        parts += [text[cursor : finding.start], replacement(finding)]
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts)


def _fold(text: str) -> str:
    # One character in, one out, so offsets carry over. Characters whose NFKC form is longer
    # (㍻, ﬁ) are never digits or separators we look for and stay as they are.
    if text.isascii():
        return text
    folded = text.translate(_bmp_folds())
    if folded.isascii() or max(folded) <= "\uffff":
        return folded
    return "".join(_fold_one(ch) if ch > "\uffff" else ch for ch in folded)


@functools.cache
def _digitish() -> re.Pattern[str]:
    """Any character ``_fold`` makes a digit (0-9, １, ①, 𝟏...)."""
    codes = [code for code, new in _bmp_folds().items() if new in "0123456789"]
    codes += [code for code in range(0x10000, 0x20000) if _fold_one(chr(code)) in "0123456789"]
    ranges: list[list[int]] = []
    for code in sorted(codes):  # as ranges: a class of single characters searches slowly
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    found = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[0-9{found}]")


def _fold_one(ch: str) -> str:
    new = unicodedata.normalize("NFKC", ch)
    return new if len(new) == 1 else ch


@functools.cache
def _bmp_folds() -> dict[int, str]:
    """What ``_fold`` does to each character of the Basic Multilingual Plane, as a table for
    ``str.translate`` (a list page masks twenty summaries: per-character normalising was half
    of a signed-in resident's request)."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        ch = chr(code)
        if not 0xD800 <= code <= 0xDFFF and (new := _fold_one(ch)) != ch:
            table[code] = new
    return table


def _is_valid_id_number(match: re.Match[str]) -> bool:
    birth = match["birth"]
    try:
        datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return False
    compact = re.sub(r"[^0-9Xx]", "", match[0]).upper()
    # 17 weights for 18 characters: zip stops before the check character.
    total = sum(int(digit) * weight for digit, weight in zip(compact, _ID_WEIGHTS, strict=False))
    return _ID_CHECK_CHARACTERS[total % 11] == compact[17]


def _digits(found: str) -> str:
    return re.sub(r"[^0-9]", "", _fold(found))


def _mask_mobile(found: str) -> str:
    number = _digits(found)[-11:]  # drops 86 / 0086: the country says nothing about a person
    return f"{number[:3]}****{number[-4:]}"


def _mask_landline(found: str) -> str:
    digits, area = _digits(found), ""
    if digits.startswith("0"):  # local numbers never start with 0, so this is an area code
        cut = 3 if digits.startswith(("010", "02")) else 4
        area, digits = digits[:cut] + "-", digits[cut:]
    return area + "*" * (len(digits) - 2) + digits[-2:]


def _mask_id_number(found: str) -> str:
    compact = re.sub(r"[^0-9Xx]", "", _fold(found)).upper()
    # The region below the province, the birth date and the sequence (whose last digit is the
    # holder's sex) all narrow down who it is; the province and the check character do not.
    return compact[:2] + "*" * 15 + compact[-1]


def _mask_address(found: str) -> str:
    match = _ADDRESS.match(_fold(found))
    if match is None:
        raise ValueError("not an address found by find_personal_data")
    start, end = match.span("room")
    return found[:start] + "*" * (end - start) + found[end:]


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", _ID_NUMBER),
    ("mobile", _MOBILE),
    ("landline", _LANDLINE),
    ("landline", _LOCAL_AFTER_PHONE_WORD),
    ("address", _ADDRESS),
)
_MASKERS: dict[str, Callable[[str], str]] = {
    "mobile": _mask_mobile,
    "landline": _mask_landline,
    "id_number": _mask_id_number,
    "address": _mask_address,
}
