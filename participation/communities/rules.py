"""Who may do what in a community, and the pure checks behind household codes."""

from __future__ import annotations

from participation.core.permissions import (
    is_authenticated,
    is_committee,
    is_member,
    is_platform_admin,
    is_verified_resident,
    register,
)
from participation.core.text import clean_line

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

ROLES = ("volunteer", "committee")


def household_has_room(verified_count: int, cap: int) -> bool:
    return verified_count < cap


def clean_label(text: str, *, max_length: int = 80) -> str | None:
    """A household or community label: trimmed, single-spaced, non-empty, bounded."""
    return clean_line(text, max_length=max_length)


can_manage_settings = register("communities.manage_settings", is_committee | is_platform_admin)

HOUSEHOLD_CAP_RANGE = range(1, 51)
