"""A user's email address: set (or changed) and confirmed by the link mailed to it."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from participation.core.db import transaction
from participation.core.errors import N_, Invalid, NotAllowed
from participation.core.permissions import Actor
from participation.mail.models import EmailAddress
from participation.mail.outbox import enqueue

CONFIRM_WITHIN = timedelta(hours=48)
# Deliberately plain: one @, no spaces, quotes, angle brackets or line breaks (which would
# let an address add headers to a mail), a dot in the domain. The confirmation proves the rest.
_ADDRESS = re.compile(
    r"[^@\s<>\"'(),;:\\\[\]]{1,64}@[^@\s<>\"'(),;:\\\[\]]+\.[^@\s<>\"'(),;:\\\[\].]{2,}"
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_address(text: str) -> str:
    address = text.strip()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        raise Invalid(N_("Please give an email address like name@example.com."), field="email")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


async def set_address(actor: Actor, text: str, *, locale: str, now: datetime) -> EmailAddress:
    """The user's address, new or changed: unconfirmed until the link mailed to it is opened
    (only that mail goes to it before then)."""
    if actor.user_id is None:
        raise NotAllowed()
    address = clean_address(text)
    token = secrets.token_urlsafe(32)
    async with transaction() as conn:
        found = await EmailAddress.filter(user_id=actor.user_id).using_db(conn).first()
        if found is not None and found.address == address and found.confirmed_at is not None:
            return found  # the same, confirmed address: nothing to do
        if found is None:
            found = await EmailAddress.create(
                user_id=actor.user_id,
                address=address,
                created_at=now,
                updated_at=now,
                using_db=conn,
            )
        found.address, found.confirmed_at = address, None
        found.token_hash, found.token_expires_at = _hash(token), now + CONFIRM_WITHIN
        found.updated_at = now
        await found.save(using_db=conn)
        await enqueue(
            conn,
            user_id=actor.user_id,
            to=address,
            kind="mail.confirm",
            params={"token": token},
            locale=locale,
            now=now,
        )
    return found


async def confirm_address(token: str, *, now: datetime) -> EmailAddress:
    found = await EmailAddress.filter(token_hash=_hash(token)).first() if token else None
    if found is None or found.token_expires_at is None or found.token_expires_at <= now:
        raise Invalid(
            N_(
                "This confirmation link is not valid any more. Add your address again to "
                "get a new one."
            )
        )
    found.confirmed_at, found.token_hash, found.token_expires_at = now, "", None
    found.updated_at = now
    await found.save(update_fields=["confirmed_at", "token_hash", "token_expires_at", "updated_at"])
    return found
