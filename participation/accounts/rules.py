"""Who may change an account, and the pure checks on account data."""

from __future__ import annotations

from dataclasses import dataclass

from participation.core.permissions import about_subject, is_platform_admin, register
from participation.core.text import clean_line

SUPPORTED_LOCALES = ("zh_Hans", "en")
DISPLAY_NAME_MAX = 40


@dataclass(frozen=True)
class ProfileSubject:
    """A user's profile as its rule sees it: whose it is."""

    user_id: int


is_own_profile = about_subject("is_own_profile", lambda a, p: a.user_id == p.user_id)

# Disabling accounts, granting and withdrawing platform admin.
can_manage_users = register("accounts.manage_users", is_platform_admin)
# A profile (name and language) is its user's alone to change.
can_edit_profile = register("accounts.edit_profile", is_own_profile)


def clean_display_name(text: str) -> str | None:
    """Trimmed, single-spaced, 1..40 characters, no control or bidi-override characters."""
    return clean_line(text, max_length=DISPLAY_NAME_MAX)


def display_name_from_claims(claims: dict[str, object], name_claim: str, subject: str) -> str:
    """First usable of the configured claim, preferred_username, nickname, then the subject."""
    for key in (name_claim, "name", "preferred_username", "nickname", "login"):
        value = claims.get(key)
        if isinstance(value, str):
            cleaned = clean_display_name(value)
            if cleaned:
                return cleaned
    return clean_display_name(subject) or "居民"
