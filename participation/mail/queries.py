"""Reads of mail: a user's own address (never another's)."""

from __future__ import annotations

from participation.mail.models import EmailAddress, OutboxMessage


async def address_of(user_id: int) -> EmailAddress | None:
    return await EmailAddress.filter(user_id=user_id).first()


async def given_up(limit: int = 50) -> list[OutboxMessage]:
    """Mails the sender gave up on, newest first (for the operator)."""
    return await OutboxMessage.filter(status="failed").order_by("-created_at").limit(limit)
