"""Read models for proposal pages: the filtered list and one proposal with its history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from participation.core.db import as_datetime, contains_pattern, fetch_all, is_postgres
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, can, require
from participation.core.text import parse_whole_number
from participation.media.queries import PhotoView, photo_view, variant_names
from participation.moderation.personal_data import mask
from participation.moderation.queries import hidden_ids, hidden_items, not_hidden_sql
from participation.moderation.rules import ItemSubject
from participation.proposals import rules
from participation.proposals.models import (
    Proposal,
    ProposalCoAuthor,
    ProposalEvent,
    ProposalPhoto,
    Support,
)
from participation.proposals.rules import ProposalSubject, Status

PAGE_SIZE = 20
SORTS = ("newest", "supported", "random")
# A large prime keeps (id * a + b) mod P a good shuffle for any id we will ever have.
_SHUFFLE_PRIME = 2_147_483_647


@dataclass(frozen=True)
class ListFilters:
    category: str = ""
    status: str = ""
    query: str = ""
    sort: str = "newest"
    page: int = 1


@dataclass(frozen=True)
class ProposalCard:
    id: int
    title: str
    summary: str
    category: str
    status: str
    cost_yuan: int
    support_count: int
    created_at: datetime
    thumbnail: PhotoView | None = None


@dataclass(frozen=True)
class ProposalPage:
    items: list[ProposalCard]
    page: int
    has_next: bool
    filters: ListFilters
    total: int = 0


def _page_number(text: str) -> int:
    number = parse_whole_number(text, max_digits=4)
    return number if number else 1


def normalise_filters(
    *, category: str, status: str, query: str, sort: str, page: str, categories: Collection[str]
) -> ListFilters:
    """Unknown values fall back to defaults rather than erroring: these come from URLs.

    ``categories`` are the keys one may filter by.
    """
    return ListFilters(
        category=category if category in categories else "",
        status=status if status in {s.value for s in rules.PUBLIC} else "",
        query=" ".join(query.split())[:80],
        sort=sort if sort in SORTS else "newest",
        page=_page_number(page),
    )


def shuffle_key(visitor_seed: int) -> tuple[int, int]:
    """Per-visitor coefficients for a stable random order."""
    a = visitor_seed % (_SHUFFLE_PRIME - 2) + 1
    b = (visitor_seed // _SHUFFLE_PRIME) % _SHUFFLE_PRIME
    return a, b


async def list_proposals(
    community_id: int, filters: ListFilters, *, visitor_seed: int = 0
) -> ProposalPage:
    """One page of public proposals. Plain SQL: this is the busiest page of the site."""
    statuses = [filters.status] if filters.status else [s.value for s in LISTED]
    where = [f"community_id = ? AND status IN ({', '.join('?' * len(statuses))})"]
    params: list[Any] = [community_id, *statuses]
    hidden_clause, hidden_params = not_hidden_sql("proposal", "proposal.id")
    where.append(hidden_clause)
    params += hidden_params
    if filters.category:
        where.append("category = ?")
        params.append(filters.category)
    if filters.query:
        like = "ILIKE" if is_postgres() else "LIKE"
        pattern = contains_pattern(filters.query)
        if is_postgres():
            # Served by the index of migration 0004; ILIKE below checks the real substring.
            where.append(f"{SEARCH_GRAMS_SQL} @> CAST(? AS text[])")
            params.append(search_grams(filters.query))
        where.append(f"(title {like} ? ESCAPE '\\' OR body {like} ? ESCAPE '\\')")
        params += [pattern, pattern]
    if filters.sort == "supported":
        order = "support_count DESC, id DESC"
    elif filters.sort == "random":
        a, b = shuffle_key(visitor_seed)
        order = f"(CAST(id AS BIGINT) * {a} + {b}) % {_SHUFFLE_PRIME}, id"
    else:
        order = "created_at DESC, id DESC"
    # Only placeholders and whitelisted clauses are formatted in; every value is a parameter.
    rows = await fetch_all(
        "SELECT id, title, body, category, status, cost_yuan, support_count, created_at "  # noqa: S608
        f"FROM proposal WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE + 1, (filters.page - 1) * PAGE_SIZE],
    )
    shown = rows[:PAGE_SIZE]
    thumbnails = await _first_photos([row["id"] for row in shown])
    items = [
        ProposalCard(
            id=row["id"],
            title=row["title"],
            summary=summary_of(row["body"]),
            category=row["category"],
            status=row["status"],
            cost_yuan=row["cost_yuan"],
            support_count=row["support_count"],
            created_at=as_datetime(row["created_at"]),
            thumbnail=thumbnails.get(row["id"]),
        )
        for row in shown
    ]
    return ProposalPage(
        items=items, page=filters.page, has_next=len(rows) > PAGE_SIZE, filters=filters
    )


# Public proposals that the list shows (withdrawn ones only appear when asked for by status).
LISTED = tuple(s for s in Status if s in rules.PUBLIC and s is not Status.WITHDRAWN)


# The indexed expression on PostgreSQL (migrations/0004_proposal_search_index.py).
SEARCH_GRAMS_SQL = "huakai_search_grams(title || E'\\n' || body)"


def search_grams(query: str) -> list[str]:
    """What a proposal's indexed characters and pairs must include for ``query`` to be in it:
    the query's consecutive pairs of characters, or its one character."""
    text = query.lower()
    if len(text) < 2:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


