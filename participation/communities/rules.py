"""Who may do what in a community, and the pure checks behind household codes."""

from __future__ import annotations

from dataclasses import dataclass

from participation.core.errors import N_, DomainError, NotAllowed, NotFound
from participation.core.permissions import (
    Actor,
    Standing,
    about_subject,
    is_authenticated,
    is_committee,
    is_member,
    is_platform_admin,
    is_verified_resident,
    of_subject,
    register,
)
from participation.core.text import clean_line


@dataclass(frozen=True)
class RequestSubject:
    """A residency request as its rules see it (participation/communities/queries.py
    request_subject builds it)."""

    resident_id: int  # who asks to be verified
    here: bool  # the request is one of the community asked about


is_here = of_subject("is_here", lambda r: r.here)
is_own_request = about_subject("is_own_request", lambda a, r: a.user_id == r.resident_id)

can_join = register("communities.join", is_authenticated & ~is_member)
can_verify_self = register("communities.verify_self", is_member & ~is_verified_resident)
can_view_committee_pages = register(
    "communities.view_committee_pages", is_committee | is_platform_admin
)
can_manage_members = register("communities.manage_members", is_committee | is_platform_admin)
# Issuing household codes and revoking unused ones.
can_issue_codes = register("communities.issue_household_codes", is_committee | is_platform_admin)
# Deciding a residency request of this community; one's own is another member's to decide.
can_review_verification = register(
    "communities.review_verification",
    (is_committee | is_platform_admin) & is_here & ~is_own_request,
)

can_create_community = register("communities.create", is_platform_admin)
can_manage_settings = register("communities.manage_settings", is_committee | is_platform_admin)


def decide_refusal(actor: Actor, standing: Standing, subject: RequestSubject | None) -> DomainError:
    """Why ``communities.review_verification`` refused: another community's request is, from
    here, the same as a missing one; on the committee, it is one's own request."""
    if subject is None or not subject.here:
        return NotFound()
    if can_view_committee_pages(actor, standing) and is_own_request(actor, standing, subject):
        return NotAllowed(N_("Another committee member must decide your own request."))
    return NotAllowed()


ROLES = ("volunteer", "committee")


def household_has_room(verified_count: int, cap: int) -> bool:
    return verified_count < cap


def clean_label(text: str, *, max_length: int = 80) -> str | None:
    """A household or community label: trimmed, single-spaced, non-empty, bounded."""
    return clean_line(text, max_length=max_length)


HOUSEHOLD_CAP_RANGE = range(1, 51)
