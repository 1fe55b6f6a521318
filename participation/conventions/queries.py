"""Read models of conventions for pages and open data: the list, one convention with its
text, amendments and vote, any two versions compared, and the JSON anyone may re-use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from participation.conventions.diff import Piece, diff
from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    ConventionVersion,
    Ratification,
    RatificationVote,
)
from participation.conventions.ratification import (
    Outcome,
    RatificationRule,
    Tally,
    decide,
)
from participation.conventions.rules import (
    AmendmentKind,
    AmendmentStatus,
    AmendmentSubject,
    ConventionSubject,
    Phase,
    RatificationSubject,
)
from participation.conventions.text import Article, articles_of, number_of
from participation.core.clock import window_at
from participation.core.errors import NotFound


async def convention_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these conventions (for notices' links)."""
    rows = await Convention.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}


@dataclass(frozen=True)
class ConventionRow:
    id: int
    title: str
    phase: Phase
    adopted_number: int | None
    updated_at: datetime


async def list_conventions(community_id: int) -> list[ConventionRow]:
    rows = await Convention.filter(community_id=community_id).order_by("-updated_at", "-id")
    adopted = {
        v.id: v.number
        for v in await ConventionVersion.filter(
            id__in=[r.adopted_version_id for r in rows if r.adopted_version_id]
        )
    }
    return [
        ConventionRow(
            r.id,
            r.title,
            Phase(r.status),
            adopted.get(r.adopted_version_id) if r.adopted_version_id else None,
            r.updated_at,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class VersionText:
    id: int
    number: int
    preamble: str
    articles: list[Article]
    amendment_ids: list[int]
    created_at: datetime


def _text(version: ConventionVersion) -> VersionText:
    return VersionText(
        version.id,
        version.number,
        version.preamble,
        articles_of(version.articles),
        list(version.amendment_ids),
        version.created_at,
    )


@dataclass(frozen=True)
class AmendmentView:
    id: int
    kind: AmendmentKind
    article_key: int
    article_number: int | None  # in the current version (None: no longer in it)
    author: str
    author_id: int
    rationale: str
    status: AmendmentStatus
    reason: str
    support_count: int
    supported: bool  # by the viewer
    pieces: list[Piece]  # the change against the article as its author saw it
    result_version: int | None
    subject: AmendmentSubject
    created_at: datetime


@dataclass(frozen=True)
class RatificationView:
    id: int
    version_number: int
    mode: str
    quorum_percent: int
    majority: str
    opens_at: datetime
    closes_at: datetime
    vote_count: int
    counted: bool
    outcome: Outcome | None
    tally: Tally | None
    counted_at: datetime | None
    my_choice: str | None
    my_channel: str | None

    def subject(self, now: datetime, *, in_household: bool) -> RatificationSubject:
        return RatificationSubject(
            window=window_at(now, self.opens_at, self.closes_at),
            household_mode=self.mode == "household",
            in_household=in_household,
            counted=self.counted,
            paper_vote=self.my_channel == "paper",
        )


@dataclass(frozen=True)
class ConventionPage:
    id: int
    community_id: int
    title: str
    phase: Phase
    current: VersionText
    adopted: VersionText | None
    versions: list[tuple[int, datetime]]  # (number, created_at), oldest first
    amendments: list[AmendmentView]
    ratifications: list[RatificationView]  # newest first
    adopted_by: RatificationView | None
    subject: ConventionSubject
    by_article: dict[int, list[AmendmentView]] = field(default_factory=dict)
    # The accepted amendments that made each article what it is: its changes, and the insert
    # that created it.
    shaped_by: dict[int, list[AmendmentView]] = field(default_factory=dict)

    @property
    def open_amendments(self) -> list[AmendmentView]:
        return [a for a in self.amendments if a.status is AmendmentStatus.OPEN]

    @property
    def ratification(self) -> RatificationView | None:
        return self.ratifications[0] if self.ratifications else None


async def get_convention(community_id: int, convention_id: int) -> Convention:
    found = await Convention.filter(id=convention_id, community_id=community_id).first()
    if found is None or found.current_version_id is None:
        raise NotFound()
    return found


async def check_part_of(
    community_id: int,
    convention_id: int,
    *,
    amendment_id: int | None = None,
    ratification_id: int | None = None,
) -> None:
    """A forged pairing in a URL (another convention's amendment or vote) is a 404 like a
    missing id."""
    if amendment_id is not None:
        found = await Amendment.exists(
            id=amendment_id, convention_id=convention_id, convention__community_id=community_id
        )
    else:
        found = await Ratification.exists(
            id=ratification_id, convention_id=convention_id, convention__community_id=community_id
        )
    if not found:
        raise NotFound()


@dataclass(frozen=True)
class ConventionOutline:
    """What a page about a convention's text needs around it (a version, two compared):
    without its amendments, their diffs and its votes."""

    id: int
    title: str
    current_number: int
    adopted_number: int | None
    versions: list[tuple[int, datetime]]  # (number, created_at), oldest first


async def convention_outline(community_id: int, convention_id: int) -> ConventionOutline:
    convention = await get_convention(community_id, convention_id)
    rows = await ConventionVersion.filter(convention_id=convention.id).values(
        "id", "number", "created_at"
    )
    number_of_id = {row["id"]: row["number"] for row in rows}
    assert convention.current_version_id is not None
    return ConventionOutline(
        id=convention.id,
        title=convention.title,
        current_number=number_of_id[convention.current_version_id],
        adopted_number=number_of_id.get(convention.adopted_version_id)
        if convention.adopted_version_id
        else None,
        versions=sorted((row["number"], row["created_at"]) for row in rows),
    )


async def convention_page(
    community_id: int, convention_id: int, viewer_id: int | None
) -> ConventionPage:
    convention = await get_convention(community_id, convention_id)
    versions = {v.id: v for v in await ConventionVersion.filter(convention_id=convention.id)}
    assert convention.current_version_id is not None
    current = _text(versions[convention.current_version_id])
    adopted = (
        _text(versions[convention.adopted_version_id]) if convention.adopted_version_id else None
    )
    phase = Phase(convention.status)
    rows = (
        await Amendment.filter(convention_id=convention.id).select_related("author").order_by("id")
    )
    mine = set()
    if viewer_id is not None:
        mine = set(
            await AmendmentSupport.filter(
                user_id=viewer_id, amendment__convention_id=convention.id
            ).values_list("amendment_id", flat=True)
        )
    amendments = [
        AmendmentView(
            id=a.id,
            kind=AmendmentKind(a.kind),
            article_key=a.article_key,
            article_number=number_of(current.articles, a.article_key),
            author=a.author.display_name,
            author_id=a.author_id,
            rationale=a.rationale,
            status=AmendmentStatus(a.status),
            reason=a.reason,
            support_count=a.support_count,
            supported=a.id in mine,
            pieces=diff(a.base_text, a.body),
            result_version=versions[a.result_version_id].number if a.result_version_id else None,
            subject=AmendmentSubject(a.author_id, AmendmentStatus(a.status), phase),
            created_at=a.created_at,
        )
        for a in rows
    ]
    by_article: dict[int, list[AmendmentView]] = {}
    for a in amendments:
        by_article.setdefault(a.article_key, []).append(a)
    shaped_by = _shaped_by(versions.values(), {a.id: a for a in amendments})
    held = await Ratification.filter(convention_id=convention.id).order_by("-id")
    my_votes: dict[int, RatificationVote] = {}
    if viewer_id is not None:
        my_votes = {
            v.ratification_id: v
            for v in await RatificationVote.filter(
                ratification__convention_id=convention.id, voter_id=viewer_id
            )
        }
    ratifications = [
        _ratification_view(r, versions[r.version_id].number, my_votes.get(r.id)) for r in held
    ]
    adopted_by = next(
        (
            r
            for r in ratifications
            if adopted
            and r.outcome
            and r.outcome.status == "adopted"
            and r.version_number == adopted.number
        ),
        None,
    )
    return ConventionPage(
        id=convention.id,
        community_id=community_id,
        title=convention.title,
        phase=phase,
        current=current,
        adopted=adopted,
        versions=sorted((v.number, v.created_at) for v in versions.values()),
        amendments=amendments,
        ratifications=ratifications,
        adopted_by=adopted_by,
        subject=ConventionSubject(phase),
        by_article=by_article,
        shaped_by=shaped_by,
    )


def _shaped_by(
    versions: Iterable[ConventionVersion], amendments: dict[int, AmendmentView]
) -> dict[int, list[AmendmentView]]:
    """Article key → the accepted amendments behind it. An insert names the article it follows,
    not the one it made: a version's new keys go to its inserts in the order they were applied
    (by id, as ``apply_changes`` gives out keys)."""
    shaped: dict[int, list[AmendmentView]] = {}
    keys_before: set[int] = set()
    for version in sorted(versions, key=lambda v: v.number):
        keys = {int(row["key"]) for row in version.articles}
        applied = [amendments[i] for i in sorted(version.amendment_ids) if i in amendments]
        inserts = [a for a in applied if a.kind is AmendmentKind.INSERT]
        for key, amendment in zip(sorted(keys - keys_before), inserts, strict=False):
            shaped.setdefault(key, []).append(amendment)
        for amendment in applied:
            if amendment.kind is AmendmentKind.CHANGE:
                shaped.setdefault(amendment.article_key, []).append(amendment)
        keys_before = keys
    return shaped


def _ratification_view(
    r: Ratification, version_number: int, my: RatificationVote | None
) -> RatificationView:
    tally = outcome = None
    if r.counted_at is not None:
        tally = Tally(r.yes, r.no, r.abstain, r.eligible)
        outcome = decide(RatificationRule(r.quorum_percent, r.majority, r.mode), tally)  # type: ignore[arg-type]
    return RatificationView(
        id=r.id,
        version_number=version_number,
        mode=r.mode,
        quorum_percent=r.quorum_percent,
        majority=r.majority,
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        vote_count=r.vote_count,
        counted=r.counted_at is not None,
        outcome=outcome,
        tally=tally,
        counted_at=r.counted_at,
        my_choice=my.choice if my else None,
        my_channel=my.channel if my else None,
    )


async def version_text(convention_id: int, number: int) -> VersionText:
    found = await ConventionVersion.filter(convention_id=convention_id, number=number).first()
    if found is None:
        raise NotFound()
    return _text(found)


@dataclass(frozen=True)
class ArticleDiff:
    old_number: int | None
    new_number: int | None
    pieces: list[Piece]
    changed: bool


async def compare_versions(
    community_id: int, convention_id: int, old: int, new: int
) -> tuple[VersionText, VersionText, list[ArticleDiff]]:
    """Two versions, article by article (matched by their keys), in the newer one's order
    with deleted articles where they stood."""
    found = {
        v.number: _text(v)
        for v in await ConventionVersion.filter(
            convention_id=convention_id,
            convention__community_id=community_id,
            number__in=[old, new],
        )
    }
    if old not in found or new not in found:
        raise NotFound()
    a, b = found[old], found[new]
    old_by_key = {x.key: (n, x.body) for n, x in enumerate(a.articles, start=1)}
    new_keys = {x.key for x in b.articles}
    rows: list[ArticleDiff] = []
    pending_deleted = [(n, x) for n, x in enumerate(a.articles, start=1) if x.key not in new_keys]
    for number, article in enumerate(b.articles, start=1):
        before = old_by_key.get(article.key)
        while pending_deleted and before and pending_deleted[0][0] < before[0]:
            n, gone = pending_deleted.pop(0)
            rows.append(ArticleDiff(n, None, diff(gone.body, ""), True))
        pieces = diff(before[1] if before else "", article.body)
        rows.append(
            ArticleDiff(
                before[0] if before else None,
                number,
                pieces,
                before is None or before[1] != article.body,
            )
        )
    for n, gone in pending_deleted:
        rows.append(ArticleDiff(n, None, diff(gone.body, ""), True))
    return a, b, rows


async def open_data(community_id: int, convention_id: int, slug: str) -> dict[str, Any]:
    """The convention as open data: every version so far, every vote with its result once
    counted, and the amendments. Names only of those who published under them (amendment
    authors); no voter, no household."""
    page = await convention_page(community_id, convention_id, None)
    every = [
        _text(v)
        for v in await ConventionVersion.filter(convention_id=convention_id).order_by("number")
    ]

    def version(v: VersionText) -> dict[str, Any]:
        return {
            "number": v.number,
            "created_at": v.created_at.isoformat(),
            "preamble": v.preamble,
            "articles": [
                {"number": n, "key": x.key, "text": x.body}
                for n, x in enumerate(v.articles, start=1)
            ],
            "amendments_applied": v.amendment_ids,
        }

    return {
        "community": slug,
        "id": page.id,
        "title": page.title,
        "status": page.phase.value,
        "adopted_version": page.adopted.number if page.adopted else None,
        "current_version": page.current.number,
        "versions": [version(v) for v in every],
        "ratifications": [
            {
                "version": r.version_number,
                "mode": r.mode,
                "quorum_percent": r.quorum_percent,
                "majority": r.majority,
                "opens_at": r.opens_at.isoformat(),
                "closes_at": r.closes_at.isoformat(),
                "result": None
                if r.tally is None or r.outcome is None
                else {
                    "outcome": r.outcome.status,
                    "yes": r.tally.yes,
                    "no": r.tally.no,
                    "abstain": r.tally.abstain,
                    "eligible": r.tally.eligible,
                    "counted_at": r.counted_at.isoformat() if r.counted_at else None,
                },
            }
            for r in page.ratifications
        ],
        "amendments": [
            {
                "number": a.id,
                "kind": a.kind.value,
                "article_key": a.article_key,
                "author": a.author,
                "status": a.status.value,
                "reason": a.reason,
                "supports": a.support_count,
                "version": a.result_version,
            }
            for a in page.amendments
        ],
    }
