"""Translation catalog chores: ``python -m web.catalogs fill-en|check``.

English is the source language, so its catalog repeats each message; ``check`` fails when a
message lacks a Chinese or English translation, or when a Chinese one uses the ASCII colon.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from web.core.paths import LOCALES_DIR as LOCALES


def _path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def _read(locale: str) -> Catalog:
    with _path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def fill_english() -> None:
    catalog = _read("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with _path("en").open("wb") as fh:
        write_po(fh, catalog, omit_header=False, width=100)


def missing(locale: str) -> list[str]:
    gaps = []
    for message in _read(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


_CJK = re.compile(r"[\u3400-\u9fff]")
# ASCII colons Chinese text may keep: in a time (14:22) and after a URL scheme (https://).
_NOT_PUNCTUATION = re.compile(r"(?<=\d):(?=\d)|:(?=//)")


def has_ascii_colon(text: str) -> bool:
    """Chinese text with ":" as punctuation, where Chinese writes the full-width "：".

    "获资助:" beside "未获资助：" on one page read as a mistake."""
    return bool(_CJK.search(text)) and ":" in _NOT_PUNCTUATION.sub("", text)


def ascii_colons(locale: str = "zh_Hans") -> list[str]:
    """Messages whose ``locale`` translation puts an ASCII colon in Chinese text."""
    found = []
    for message in _read(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(isinstance(text, str) and has_ascii_colon(text) for text in strings):
            found.append(message.id if isinstance(message.id, str) else message.id[0])
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "fill-en":
        fill_english()
        return 0
    problems = {locale: missing(locale) for locale in ("zh_Hans", "en")}
    for locale, gaps in problems.items():
        for msgid in gaps:
            print(f"{locale}: untranslated: {msgid!r}", file=sys.stderr)
    colons = ascii_colons("zh_Hans")
    for msgid in colons:
        print(f"zh_Hans: ASCII colon in Chinese text (use ：): {msgid!r}", file=sys.stderr)
    return 1 if any(problems.values()) or colons else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
