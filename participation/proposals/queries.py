"""Read models for proposal pages: the filtered list and one proposal with its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q, RawSQL

from participation.errors import NotFound
from participation.media.models import Photo, ProposalPhoto
from participation.permissions import Actor
from participation.proposals import rules
from participation.proposals.models import Proposal, ProposalEvent, Support
from participation.proposals.rules import Status

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
class PhotoView:
    key: str
    alt_text: str
    width: int
    height: int


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


def normalise_filters(
    *, category: str, status: str, query: str, sort: str, page: str
) -> ListFilters:
    """Unknown values fall back to defaults rather than erroring: these come from URLs."""
    return ListFilters(
        category=category if category in rules.DEFAULT_CATEGORIES else "",
        status=status if status in {s.value for s in rules.PUBLIC} else "",
        query=" ".join(query.split())[:80],
        sort=sort if sort in SORTS else "newest",
        page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
    )


def shuffle_key(visitor_seed: int) -> tuple[int, int]:
    """Per-visitor coefficients for a stable random order."""
    a = visitor_seed % (_SHUFFLE_PRIME - 2) + 1
    b = (visitor_seed // _SHUFFLE_PRIME) % _SHUFFLE_PRIME
    return a, b


async def list_proposals(
    community_id: int, filters: ListFilters, *, visitor_seed: int = 0
) -> ProposalPage:
    query = Proposal.filter(community_id=community_id)
    if filters.status:
        query = query.filter(status=filters.status)
    else:
        query = query.filter(
            status__in=[s.value for s in rules.PUBLIC if s is not Status.WITHDRAWN]
        )
    if filters.category:
        query = query.filter(category=filters.category)
    if filters.query:
        query = query.filter(Q(title__icontains=filters.query) | Q(body__icontains=filters.query))
    if filters.sort == "supported":
        query = query.order_by("-support_count", "-id")
    elif filters.sort == "random":
        a, b = shuffle_key(visitor_seed)
        query = query.annotate(
            shuffle=RawSQL(f"((CAST(id AS BIGINT) * {a} + {b}) % {_SHUFFLE_PRIME})")
        ).order_by("shuffle", "id")
    else:
        query = query.order_by("-created_at", "-id")
    offset = (filters.page - 1) * PAGE_SIZE
    rows = (
        await query.offset(offset)
        .limit(PAGE_SIZE + 1)
        .only(
            "id", "title", "body", "category", "status", "cost_yuan", "support_count", "created_at"
        )
    )
    thumbnails = await _first_photos([p.id for p in rows[:PAGE_SIZE]])
    items = [_card(p, thumbnails.get(p.id)) for p in rows[:PAGE_SIZE]]
    return ProposalPage(
        items=items, page=filters.page, has_next=len(rows) > PAGE_SIZE, filters=filters
    )


async def _first_photos(proposal_ids: list[int]) -> dict[int, PhotoView]:
    """The first photo of each proposal on the page, in one query."""
    if not proposal_ids:
        return {}
    rows = (
        await ProposalPhoto.filter(proposal_id__in=proposal_ids)
        .order_by("proposal_id", "position", "id")
        .values_list(
            "proposal_id", "photo__storage_key", "photo__alt_text", "photo__width", "photo__height"
        )
    )
    first: dict[int, PhotoView] = {}
    for proposal_id, key, alt, width, height in rows:
        first.setdefault(proposal_id, PhotoView(key, alt, width, height))
    return first


def _photo_view(photo: Photo) -> PhotoView:
    return PhotoView(photo.storage_key, photo.alt_text, photo.width, photo.height)


async def list_photos(proposal_id: int) -> list[PhotoView]:
    links = (
        await ProposalPhoto.filter(proposal_id=proposal_id)
        .select_related("photo")
        .order_by("position", "id")
    )
    return [_photo_view(link.photo) for link in links]


def _card(p: Proposal, thumbnail: PhotoView | None) -> ProposalCard:
    return ProposalCard(
        id=p.id,
        title=p.title,
        summary=_summary(p.body),
        category=p.category,
        status=p.status,
        cost_yuan=p.cost_yuan,
        support_count=p.support_count,
        created_at=p.created_at,
        thumbnail=thumbnail,
    )


def _summary(body: str, limit: int = 140) -> str:
    first = body.split("\n\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


@dataclass(frozen=True)
class ProposalDetail:
    proposal: Proposal
    events: list[ProposalEvent]
    supported_by_me: bool
    is_author: bool
    history_names: dict[int, str] = field(default_factory=dict)


async def get_proposal(actor: Actor, community_id: int, proposal_id: int) -> ProposalDetail:
    """One proposal; a draft of someone else, or another community's, is simply not found."""
    proposal = (
        await Proposal.filter(id=proposal_id, community_id=community_id)
        .select_related("author")
        .first()
    )
    if proposal is None:
        raise NotFound()
    is_author = actor.user_id is not None and proposal.author_id == actor.user_id
    if not rules.is_visible(Status(proposal.status), is_author=is_author):
        raise NotFound()
    events = (
        await ProposalEvent.filter(proposal_id=proposal.id).select_related("actor").order_by("id")
    )
    supported = actor.user_id is not None and await Support.exists(
        proposal_id=proposal.id, user_id=actor.user_id
    )
    return ProposalDetail(
        proposal=proposal, events=events, supported_by_me=supported, is_author=is_author
    )


async def list_review_queue(community_id: int, support_threshold: int) -> list[ProposalCard]:
    """Submitted proposals that have gathered the community's threshold of supports."""
    rows = await Proposal.filter(
        community_id=community_id,
        status=Status.SUBMITTED.value,
        support_count__gte=support_threshold,
    ).order_by("submitted_at", "id")
    return [_card(p, None) for p in rows]
