"""Appeals: the author of hidden or redacted content, or a suspended member, appeals once
(UNIQUE per action) with their reasons; someone other than the one who acted decides (four
eyes), the platform admin where no one else on the committee can; the outcome and a short
public reason join the log, and a reversed decision is undone."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

import participation.moderation.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import committee_ids, get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, require
from participation.core.text import clean_multiline
from participation.moderation.kinds import KINDS
from participation.moderation.models import Appeal, ModeratedItem, ModerationEntry, Suspension
from participation.moderation.rules import APPEALABLE, NOTE_MAX, EntrySubject
from participation.moderation.services.common import log
from participation.notifications.services import notify


def entry_subject(entry: ModerationEntry, *, escalated: bool) -> EntrySubject:
    return EntrySubject(
        subject_id=entry.subject_id,
        actor_id=entry.actor_id,
        escalated=escalated,
        appealable=entry.action in APPEALABLE,
    )


async def appealable(
    actor: Actor, community_id: int, entry_id: int
) -> tuple[ModerationEntry, ModeratedItem | None]:
    """The action, if the actor may appeal against it (its content's author, or the member
    it suspended)."""
    entry = await ModerationEntry.filter(id=entry_id, community_id=community_id).first()
    if entry is None:
        raise NotFound()
    item = await ModeratedItem.get_or_none(id=entry.item_id) if entry.item_id else None
    require(
        "moderation.appeal",
        actor,
        NO_STANDING,
        entry_subject(entry, escalated=bool(item and item.escalated)),
    )
    return entry, item


async def appeal(
    actor: Actor, community_id: int, entry_id: int, text: str, *, now: datetime
) -> Appeal:
    entry, item = await appealable(actor, community_id, entry_id)
    if not text.strip():
        raise Invalid(N_("Please say why the decision should change."), field="text")
    reasons = clean_multiline(text, max_length=NOTE_MAX)
    if reasons is None:
        raise Invalid(N_("Please give your reasons in at most 1,000 characters."), field="text")
    deciders = [
        i for i in await committee_ids(community_id) if i not in (entry.actor_id, actor.user_id)
    ]
    escalated = bool(item and item.escalated) or not deciders
    try:
        async with transaction() as conn:
            made = await Appeal.create(
                entry_id=entry.id,
                author_id=actor.user_id,
                text=reasons,
                escalated=escalated,
                created_at=now,
                using_db=conn,
            )
            for user_id in [] if escalated else deciders:
                await notify(conn, user_id, "moderation.appeal_filed", now=now)
    except IntegrityError:
        raise Conflict(N_("You have appealed against this already.")) from None
    return made


async def decide_appeal(
    actor: Actor,
    community_id: int,
    appeal_id: int,
    *,
    uphold: bool,
    reason: str,
    now: datetime,
) -> ModerationEntry:
    found = (
        await Appeal.filter(id=appeal_id, entry__community_id=community_id)
        .select_related("entry")
        .first()
    )
    if found is None:
        raise NotFound()
    entry = found.entry
    standing = await get_standing(actor.user_id, community_id)
    item = await ModeratedItem.get_or_none(id=entry.item_id) if entry.item_id else None
    # Asked now, not when the appeal was made: someone who joined the committee since may
    # decide it; only when nobody but the one who acted is on it does it go to the admin.
    others = [i for i in await committee_ids(community_id) if i != entry.actor_id]
    escalated = bool(item and item.escalated) or not others
    require("moderation.decide_appeal", actor, standing, entry_subject(entry, escalated=escalated))
    public = clean_multiline(reason, max_length=NOTE_MAX) if reason.strip() else None
    if public is None:
        raise Invalid(N_("Please give the reason residents will see."), field="reason")
    async with transaction() as conn:
        claimed = (
            await Appeal.filter(id=found.id, status="open")
            .using_db(conn)
            .update(
                status="upheld" if uphold else "overturned",
                decided_by_id=actor.user_id,
                decided_at=now,
                public_reason=public,
            )
        )
        if not claimed:
            raise Conflict(N_("This appeal has been decided already."))
        if not uphold:
            await _undo(conn, entry, now)
        decided = await log(
            conn,
            community_id=community_id,
            kind=entry.kind,
            action="appeal_upheld" if uphold else "appeal_overturned",
            role="committee" if standing.committee else "admin",
            item=item,
            actor_id=actor.user_id,
            subject_id=entry.subject_id,
            reason=entry.reason,
            public_reason=public,
            now=now,
        )
        notice = "moderation.appeal_upheld" if uphold else "moderation.appeal_overturned"
        await notify(conn, found.author_id, notice, now=now, reason=public)
    return decided


async def _undo(conn: BaseDBAsyncClient, entry: ModerationEntry, now: datetime) -> None:
    """A reversed decision: the item is shown again (with its original text), the suspension
    lifted."""
    if entry.action == "suspend":
        await Suspension.filter(entry_id=entry.id).using_db(conn).update(lifted_at=now)
        return
    item = await ModeratedItem.filter(id=entry.item_id).using_db(conn).first()
    if item is None:
        return
    if entry.action == "redact" and item.redacted:
        redact = KINDS[item.kind].redact
        if redact is not None:
            await redact(conn, item.item_id, item.original_text)
        item.redacted = False
    item.hidden, item.hidden_by, item.reason = False, "", ""
    await item.save(update_fields=["hidden", "hidden_by", "reason", "redacted"], using_db=conn)
