"""An Atom document (RFC 4287) from a feed's entries. Pure: no database, no web.

Ids are tag URIs (RFC 4151) built from the site's host and what the entry is about
(``tag:huakai.example,2026:yulin/proposal/12``): they never change when a title does, so a
feed reader never shows an entry twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

TAG_YEAR = 2026  # the year in every tag URI: fixed, as RFC 4151 asks


@dataclass(frozen=True)
class Entry:
    key: str  # what it is about, unique in the feed: "proposal/12/update/5"
    title: str
    summary: str
    link: str  # absolute URL of its page
    updated: datetime
    author: str = ""


@dataclass(frozen=True)
class Feed:
    key: str  # "yulin/news"
    title: str
    link: str  # the page it is the feed of (absolute)
    self_link: str  # the feed itself (absolute)
    language: str  # "zh-Hans", "en"
    entries: Sequence[Entry]
    fallback_updated: datetime  # <updated> of a feed with no entry yet


def tag(host: str, key: str) -> str:
    return f"tag:{host},{TAG_YEAR}:{key}"


def updated_at(feed: Feed) -> datetime:
    """When the feed last changed: its newest entry's time."""
    return max((e.updated for e in feed.entries), default=feed.fallback_updated)


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(name: str, value: str) -> str:
    return f"<{name}>{escape(_xml_chars(value))}</{name}>"


def _xml_chars(value: str) -> str:
    # XML 1.0 has no place for most control characters: a pasted text may carry some.
    return "".join(ch for ch in value if ch in "\t\n\r" or ch >= " ")


def render(feed: Feed, host: str) -> str:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(feed.language)}>',
        _text("id", tag(host, feed.key)),
        _text("title", feed.title),
        _text("updated", _time(updated_at(feed))),
        f'<link rel="alternate" type="text/html" href={quoteattr(feed.link)}/>',
        f'<link rel="self" type="application/atom+xml" href={quoteattr(feed.self_link)}/>',
        "<author><name>Huakai 花开</name></author>",
        "<generator>Huakai</generator>",
    ]
    for entry in feed.entries:
        parts += [
            "<entry>",
            _text("id", tag(host, entry.key)),
            _text("title", entry.title),
            _text("updated", _time(entry.updated)),
            f'<link rel="alternate" type="text/html" href={quoteattr(entry.link)}/>',
        ]
        if entry.author:
            parts.append(f"<author>{_text('name', entry.author)}</author>")
        if entry.summary:
            parts.append(f'<summary type="text">{escape(_xml_chars(entry.summary))}</summary>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts) + "\n"
