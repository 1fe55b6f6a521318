"""Who may do what in a community, and the pure checks behind household codes."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from participation.permissions import (
    is_authenticated,
    is_committee,
    is_member,
    is_platform_admin,
    is_verified_resident,
    register,
)
from participation.text import clean_line

can_join = register("communities.join", is_authenticated & ~is_member)
can_verify_self = register("communities.verify_self", is_member & ~is_verified_resident)
can_view_committee_pages = register(
    "communities.view_committee_pages", is_committee | is_platform_admin
)
can_manage_members = register("communities.manage_members", is_committee | is_platform_admin)
can_issue_codes = register("communities.issue_household_codes", is_committee | is_platform_admin)
can_review_verification = register(
    "communities.review_verification", is_committee | is_platform_admin
)
can_create_community = register("communities.create", is_platform_admin)

# Crockford base32 without I, L, O, U: nothing an 83-year-old could misread on a paper slip.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 symbols x 5 bits = 50 bits of randomness
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})

ROLES = ("volunteer", "committee")


def new_household_code() -> str:
    """A random code, shown as two groups of five: ``K7M2Q-9XH4D``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str | None:
    """Canonical form of what a resident typed, or None if it cannot be a code."""
    # NFKC folds full-width letters typed on a Chinese keyboard (Ｋ７Ｍ２Ｑ) to ASCII.
    folded = unicodedata.normalize("NFKC", text[:100]).upper()
    cleaned = "".join(ch for ch in folded if ch not in " -\t").translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return f"{cleaned[:5]}-{cleaned[5:]}"


def hash_code(code: str) -> str:
    """Codes carry 50 random bits, so an unsalted SHA-256 of the canonical form is enough."""
    return hashlib.sha256(code.encode()).hexdigest()


def household_has_room(verified_count: int, cap: int) -> bool:
    return verified_count < cap


def clean_label(text: str, *, max_length: int = 80) -> str | None:
    """A household or community label: trimmed, single-spaced, non-empty, bounded."""
    return clean_line(text, max_length=max_length)


can_manage_settings = register("communities.manage_settings", is_committee | is_platform_admin)

HOUSEHOLD_CAP_RANGE = range(1, 51)