async def _first_photos(proposal_ids: list[int]) -> dict[int, PhotoView]:
    """The first photo of each proposal on the page (that moderation does not hide), in one
    query."""
    if not proposal_ids:
        return {}
    shown, shown_params = not_hidden_sql("photo", "ph.id")
    rows = await fetch_all(
        "SELECT pp.proposal_id, ph.storage_key, ph.alt_text, ph.width, ph.height, ph.variants "  # noqa: S608
        "FROM proposal_photo pp JOIN photo ph ON ph.id = pp.photo_id "
        f"WHERE pp.proposal_id IN ({', '.join('?' * len(proposal_ids))}) AND {shown} "
        "ORDER BY pp.proposal_id, pp.position, pp.id",
        [*proposal_ids, *shown_params],
    )
    first: dict[int, PhotoView] = {}
    for row in rows:
        first.setdefault(
            row["proposal_id"],
            PhotoView(
                row["storage_key"],
                row["alt_text"],
                row["width"],
                row["height"],
                variant_names(row["variants"]),
            ),
        )
    return first


@dataclass(frozen=True)
class ProposalPhotoView:
    id: int  # the photo's, as moderation knows it
    photo: PhotoView
    hidden: bool  # by moderation: a placeholder for all but its owner and the committee
    subject: ItemSubject


def public_proposals(community_id: int) -> QuerySet[Proposal]:
    """The community's listed proposals, without what moderation hides (feeds, open data)."""
    return Proposal.filter(community_id=community_id, status__in=[s.value for s in LISTED]).exclude(
        id__in=hidden_items("proposal")
    )


async def list_photos(proposal_id: int) -> list[ProposalPhotoView]:
    links = (
        await ProposalPhoto.filter(proposal_id=proposal_id)
        .select_related("photo")
        .order_by("position", "id")
    )
    hidden = await hidden_ids("photo", [link.photo_id for link in links])
    return [
        ProposalPhotoView(
            link.photo_id,
            photo_view(link.photo),
            link.photo_id in hidden,
            ItemSubject(link.photo.owner_id, escalated=False),
        )
        for link in links
    ]


def _card(p: Proposal, thumbnail: PhotoView | None) -> ProposalCard:
    return ProposalCard(
        id=p.id,
        title=p.title,
        summary=summary_of(p.body),
        category=p.category,
        status=p.status,
        cost_yuan=p.cost_yuan,
        support_count=p.support_count,
        created_at=p.created_at,
        thumbnail=thumbnail,
    )


def summary_of(body: str, limit: int = 140) -> str:
    """The first paragraph, its personal information masked, cut to ``limit``. Masked before
    it is cut, so that a number cut in half is still found; twice the limit is enough (a
    masked number is never less than half as long as it was written)."""
    first = mask(body.split("\n\n", 1)[0][: 2 * limit])
    return first if len(first) <= limit else first[: limit - 1] + "…"


@dataclass(frozen=True)
class ProposalDetail:
    proposal: Proposal
    subject: ProposalSubject  # what the proposal's rules are asked about
    events: list[ProposalEvent]
    supported_by_me: bool
    history_names: dict[int, str] = field(default_factory=dict)


async def proposal_subject(proposal: Proposal) -> ProposalSubject:
    """The proposal as its rules see it, accepted co-authors included."""
    co_authors = await ProposalCoAuthor.filter(
        proposal_id=proposal.id, accepted_at__isnull=False
    ).values_list("user_id", flat=True)
    return ProposalSubject(
        author_id=proposal.author_id,
        status=Status(proposal.status),
        co_author_ids=frozenset(cast(list[int], co_authors)),
    )


