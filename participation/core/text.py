"""Cleaning of text people type: one place for trimming, limits and invisible characters."""

from __future__ import annotations

# Bidi overrides and isolates can disguise text; C0/C1 controls have no place in a form field;
# lone surrogates cannot even be stored.
_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {
    *map(chr, range(0x7F, 0xA0)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    *map(chr, range(0xD800, 0xE000)),
}


def clean_line(text: str, *, max_length: int, allow_empty: bool = False) -> str | None:
    """One line: whitespace folded, forbidden characters refused, length bounded."""
    line = " ".join(text.split())
    if (not line and not allow_empty) or len(line) > max_length:
        return None
    if any(ch in _FORBIDDEN for ch in line):
        return None
    return line


def clean_multiline(text: str, *, max_length: int) -> str | None:
    """Paragraphs kept, trailing spaces and runs of blank lines trimmed, length bounded."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = "\n".join(lines).strip()
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    if not body or len(body) > max_length:
        return None
    if any(ch in _FORBIDDEN for ch in body):
        return None
    return body


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_whole_number(text: str, *, max_digits: int) -> int | None:
    """A whole number typed by a person: ASCII or full-width digits (as Chinese keyboards type
    them) and nothing else; superscripts and other scripts' digits are not numbers here."""
    value = text.strip().translate(_FULL_WIDTH_DIGITS)
    if not value or len(value) > max_digits or not (value.isascii() and value.isdigit()):
        return None
    return int(value)
