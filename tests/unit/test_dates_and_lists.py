"""How pages write times and lists in each language.

Times go to the minute (seconds are noise); lists of activity say how long ago ("3天前"), with
the exact time in the ``<time>`` element's title; names and titles are listed the way each
language lists them ("A、B和C", "A, B, and C"), never with 、 in English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from web.core import i18n
from web.core.templating import build_environment

NOW = datetime(2026, 11, 20, 6, 30, 45, tzinfo=UTC)  # 14:30:45 in Chengdu
TIME_RE = re.compile(r'^<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>$')


@pytest.fixture(params=["zh_Hans", "en"])
def locale(request: pytest.FixtureRequest) -> Iterator[str]:
    token = i18n.set_locale(request.param)
    try:
        yield request.param
    finally:
        i18n.reset_locale(token)


def render(source: str, **context: object) -> str:
    return build_environment().from_string(source).render(now=NOW, **context)


def test_times_are_shown_to_the_minute(locale: str) -> None:
    shown = render("{{ at|datetime }}", at=NOW)
    assert shown == {"zh_Hans": "2026年11月20日 14:30", "en": "Nov 20, 2026, 2:30\u202fPM"}[locale]
    assert render("{{ at|datetime('Europe/London') }}", at=NOW).endswith(
        {"zh_Hans": " 06:30", "en": "6:30\u202fAM"}[locale]
    )


@pytest.mark.parametrize(
    ("ago", "zh", "en"),
    [
        (timedelta(seconds=20), "刚刚", "just now"),
        (timedelta(seconds=-20), "刚刚", "just now"),  # a clock a little ahead
        (timedelta(minutes=3), "3分钟前", "3 minutes ago"),
        (timedelta(hours=5), "5小时前", "5 hours ago"),
        (timedelta(days=3), "3天前", "3 days ago"),
        (timedelta(days=6, hours=20), "7天前", "7 days ago"),
        (timedelta(days=9), "2026年11月11日", "Nov 11, 2026"),  # beyond a week: the date
    ],
)
def test_activity_says_how_long_ago(locale: str, ago: timedelta, zh: str, en: str) -> None:
    at = NOW - ago
    match = TIME_RE.match(render("{{ at|relative_time }}", at=at))
    assert match, render("{{ at|relative_time }}", at=at)
    iso, title, shown = match.groups()
    assert shown == {"zh_Hans": zh, "en": en}[locale]
    assert datetime.fromisoformat(iso) == at
    assert title == render("{{ at|datetime }}", at=at)  # the exact time, to the minute


def test_a_time_ahead_of_the_clock_is_given_exactly(locale: str) -> None:
    at = NOW + timedelta(hours=2)
    match = TIME_RE.match(render("{{ at|relative_time }}", at=at))
    assert match and match.group(3) == render("{{ at|datetime }}", at=at)


def test_relative_times_escape_nothing_they_should_not(locale: str) -> None:
    shown = render("{{ _('Last care: %(when)s', when=at|relative_time) }}", at=NOW)
    assert shown.count("<time ") == 1 and "&lt;" not in shown


def test_lists_read_as_each_language_lists(locale: str) -> None:
    names = ["张阿姨", "<b>李叔叔</b>", "Wang"]
    shown = render("{{ names|and_list }}", names=names)
    assert (
        shown
        == {
            "zh_Hans": "张阿姨、&lt;b&gt;李叔叔&lt;/b&gt;和Wang",
            "en": "张阿姨, &lt;b&gt;李叔叔&lt;/b&gt;, and Wang",
        }[locale]
    )
    assert render("{{ []|and_list or '—' }}") == "—"
