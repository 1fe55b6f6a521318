"""A form's one-time answer (a receipt, a code sheet) behind a redirect: post/redirect/get.

The answer is sealed (encrypted and signed with a key derived from the secret key) and kept
for its user for a short while (participation.accounts.kept); the POST redirects to a page
that opens it, so a refresh shows the same answer again instead of sending the form again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from starlette.requests import Request

from participation.accounts import kept
from participation.core.errors import N_, NotFound

GONE = N_(
    "This page is no longer shown: what a form showed once is kept for one hour, and only "
    "until you sign out."
)


def _fernet(request: Request) -> Fernet:
    secret: str = request.app.state.settings.secret_key
    digest = hashlib.sha256(b"huakai kept results\x00" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def sealer(request: Request) -> Callable[[dict[str, Any]], str]:
    """Seals a payload for keeping (a service keeps it inside its own transaction)."""
    fernet = _fernet(request)

    def seal(payload: dict[str, Any]) -> str:
        return fernet.encrypt(json.dumps(payload, ensure_ascii=False).encode()).decode()

    return seal


async def keep(request: Request, kind: str, payload: dict[str, Any], *, now: datetime) -> str:
    """Keeps ``payload`` for the signed-in user; returns the token for the page's URL."""
    return await kept.keep_result(request.state.user.id, kind, sealer(request)(payload), now=now)


async def open_kept(request: Request, kind: str, token: str, *, now: datetime) -> dict[str, Any]:
    """The payload kept under ``token`` for this user; a 404 saying why once it is gone."""
    user = request.state.user
    sealed = await kept.get_kept_result(user.id, kind, token, now=now) if user else None
    if sealed is None:
        raise NotFound(GONE)
    try:
        payload: dict[str, Any] = json.loads(_fernet(request).decrypt(sealed.encode()))
    except InvalidToken:  # sealed under a secret key since changed
        raise NotFound(GONE) from None
    return payload
