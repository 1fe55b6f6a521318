"""Locale negotiation: the user's choice, then Accept-Language, then community, then site."""

from __future__ import annotations

import pytest

from web.core import i18n
from web.core.i18n import match_accept_language, negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
        ("zh-TW", "zh_Hans"),
        ("zh-Hant-HK", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh_CN", "zh_Hans"),
        ("ZH-cn", "zh_Hans"),
        ("en-US,en;q=0.9", "en"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR,de;q=0.9", None),
        ("*", None),
        ("", None),
        (",,,;;", None),
    ],
)
def test_accept_language_maps_to_a_supported_locale(header: str, expected: str | None) -> None:
    assert match_accept_language(header) == expected


def test_higher_quality_wins_over_earlier_position() -> None:
    assert match_accept_language("en;q=0.5, zh;q=0.9") == "zh_Hans"
    assert match_accept_language("zh;q=0.3, en") == "en"


def test_equal_quality_keeps_the_header_order() -> None:
    assert match_accept_language("en, zh") == "en"
    assert match_accept_language("zh, en") == "zh_Hans"


def test_quality_zero_means_not_acceptable() -> None:
    assert match_accept_language("zh;q=0, en;q=0.1") == "en"
    assert match_accept_language("en;q=0") is None


def test_malformed_quality_counts_as_not_acceptable() -> None:
    assert match_accept_language("en;q=high, zh;q=0.2") == "zh_Hans"


def test_spaces_around_parameters_are_tolerated() -> None:
    assert match_accept_language(" fr ; q=0.9 , en ; q=0.8 ") == "en"


def test_only_the_first_twenty_entries_are_read() -> None:
    header = ", ".join(["fr"] * 20 + ["en"])
    assert match_accept_language(header) is None


NEGOTIATIONS = [
    # user_choice, accept_language, community_default, site_default, expected
    ("en", "zh-CN", "zh_Hans", "zh_Hans", "en"),
    ("zh_Hans", "en-US", "en", "en", "zh_Hans"),
    (None, "en-US", "zh_Hans", "zh_Hans", "en"),
    ("fr", "en-US", "zh_Hans", "zh_Hans", "en"),
    (None, "fr", "en", "zh_Hans", "en"),
    (None, "", "en", "zh_Hans", "en"),
    (None, "", None, "en", "en"),
    (None, "fr", "de", "zh_Hans", "zh_Hans"),
]


@pytest.mark.parametrize(("user", "header", "community", "site", "expected"), NEGOTIATIONS)
def test_negotiate_follows_user_then_browser_then_community_then_site(
    user: str | None, header: str, community: str | None, site: str, expected: str
) -> None:
    result = negotiate(
        user_choice=user, accept_language=header, community_default=community, site_default=site
    )
    assert result == expected


def test_unsupported_locale_falls_back_to_the_first_supported() -> None:
    token = i18n.set_locale("fr")
    try:
        assert i18n.current_locale() == "zh_Hans"
    finally:
        i18n.reset_locale(token)


def test_set_and_reset_locale_restore_the_previous_one() -> None:
    before = i18n.current_locale()
    token = i18n.set_locale("en")
    assert i18n.current_locale() == "en"
    i18n.reset_locale(token)
    assert i18n.current_locale() == before
