"""The outbox: mails written in the transaction of what they are about, claimed by a sender,
sent, retried with back-off, given up after a few tries.

A sender that dies between claiming a mail and marking it sent leaves it claimed: after the
lease it is claimed again and sent once more, under the same Message-ID (at most one
duplicate, and a mail program shows it as the same mail)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from participation.core.db import is_postgres, transaction
from participation.mail.models import OutboxMessage

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
BACK_OFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


async def enqueue(
    conn: BaseDBAsyncClient,
    *,
    to: str,
    kind: str,
    params: dict[str, object],
    locale: str,
    now: datetime,
    user_id: int | None = None,
) -> OutboxMessage:
    return await OutboxMessage.create(
        user_id=user_id,
        to_address=to,
        kind=kind,
        params=params,
        locale=locale,
        message_id=uuid.uuid4().hex,
        next_attempt_at=now,
        created_at=now,
        using_db=conn,
    )


async def claim(now: datetime, *, limit: int = 20) -> list[OutboxMessage]:
    """Mails due now (and mails a dead sender left claimed past the lease), marked as being
    sent; one sender's claim never overlaps another's."""
    due = Q(status="queued", next_attempt_at__lte=now) | Q(
        status="sending", claimed_at__lt=now - LEASE
    )
    async with transaction() as conn:
        query = OutboxMessage.filter(due).using_db(conn).order_by("next_attempt_at", "id")
        if is_postgres():
            query = query.select_for_update(skip_locked=True)
        claimed = []
        for row in await query.limit(limit):
            if row.attempts >= MAX_ATTEMPTS:  # a sender stopped on it every time: give up
                row.status, row.last_error = "failed", "the sender stopped while sending it"
                await row.save(update_fields=["status", "last_error"], using_db=conn)
                continue
            row.status, row.claimed_at, row.attempts = "sending", now, row.attempts + 1
            await row.save(update_fields=["status", "claimed_at", "attempts"], using_db=conn)
            claimed.append(row)
    return claimed


async def mark_sent(message_id: int, now: datetime) -> None:
    await OutboxMessage.filter(id=message_id).update(status="sent", sent_at=now, last_error="")


async def mark_failed(message: OutboxMessage, error: str, now: datetime) -> None:
    """Tried again later, or given up after ``MAX_ATTEMPTS`` (the committee's mail page shows
    what was given up)."""
    if message.attempts >= MAX_ATTEMPTS:
        await OutboxMessage.filter(id=message.id).update(status="failed", last_error=error[:1000])
        return
    wait = BACK_OFF[min(message.attempts, len(BACK_OFF)) - 1]
    await OutboxMessage.filter(id=message.id).update(
        status="queued", next_attempt_at=now + wait, last_error=error[:1000]
    )
