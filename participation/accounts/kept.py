"""Results kept briefly for the one user a form's answer showed them to (see KeptResult)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from participation.accounts.models import KeptResult
from participation.core.db import Sql, timestamp

KEPT_FOR = timedelta(hours=1)


async def keep_result(user_id: int, kind: str, sealed: str, *, now: datetime) -> str:
    """Stores ``sealed`` for ``user_id``; returns the unguessable token that finds it again."""
    token = secrets.token_urlsafe(32)
    await KeptResult.create(
        token=token, user_id=user_id, kind=kind, sealed=sealed, expires_at=now + KEPT_FOR
    )
    return token


def keep_result_step(user_id: int, kind: str, sealed: str, *, now: datetime) -> tuple[str, Sql]:
    """``keep_result`` as one statement of a transaction written as steps (a ballot keeps its
    receipt in its own transaction): the token, and the INSERT."""
    token = secrets.token_urlsafe(32)
    return token, Sql(
        "INSERT INTO kept_result (token, user_id, kind, sealed, expires_at) VALUES (?, ?, ?, ?, ?)",
        [token, user_id, kind, sealed, timestamp(now + KEPT_FOR)],
    )


async def get_kept_result(user_id: int, kind: str, token: str, *, now: datetime) -> str | None:
    """The sealed result behind ``token`` if it is this user's, of this kind and not expired."""
    if not 20 <= len(token) <= 43:
        return None
    kept = await KeptResult.get_or_none(token=token, user_id=user_id, kind=kind)
    if kept is None or kept.expires_at <= now:
        return None
    return kept.sealed


async def forget_expired_results(now: datetime) -> int:
    return await KeptResult.filter(expires_at__lte=now).delete()
