from __future__ import annotations

from participation.accounts.models import User
from participation.db import fetch_one
from participation.permissions import Actor


async def get_signed_in_user(user_id: int, session_version: int) -> User | None:
    """The session's user, unless disabled or the session was voided since."""
    user = await fetch_one(User, "id = ?", [user_id])
    if user is None or user.disabled or user.session_version != session_version:
        return None
    return user


def actor_for(user: User | None) -> Actor:
    if user is None:
        return Actor(user_id=None)
    return Actor(user_id=user.id, is_admin=user.is_admin, disabled=user.disabled)


async def find_user_by_name(display_name: str) -> User | None:
    return await User.filter(display_name=display_name).order_by("id").first()
