"""Micro-project use cases: draft, edit, submit, review, support, withdraw.

Each takes the acting user and ``now``; permission checks are named rules; every change of
status writes a ProposalEvent in the same transaction, and committee decisions an audit row.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

import participation.proposals.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import community_by_id, get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotAllowed
from participation.core.geo import parse_coordinates
from participation.core.permissions import Actor, require
from participation.core.text import clean_line, clean_multiline, parse_whole_number
from participation.media.services import accept_photo
from participation.media.storage import Storage
from participation.moderation.queries import require_not_suspended
from participation.notifications.services import notify
from participation.proposals import categories, rules
from participation.proposals.models import Proposal, ProposalEvent, ProposalPhoto, Support
from participation.proposals.queries import proposal_to_edit, visible_proposal
from participation.proposals.rules import Status

REASON_MAX = 1000


async def _offered_keys(community_id: int) -> set[str]:
    community = await community_by_id(community_id)
    return {
        c.key for c in categories.offered(community.hidden_categories, community.custom_categories)
    }


@dataclass(frozen=True)
class ProposalInput:
    title: str
    body: str
    category: str
    cost_yuan: str
    location: str = ""
    latitude: str = ""
    longitude: str = ""


@dataclass(frozen=True)
class CleanProposal:
    title: str
    body: str
    category: str
    cost_yuan: int
    location: str
    latitude: float | None
    longitude: float | None


def parse_cost(text: str, *, field: str) -> int:
    """Whole yuan, with or without thousands separators (ASCII or full-width)."""
    cost = parse_whole_number(text.replace(",", "").replace("，", ""), max_digits=9)
    if cost is None or cost > rules.COST_MAX_YUAN:
        raise Invalid(N_("Please enter the estimated cost in whole yuan."), field=field)
    return cost


def clean_proposal(data: ProposalInput, categories: Collection[str]) -> CleanProposal:
    """Validate what a resident typed; raise Invalid naming the first wrong field.

    ``categories`` are the keys the resident may choose from.
    """
    title = clean_line(data.title, max_length=rules.TITLE_MAX)
    if title is None:
        raise Invalid(
            N_("Please give the project a title of at most 120 characters."), field="title"
        )
    body = clean_multiline(data.body, max_length=rules.BODY_MAX)
    if body is None:
        raise Invalid(N_("Please describe the project (at most 10,000 characters)."), field="body")
    if data.category not in categories:
        raise Invalid(N_("Please choose a category from the list."), field="category")
    cost = parse_cost(data.cost_yuan, field="cost_yuan")
    location = clean_line(data.location, max_length=rules.LOCATION_MAX, allow_empty=True)
    if location is None:
        raise Invalid(N_("Please keep the location under 200 characters."), field="location")
    latitude, longitude = parse_coordinates(data.latitude, data.longitude)
    return CleanProposal(title, body, data.category, cost, location, latitude, longitude)


async def _move(
    conn: BaseDBAsyncClient,
    proposal: Proposal,
    target: Status,
    actor: Actor,
    reason: str,
    now: datetime,
) -> None:
    """Change status only if nobody else changed it meanwhile; record the event."""
    moved = (
        await Proposal.filter(id=proposal.id, status=proposal.status)
        .using_db(conn)
        .update(
            status=target.value,
            updated_at=now,
            **({"submitted_at": now} if target is Status.SUBMITTED else {}),
        )
    )
    if not moved:
        raise Conflict()
    await ProposalEvent.create(
        proposal_id=proposal.id,
        actor_id=actor.user_id,
        from_status=proposal.status,
        to_status=target.value,
        reason=reason,
        at=now,
        using_db=conn,
    )
    proposal.status = target.value


async def create_proposal(
    actor: Actor,
    community_id: int,
    data: ProposalInput,
    *,
    now: datetime,
) -> Proposal:
    """A new draft, visible only to its author until submitted."""
    require("proposals.propose", actor, await get_standing(actor.user_id, community_id))
    await require_not_suspended(actor.user_id, community_id, now)
    clean = clean_proposal(data, await _offered_keys(community_id))
    async with transaction() as conn:
        proposal = await Proposal.create(
            community_id=community_id,
            author_id=actor.user_id,
            **asdict(clean),
            status=Status.DRAFT.value,
            created_at=now,
            updated_at=now,
            using_db=conn,
        )
        await ProposalEvent.create(
            proposal_id=proposal.id,
            actor_id=actor.user_id,
            from_status="",
            to_status=Status.DRAFT.value,
            at=now,
            using_db=conn,
        )
    return proposal


async def edit_proposal(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    data: ProposalInput,
    *,
    now: datetime,
) -> Proposal:
    proposal = await proposal_to_edit(actor, community_id, proposal_id)
    if Status(proposal.status) not in rules.EDITABLE:
        raise Invalid(N_("This proposal can no longer be edited."))
    # A category the committee no longer offers may be kept, not chosen anew.
    clean = clean_proposal(data, await _offered_keys(community_id) | {proposal.category})
    updated = await Proposal.filter(id=proposal.id, status=proposal.status).update(
        **asdict(clean), updated_at=now
    )
    if not updated:
        raise Conflict()
    return await visible_proposal(actor, community_id, proposal_id)


async def move_as_author(
    actor: Actor, community_id: int, proposal_id: int, target: Status, *, now: datetime
) -> Proposal:
    """Submit (needs verified residency) or withdraw one's own proposal."""
    proposal = await proposal_to_edit(actor, community_id, proposal_id)
    if not rules.author_may_move(Status(proposal.status), target):
        raise Invalid(N_("This step is not possible now."))
    if target is Status.SUBMITTED:
        require(
            "proposals.propose", actor, await get_standing(actor.user_id, proposal.community_id)
        )
    async with transaction() as conn:
        await _move(conn, proposal, target, actor, "", now)
    return proposal


