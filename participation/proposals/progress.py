"""Progress updates (进展更新) on selected projects: the team posts them directly; other
residents' updates wait for the committee before they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor, can, require
from participation.core.text import clean_multiline
from participation.media.queries import variant_names
from participation.media.services import accept_photo
from participation.media.storage import Storage
from participation.moderation.queries import hidden_ids
from participation.moderation.rules import ItemSubject
from participation.proposals import rules
from participation.proposals.models import ProgressPhoto, ProgressUpdate
from participation.proposals.queries import proposal_subject, visible_proposal
from participation.proposals.rules import Status

UPDATE_MAX = 5000


PHOTO_ROLES = ("", "before", "after")


async def post_update(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    body: str,
    *,
    now: datetime,
    photo: bytes | None = None,
    alt_text: str = "",
    photo_role: str = "",
    storage: Storage | None = None,
) -> ProgressUpdate:
    """A progress update, optionally with one photo marked "before" or "after"."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    if Status(proposal.status) not in rules.UPDATABLE:
        raise Invalid(N_("Progress can be posted once a project is selected."))
    standing = await get_standing(actor.user_id, community_id)
    subject = await proposal_subject(proposal)
    if can("proposals.track", actor, standing, subject):
        status = "published"
    elif can("proposals.post_update", actor, standing, subject):
        status = "pending"
    else:
        raise NotAllowed()
    text = clean_multiline(body, max_length=UPDATE_MAX)
    if text is None:
        raise Invalid(N_("Please describe the progress (at most 5,000 characters)."), field="body")
    if photo_role not in PHOTO_ROLES:
        raise Invalid(N_("Please choose before, after or neither."), field="photo_role")
    stored = None
    if photo is not None:
        assert storage is not None
        stored = await accept_photo(actor, community_id, photo, alt_text, storage, now=now)
    async with transaction() as conn:
        update = await ProgressUpdate.create(
            proposal_id=proposal.id,
            author_id=actor.user_id,
            body=text,
            status=status,
            created_at=now,
            using_db=conn,
        )
        if stored is not None:
            await ProgressPhoto.create(
                update_id=update.id, photo_id=stored.id, role=photo_role, using_db=conn
            )
    return update


async def decide_update(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    update_id: int,
    *,
    approve: bool,
    now: datetime,
) -> ProgressUpdate:
    require("proposals.review", actor, await get_standing(actor.user_id, community_id))
    proposal = await visible_proposal(actor, community_id, proposal_id)
    async with transaction() as conn:
        update = (
            await ProgressUpdate.filter(id=update_id, proposal_id=proposal.id)
            .using_db(conn)
            .first()
        )
        if update is None:
            raise NotFound()
        status = "published" if approve else "rejected"
        decided = (
            await ProgressUpdate.filter(id=update_id, status="pending")
            .using_db(conn)
            .update(status=status, decided_by_id=actor.user_id)
        )
        if not decided:
            raise Conflict(N_("This update was already decided."))
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="proposals.decide_update",
            target=f"progress_update:{update_id}",
            at=now,
            before={"status": "pending"},
            after={"status": status},
        )
    update.status = status
    return update


@dataclass(frozen=True)
class UpdatePhoto:
    key: str
    alt_text: str
    role: str
    variants: tuple[str, ...] = ("original",)

    def pick(self, wanted: str) -> str:
        return wanted if wanted in self.variants else "original"


@dataclass(frozen=True)
class UpdateView:
    id: int
    author_id: int
    author: str
    body: str
    status: str
    created_at: datetime
    photos: list[UpdatePhoto]
    hidden: bool  # by moderation: a placeholder for all but its author and the committee

    @property
    def subject(self) -> ItemSubject:
        return ItemSubject(self.author_id, escalated=False)


async def list_updates(proposal_id: int, *, include_pending: bool) -> list[UpdateView]:
    statuses = ["published", "pending"] if include_pending else ["published"]
    rows = (
        await ProgressUpdate.filter(proposal_id=proposal_id, status__in=statuses)
        .select_related("author")
        .order_by("created_at", "id")
    )
    photos: dict[int, list[UpdatePhoto]] = {}
    if rows:
        links = (
            await ProgressPhoto.filter(update_id__in=[u.id for u in rows])
            .order_by("update_id", "position", "id")
            .values_list(
                "update_id", "photo__storage_key", "photo__alt_text", "role", "photo__variants"
            )
        )
        for update_id, key, alt, role, variants in links:
            photos.setdefault(update_id, []).append(
                UpdatePhoto(key, alt, role, variant_names(variants))
            )
    hidden = await hidden_ids("progress_update", [u.id for u in rows])
    return [
        UpdateView(
            u.id,
            u.author_id,
            u.author.display_name,
            u.body,
            u.status,
            u.created_at,
            photos.get(u.id, []),
            hidden=u.id in hidden,
        )
        for u in rows
    ]
