"""Chinese text takes the full-width colon "：": in the zh_Hans catalog and in the templates,
where a translated label followed by a literal ":" reads "获资助:" beside "未获资助：".

English keeps ":" (so colons belong inside the msgid, where each language writes its own)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from web.core.catalogs import ascii_colons, has_ascii_colon

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("获资助:", True),
        ("错误代码: %(code)s", True),
        ("%(plot)s很久没有养护了:请决定", True),
        ("获资助：", False),
        ("投票于 14:22 截止", False),
        ("请访问 https://example.org 了解", False),
        ("Status: open", False),  # English keeps its colon
    ],
)
def test_the_rule_finds_ascii_colons_in_chinese_only(text: str, wrong: bool) -> None:
    assert has_ascii_colon(text) is wrong


def test_zh_hans_catalog_uses_full_width_colons() -> None:
    assert ascii_colons("zh_Hans") == []


def _template_text(source: str) -> str:
    """What a template writes itself: outside tags, expressions, statements and comments."""
    text = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.S)
    return re.sub(r"<[^>]*>", "", text, flags=re.S)


def test_templates_write_no_colon_of_their_own() -> None:
    """A literal ":" after ``{{ _("Status") }}`` is ASCII in every language: put it in the msgid."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {line.strip()!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line in _template_text(path.read_text(encoding="utf-8")).splitlines()
        if ":" in re.sub(r"(?<=\d):(?=\d)|:(?=//)", "", line)
    ]
    assert found == []
