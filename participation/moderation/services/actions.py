"""The committee's actions on a reported item: keep it (dismiss the reports, show it again),
hide it with a public reason category and a private note, take personal information out of
its text (the original kept privately), warn its author, or suspend its author from posting
for some days. Each is audited, notified and, but for keeping and warning, in the public log."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

import participation.moderation.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import community_by_id, get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import Actor, require
from participation.core.text import clean_multiline
from participation.moderation.kinds import KINDS
from participation.moderation.models import ModeratedItem, ModerationEntry, Report, Suspension
from participation.moderation.personal_data import mask
from participation.moderation.rules import NOTE_MAX, REASONS, SUSPEND_DAYS_MAX, ItemSubject
from participation.moderation.services.common import find_item, locked_item, log, moderated_item
from participation.notifications.services import notify


class Action(StrEnum):
    KEEP = "keep"
    HIDE = "hide"
    REDACT = "redact"
    WARN = "warn"
    SUSPEND = "suspend"


async def act(
    actor: Actor,
    community_id: int,
    moderated_id: int,
    action: Action,
    *,
    reason: str = "",
    note: str = "",
    days: int = 0,
    now: datetime,
) -> ModerationEntry | None:
    """One action on the item; returns its public log entry (None for keep without a change,
    and for a warning)."""
    moderated = await ModeratedItem.filter(id=moderated_id, community_id=community_id).first()
    if moderated is None:
        raise NotFound()
    standing = await get_standing(actor.user_id, community_id)
    subject = ItemSubject(moderated.author_id, escalated=moderated.escalated)
    require("moderation.review", actor, standing, subject)
    role = "committee" if standing.committee else "admin"
    if action is Action.KEEP or action is Action.REDACT:
        reason = ""  # keeping needs none; a redaction's is always personal information
    elif reason not in REASONS:
        raise Invalid(N_("Please choose the reason residents will see."), field="reason")
    private = clean_multiline(note, max_length=NOTE_MAX) if note.strip() else ""
    if private is None:
        raise Invalid(N_("Please keep the note to at most 1,000 characters."), field="note")
    if action is Action.SUSPEND and not 1 <= days <= SUSPEND_DAYS_MAX:
        raise Invalid(N_("Please give from 1 to 90 days."), field="days")
    new_text = await _redacted_text(community_id, moderated) if action is Action.REDACT else ""
    async with transaction() as conn:
        current = await locked_item(conn, moderated.id)
        entry = await _apply(
            conn, actor, role, current, action, reason, private, days, new_text, now
        )
        await Report.filter(item_id=current.id, open=True).using_db(conn).update(open=False)
        current.open_reports = 0
        current.updated_at = now
        await current.save(update_fields=["open_reports", "updated_at"], using_db=conn)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action=f"moderation.{action.value}",
            target=f"{current.kind}:{current.item_id}",
            at=now,
            after={"reason": reason, "note": private, "days": days or None},
        )
    return entry


async def hide_directly(
    actor: Actor,
    community_id: int,
    kind: str,
    item_id: int,
    *,
    hidden: bool,
    reason: str = "other",
    now: datetime,
) -> ModerationEntry | None:
    """The committee hides content nobody has reported (a care log with an unsuitable photo),
    or shows it again: the same action, log entry and notice as from the queue."""
    item = await find_item(community_id, kind, item_id)
    moderated = await moderated_item(item, now=now)
    action = Action.HIDE if hidden else Action.KEEP
    return await act(actor, community_id, moderated.id, action, reason=reason, now=now)


async def _redacted_text(community_id: int, moderated: ModeratedItem) -> str:
    if KINDS[moderated.kind].redact is None:
        raise Invalid(N_("This kind of content has no text to redact; hide it instead."))
    item = await find_item(community_id, moderated.kind, moderated.item_id)
    masked = mask(item.text)
    if masked == item.text:
        raise Invalid(N_("No personal information was found in the text."))
    return masked


async def _apply(
    conn: BaseDBAsyncClient,
    actor: Actor,
    role: str,
    item: ModeratedItem,
    action: Action,
    reason: str,
    note: str,
    days: int,
    new_text: str,
    now: datetime,
) -> ModerationEntry | None:
    async def logged(
        action_name: str, *, why: str = "", length: int | None = None
    ) -> ModerationEntry:
        return await log(
            conn,
            community_id=item.community_id,
            kind=item.kind,
            action=action_name,
            role=role,
            item=item,
            actor_id=actor.user_id,
            subject_id=item.author_id,
            reason=why,
            days=length,
            now=now,
        )

    if action is Action.KEEP:
        if not item.hidden:
            return None
        item.hidden, item.hidden_by, item.reason = False, "", ""
        await item.save(update_fields=["hidden", "hidden_by", "reason"], using_db=conn)
        await notify(conn, item.author_id, "moderation.restored", now=now)
        return await logged("restore")
    if action is Action.HIDE:
        item.hidden, item.hidden_by, item.reason, item.private_note = True, role, reason, note
        await item.save(
            update_fields=["hidden", "hidden_by", "reason", "private_note"], using_db=conn
        )
        entry = await logged("hide", why=reason)
        await notify(conn, item.author_id, "moderation.hidden", now=now, entry_id=entry.id)
        return entry
    if action is Action.REDACT:
        content = KINDS[item.kind]
        assert content.redact is not None
        if not item.redacted:
            found = await find_item(item.community_id, item.kind, item.item_id)
            item.original_text = found.text  # kept for the audit, never shown in public
        item.redacted = True
        await item.save(update_fields=["redacted", "original_text"], using_db=conn)
        await content.redact(conn, item.item_id, new_text)
        entry = await logged("redact", why="personal_info")
        await notify(conn, item.author_id, "moderation.redacted", now=now, entry_id=entry.id)
        return entry
    if action is Action.WARN:
        await notify(conn, item.author_id, "moderation.warned", now=now)
        return None
    entry = await logged("suspend", why=reason, length=days)
    await Suspension.create(
        community_id=item.community_id,
        user_id=item.author_id,
        entry_id=entry.id,
        until=now + timedelta(days=days),
        using_db=conn,
    )
    community = await community_by_id(item.community_id)
    await notify(
        conn,
        item.author_id,
        "moderation.suspended",
        now=now,
        community=community.name,
        days=days,
        entry_id=entry.id,
    )
    return entry