async def review(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    target: Status,
    *,
    reason: str,
    now: datetime,
    feasibility_note: str | None = None,
    committee_cost_yuan: int | None = None,
) -> Proposal:
    """The committee's decision; the author is notified, the decision audited."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    require("proposals.review", actor, await get_standing(actor.user_id, proposal.community_id))
    if not rules.committee_may_move(Status(proposal.status), target):
        raise Invalid(N_("This step is not possible now."))
    reason = reason.strip()
    if target in rules.REASON_REQUIRED and not reason:
        raise Invalid(N_("Please give a reason; residents will read it."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(
            N_("Please keep the reason under %(max)s characters."), field="reason", max=REASON_MAX
        )
    before = proposal.status
    async with transaction() as conn:
        await _move(conn, proposal, target, actor, reason, now)
        extra: dict[str, object] = {}
        if feasibility_note is not None:
            extra["feasibility_note"] = feasibility_note.strip()[:REASON_MAX]
        if committee_cost_yuan is not None:
            extra["committee_cost_yuan"] = committee_cost_yuan
        if extra:
            await Proposal.filter(id=proposal.id).using_db(conn).update(**extra)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=proposal.community_id,
            action="proposals.review",
            target=f"proposal:{proposal.id}",
            at=now,
            before={"status": before},
            after={"status": target.value, "reason": reason, **{k: v for k, v in extra.items()}},
        )
        await notify(
            conn,
            proposal.author_id,
            "proposal.status",
            now=now,
            proposal=proposal.id,
            status=target.value,
            reason=reason,
        )
    return proposal


async def support(actor: Actor, community_id: int, proposal_id: int, *, now: datetime) -> int:
    """Add the actor's support; a repeat is harmless. Returns the new count."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    require("proposals.support", actor, await get_standing(actor.user_id, proposal.community_id))
    if Status(proposal.status) not in rules.SUPPORTABLE:
        raise Invalid(N_("This proposal cannot be supported now."))
    try:
        async with transaction() as conn:
            await Support.create(
                proposal_id=proposal.id, user_id=actor.user_id, created_at=now, using_db=conn
            )
            await (
                Proposal.filter(id=proposal.id)
                .using_db(conn)
                .update(support_count=F("support_count") + 1)
            )
    except IntegrityError:
        pass  # the first of parallel identical requests won; the result is the same
    return await _support_count(proposal.id)


async def withdraw_support(
    actor: Actor, community_id: int, proposal_id: int, *, now: datetime
) -> int:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    if actor.user_id is None:
        raise NotAllowed()
    async with transaction() as conn:
        removed = (
            await Support.filter(proposal_id=proposal.id, user_id=actor.user_id)
            .using_db(conn)
            .delete()
        )
        if removed:
            await (
                Proposal.filter(id=proposal.id)
                .using_db(conn)
                .update(support_count=F("support_count") - removed)
            )
    return await _support_count(proposal.id)


async def _support_count(proposal_id: int) -> int:
    proposal = await Proposal.filter(id=proposal_id).only("id", "support_count").get()
    return proposal.support_count


MAX_PHOTOS = 6


async def attach_photo(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    data: bytes,
    alt_text: str,
    storage: Storage,
    *,
    now: datetime,
) -> ProposalPhoto:
    """Add a photo to one's own proposal while it can still be edited (at most six)."""
    proposal = await proposal_to_edit(actor, community_id, proposal_id)
    if Status(proposal.status) not in rules.EDITABLE:
        raise Invalid(N_("This proposal can no longer be edited."))
    if await ProposalPhoto.filter(proposal_id=proposal.id).count() >= MAX_PHOTOS:
        raise Invalid(N_("A proposal can have at most 6 photos."), field="photo")
    photo = await accept_photo(actor, community_id, data, alt_text, storage, now=now)
    count = await ProposalPhoto.filter(proposal_id=proposal.id).count()
    return await ProposalPhoto.create(proposal_id=proposal.id, photo_id=photo.id, position=count)


async def select_funded(
    conn: BaseDBAsyncClient,
    proposal_ids: Collection[int],
    *,
    actor_id: int | None,
    reason: str,
    now: datetime,
) -> list[tuple[int, int]]:
    """The vote funded these: accepted proposals become selected, in the vote's transaction
    (``conn``), each move in their history. Returns (proposal id, author id) of those moved."""
    moved_ones = []
    for proposal in await Proposal.filter(id__in=list(proposal_ids)).using_db(conn):
        moved = (
            await Proposal.filter(id=proposal.id, status=Status.ACCEPTED.value)
            .using_db(conn)
            .update(status=Status.SELECTED.value, updated_at=now)
        )
        if moved:
            await ProposalEvent.create(
                proposal_id=proposal.id,
                actor_id=actor_id,
                from_status=Status.ACCEPTED.value,
                to_status=Status.SELECTED.value,
                reason=reason,
                at=now,
                using_db=conn,
            )
            moved_ones.append((proposal.id, proposal.author_id))
    return moved_ones
