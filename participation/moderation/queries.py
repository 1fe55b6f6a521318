"""Reads of moderation: the committee's queue, the public log with its monthly counts, and
what capabilities ask before showing content (is it hidden? is its author suspended?)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from participation.communities.queries import community_by_id
from participation.core.errors import N_, NotAllowed, NotFound
from participation.moderation.kinds import KINDS, Item, RuleArticle, rule_articles
from participation.moderation.models import (
    Appeal,
    ModeratedItem,
    ModerationEntry,
    Report,
    Suspension,
)
from participation.moderation.rules import ItemSubject


async def find_item(community_id: int, kind: str, item_id: int) -> Item:
    """The item, if it is content of a kind moderation knows, in this community: anything
    else (another community's, a missing id, an unknown kind) is the same 404."""
    content = KINDS.get(kind)
    found = await content.find(item_id) if content else None
    if found is None or found.community_id != community_id:
        raise NotFound()
    return found


@dataclass(frozen=True)
class ReportView:
    reason: str
    text: str
    counts: bool
    created_at: datetime
    reporter: str  # for the committee only: never shown to the author
    article: RuleArticle | None = None  # the article of the rules it breaks, when named


@dataclass(frozen=True)
class QueueEntry:
    moderated_id: int
    kind: str
    label: str
    item: Item | None  # None: the content is gone
    author: str
    author_history: int  # earlier log entries about this author in the community
    hidden: bool
    hidden_by: str
    open_reports: int
    counted_reports: int
    first_reported_at: datetime | None
    reports: list[ReportView]
    subject: ItemSubject


async def queue(community_id: int, *, escalated: bool = False) -> list[QueueEntry]:
    """Items with open reports, most reported first, then the longest waiting. ``escalated``:
    the platform admin's share (items by committee members)."""
    rows = (
        await ModeratedItem.filter(
            community_id=community_id, open_reports__gt=0, escalated=escalated
        )
        .select_related("author")
        .order_by("-open_reports", "first_reported_at", "id")
    )
    reports: dict[int, list[ReportView]] = {}
    found_reports = (
        await Report.filter(item_id__in=[m.id for m in rows], open=True)
        .select_related("reporter")
        .order_by("id")
    )
    articles = (
        {a.ref: a for a in await rule_articles(community_id)}
        if any(r.article_ref for r in found_reports)
        else {}
    )
    for r in found_reports:
        reports.setdefault(r.item_id, []).append(
            ReportView(
                r.reason,
                r.text,
                r.counts,
                r.created_at,
                r.reporter.display_name,
                articles.get(r.article_ref),
            )
        )
    entries = await ModerationEntry.filter(
        community_id=community_id, subject_id__in=[m.author_id for m in rows]
    ).values("subject_id", "item_id")
    history: dict[int, Counter[int]] = {}  # author -> entries per item (None: a suspension)
    for row in entries:
        history.setdefault(row["subject_id"], Counter())[row["item_id"]] += 1
    found = []
    for m in rows:
        content = KINDS.get(m.kind)
        found.append(
            QueueEntry(
                moderated_id=m.id,
                kind=m.kind,
                label=content.label if content else m.kind,
                item=await content.find(m.item_id) if content else None,
                author=m.author.display_name,
                # About the author's other content: this item's own entries are on the card.
                author_history=sum(
                    n for item, n in history.get(m.author_id, Counter()).items() if item != m.id
                ),
                hidden=m.hidden,
                hidden_by=m.hidden_by,
                open_reports=m.open_reports,
                counted_reports=m.counted_reports,
                first_reported_at=m.first_reported_at,
                reports=reports.get(m.id, []),
                subject=ItemSubject(m.author_id, m.escalated),
            )
        )
    return found


@dataclass(frozen=True)
class LogEntry:
    """One line of the public log: never the content, nor who reported it or who acted."""

    id: int
    created_at: datetime
    kind: str
    action: str
    reason: str
    role: str
    public_reason: str
    days: int | None


async def public_log(community_id: int, *, limit: int = 200) -> list[LogEntry]:
    rows = (
        await ModerationEntry.filter(community_id=community_id)
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    return [
        LogEntry(e.id, e.created_at, e.kind, e.action, e.reason, e.role, e.public_reason, e.days)
        for e in rows
    ]


async def log_entry(community_id: int, entry_id: int) -> LogEntry:
    e = await ModerationEntry.filter(id=entry_id, community_id=community_id).first()
    if e is None:
        raise NotFound()
    return LogEntry(e.id, e.created_at, e.kind, e.action, e.reason, e.role, e.public_reason, e.days)


async def entry_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each log entry (for the notices that link to an appeal)."""
    rows = await ModerationEntry.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}


async def monthly_counts(community_id: int) -> dict[str, Counter[str]]:
    """Actions per month ("2026-12") in the community's log, newest month first."""
    counts: dict[str, Counter[str]] = {}
    for created_at, action in await ModerationEntry.filter(community_id=community_id).values_list(
        "created_at", "action"
    ):
        counts.setdefault(created_at.strftime("%Y-%m"), Counter())[action] += 1
    return dict(sorted(counts.items(), reverse=True))


async def hidden_ids(kind: str, ids: Iterable[int]) -> set[int]:
    """Which of these items of ``kind`` are hidden (lists, search, feeds and open data leave
    them out; their pages show a placeholder to all but their author and the committee)."""
    wanted = list(ids)
    if not wanted:
        return set()
    rows = await ModeratedItem.filter(kind=kind, item_id__in=wanted, hidden=True).values("item_id")
    return {row["item_id"] for row in rows}


def hidden_items(kind: str) -> Subquery:
    """The ids of the items of ``kind`` moderation hides, for a capability's own query:
    ``CareLog.exclude(id__in=hidden_items("care_log"))``."""
    return Subquery(ModeratedItem.filter(kind=kind, hidden=True).values("item_id"))


def not_hidden_sql(kind: str, id_column: str) -> tuple[str, list[object]]:
    """A WHERE clause (and its parameters) leaving out the items of ``kind`` moderation hides,
    for a capability's own list query in plain SQL; ``id_column`` is our own column name,
    never user input."""
    clause = (
        "NOT EXISTS (SELECT 1 FROM moderated_item WHERE moderated_item.kind = ? "  # noqa: S608
        f"AND moderated_item.item_id = {id_column} AND moderated_item.hidden = ?)"
    )
    return clause, [kind, True]


def _in_force(user_id: int, community_id: int, now: datetime) -> QuerySet[Suspension]:
    return Suspension.filter(
        user_id=user_id, community_id=community_id, until__gt=now, lifted_at__isnull=True
    )


async def is_suspended(user_id: int, community_id: int, now: datetime) -> bool:
    return await _in_force(user_id, community_id, now).exists()


async def require_not_suspended(user_id: int | None, community_id: int, now: datetime) -> None:
    """Posting in a community, refused while the committee has suspended the poster there."""
    if user_id is None:
        return
    found = await _in_force(user_id, community_id, now).order_by("-until").first()
    if found is not None:
        zone = ZoneInfo((await community_by_id(community_id)).timezone)
        raise NotAllowed(
            N_("The committee has suspended you from posting here until %(until)s."),
            until=found.until.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        )


async def open_appeals(community_id: int) -> list[Appeal]:
    return (
        await Appeal.filter(entry__community_id=community_id, status="open")
        .select_related("entry", "author")
        .order_by("created_at", "id")
    )