async def get_proposal(actor: Actor, community_id: int, proposal_id: int) -> ProposalDetail:
    """One proposal; a draft of someone else, or another community's, is simply not found."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    await proposal.fetch_related("author")
    events = (
        await ProposalEvent.filter(proposal_id=proposal.id).select_related("actor").order_by("id")
    )
    supported = actor.user_id is not None and await Support.exists(
        proposal_id=proposal.id, user_id=actor.user_id
    )
    return ProposalDetail(
        proposal=proposal,
        subject=await proposal_subject(proposal),
        events=events,
        supported_by_me=supported,
    )


async def list_review_queue(community_id: int, support_threshold: int) -> list[ProposalCard]:
    """Submitted proposals that have gathered the community's threshold of supports."""
    rows = await Proposal.filter(
        community_id=community_id,
        status=Status.SUBMITTED.value,
        support_count__gte=support_threshold,
    ).order_by("submitted_at", "id")
    return [_card(p, None) for p in rows]


async def visible_proposal(
    actor: Actor, community_id: int, proposal_id: int, conn: BaseDBAsyncClient | None = None
) -> Proposal:
    """The proposal, if it belongs to this community and the actor may see it. Someone else's
    draft is not found, exactly like a missing id, whatever the actor then tries to do."""
    query = Proposal.filter(id=proposal_id, community_id=community_id)
    if conn is not None:
        query = query.using_db(conn)
    proposal = await query.first()
    if proposal is None or not can(
        "proposals.see",
        actor,
        NO_STANDING,
        ProposalSubject(author_id=proposal.author_id, status=Status(proposal.status)),
    ):
        raise NotFound()
    return proposal


async def proposal_to_edit(actor: Actor, community_id: int, proposal_id: int) -> Proposal:
    """The proposal, if the actor may change it (``proposals.edit``: its author)."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    require("proposals.edit", actor, NO_STANDING, await proposal_subject(proposal))
    return proposal


async def community_slugs(ids: set[int]) -> dict[int, str]:
    """The community slug of each of these proposals (for notices' links)."""
    rows = await Proposal.filter(id__in=ids).values("id", "community__slug")
    return {row["id"]: row["community__slug"] for row in rows}


@dataclass(frozen=True)
class AcceptedProposal:
    """A proposal accepted for the ballot, as a vote being prepared lists it."""

    id: int
    title: str
    cost_yuan: int  # the committee's estimate where it made one
    author_cost_yuan: int


async def list_accepted(community_id: int) -> list[AcceptedProposal]:
    rows = await Proposal.filter(community_id=community_id, status=Status.ACCEPTED.value).order_by(
        "id"
    )
    return [
        AcceptedProposal(
            id=p.id,
            title=p.title,
            cost_yuan=p.committee_cost_yuan if p.committee_cost_yuan is not None else p.cost_yuan,
            author_cost_yuan=p.cost_yuan,
        )
        for p in rows
    ]


async def accepted_costs(community_id: int, proposal_ids: Collection[int]) -> dict[int, int]:
    """The ballot cost of each of these proposals that this community accepted for the ballot
    (the committee's estimate where it made one)."""
    rows = await Proposal.filter(
        id__in=list(proposal_ids), community_id=community_id, status=Status.ACCEPTED.value
    ).values_list("id", "cost_yuan", "committee_cost_yuan")
    return {pid: committee if committee is not None else cost for pid, cost, committee in rows}


async def proposal_titles(proposal_ids: Collection[int]) -> dict[int, str]:
    rows = await Proposal.filter(id__in=list(proposal_ids)).values_list("id", "title")
    return dict(rows)


@dataclass(frozen=True)
class ProjectPlace:
    """Where a completed project is: what its plots are made with."""

    location: str
    latitude: float | None
    longitude: float | None


async def completed_project_place(community_id: int, proposal_id: int) -> ProjectPlace:
    proposal = await Proposal.get_or_none(id=proposal_id, community_id=community_id)
    if proposal is None:
        raise NotFound()
    if proposal.status != Status.COMPLETED.value:
        raise Invalid(N_("Plots can be made from a project once it is completed."))
    return ProjectPlace(proposal.location, proposal.latitude, proposal.longitude)
