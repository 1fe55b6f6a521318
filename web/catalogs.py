"""Translation catalog chores: ``python -m web.catalogs fill-en|check``.

English is the source language, so its catalog repeats each message; ``check`` fails when a
message lacks a Chinese or English translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


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


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "fill-en":
        fill_english()
        return 0
    problems = {locale: missing(locale) for locale in ("zh_Hans", "en")}
    for locale, gaps in problems.items():
        for msgid in gaps:
            print(f"{locale}: untranslated: {msgid!r}", file=sys.stderr)
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
