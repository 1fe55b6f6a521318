"""Pure checks on account data."""

from __future__ import annotations

from participation.permissions import is_platform_admin, register

SUPPORTED_LOCALES = ("zh_Hans", "en")
DISPLAY_NAME_MAX = 40

can_manage_users = register("accounts.manage_users", is_platform_admin)


def clean_display_name(text: str) -> str | None:
    """Trimmed, single-spaced, 1..40 characters, no control or bidi-override characters."""
    name = " ".join(text.split())
    if not name or len(name) > DISPLAY_NAME_MAX:
        return None
    if any(_is_forbidden(ch) for ch in name):
        return None
    return name


def _is_forbidden(ch: str) -> bool:
    code = ord(ch)
    return code < 32 or code == 127 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069


def display_name_from_claims(claims: dict[str, object], name_claim: str, subject: str) -> str:
    """First usable of the configured claim, preferred_username, nickname, then the subject."""
    for key in (name_claim, "name", "preferred_username", "nickname", "login"):
        value = claims.get(key)
        if isinstance(value, str):
            cleaned = clean_display_name(value)
            if cleaned:
                return cleaned
    return clean_display_name(subject) or "居民"
