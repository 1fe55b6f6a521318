from __future__ import annotations

from dataclasses import dataclass

from participation.accounts.models import User
from participation.core.db import fetch_row
from participation.core.permissions import Actor


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """The user of a session, as every page reads it (plain SQL: read on every request)."""

    id: int
    display_name: str
    locale: str | None
    is_admin: bool
    unread_notices: int


async def get_signed_in_user(user_id: int, session_version: int) -> SignedInUser | None:
    """The session's user, unless disabled or the session was voided since."""
    row = await fetch_row(
        "SELECT id, display_name, locale, is_admin, disabled, session_version, unread_notices "
        'FROM "user" WHERE id = ? LIMIT 1',
        [user_id],
    )
    if row is None or row["disabled"] or row["session_version"] != session_version:
        return None
    return SignedInUser(
        id=row["id"],
        display_name=row["display_name"],
        locale=row["locale"],
        is_admin=bool(row["is_admin"]),
        unread_notices=row["unread_notices"],
    )


def actor_for(user: SignedInUser | User | None) -> Actor:
    """Who acts: a session's user (never disabled: the session is void then), or a user."""
    if user is None:
        return Actor(user_id=None)
    disabled = user.disabled if isinstance(user, User) else False
    return Actor(user_id=user.id, is_admin=user.is_admin, disabled=disabled)


async def find_user_by_name(display_name: str) -> User | None:
    return await User.filter(display_name=display_name).order_by("id").first()


async def user_exists(user_id: int) -> bool:
    return await User.exists(id=user_id)


# --- read by the plots capability


async def display_names(user_ids: set[int]) -> dict[int, str]:
    """The display name of each of these users (care timelines name who cared)."""
    rows = await User.filter(id__in=user_ids).values_list("id", "display_name")
    return {int(user_id): str(name) for user_id, name in rows}
