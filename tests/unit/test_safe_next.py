"""`next` after login may only lead back to a path on this site (HOSTILE 6, ASVS 3.7.2)."""

from __future__ import annotations

import pytest

from web.core.forms import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/ok?x=1",
        "/communities/yulin#members",
        "/communities/玉林东路社区",
        "/search?q=%2F%2Fevil.example",
    ],
)
def test_same_site_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "//evil.example/path",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://evil",
        "https://evil.example/login",
        "evil.example",
        "ok",
        " /ok",
        "/ok\\..\\evil",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ok\r\nLocation: https://evil.example",
        "/ok\x00",
        "/ok\x1b[31m",
    ],
)
def test_anything_else_leads_home(target: str | None) -> None:
    assert safe_next(target) == "/"
