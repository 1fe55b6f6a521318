"""Household codes and residency requests as the committee's pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.communities.models import (
    HouseholdCode,
    VerificationRequest,
)
from participation.communities.rules import RequestSubject
from participation.core.db import fetch_row


@dataclass(frozen=True)
class CodeRow:
    id: int
    household: str
    hint: str
    created_at: datetime
    state: str  # unused | redeemed | revoked
    redeemed_by: str | None


async def list_codes(community_id: int, limit: int = 500) -> list[CodeRow]:
    codes = (
        await HouseholdCode.filter(household__community_id=community_id)
        .select_related("household", "redeemed_by")
        .order_by("-id")
        .limit(limit)
    )
    return [
        CodeRow(
            id=c.id,
            household=c.household.label,
            hint=c.hint,
            created_at=c.created_at,
            state="revoked" if c.revoked_at else "redeemed" if c.redeemed_at else "unused",
            redeemed_by=c.redeemed_by.display_name if c.redeemed_by else None,
        )
        for c in codes
    ]


@dataclass(frozen=True)
class RequestRow:
    id: int
    display_name: str
    household_label: str
    note: str
    created_at: datetime
    subject: RequestSubject  # what the rule deciding it is asked about


async def list_pending_requests(community_id: int) -> list[RequestRow]:
    rows = (
        await VerificationRequest.filter(membership__community_id=community_id, status="pending")
        .select_related("membership__user")
        .order_by("id")
    )
    return [
        RequestRow(
            id=r.id,
            display_name=r.membership.user.display_name,
            household_label=r.household_label,
            note=r.note,
            created_at=r.created_at,
            subject=RequestSubject(resident_id=r.membership.user_id, here=True),
        )
        for r in rows
    ]


async def request_subject(community_id: int, request_id: int) -> RequestSubject | None:
    """A residency request as its rules see it from this community (None: there is none)."""
    row = await fetch_row(
        "SELECT m.user_id, m.community_id FROM verification_request r "
        "JOIN membership m ON m.id = r.membership_id WHERE r.id = ? LIMIT 1",
        [request_id],
    )
    if row is None:
        return None
    return RequestSubject(resident_id=row["user_id"], here=row["community_id"] == community_id)


async def get_pending_request_for(user_id: int, community_id: int) -> VerificationRequest | None:
    return await VerificationRequest.filter(
        membership__user_id=user_id, membership__community_id=community_id, status="pending"
    ).first()


async def get_last_rejection(user_id: int, community_id: int) -> VerificationRequest | None:
    """The resident's most recent request, if the committee turned it down."""
    latest = (
        await VerificationRequest.filter(
            membership__user_id=user_id, membership__community_id=community_id
        )
        .order_by("-id")
        .first()
    )
    return latest if latest is not None and latest.status == "rejected" else None
