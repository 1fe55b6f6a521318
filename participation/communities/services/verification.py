"""Residents verify that they live here: with a household code, or by asking the committee,
who decides each request."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from participation.audit.services import record
from participation.communities import rules
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.communities.queries import get_standing, request_subject
from participation.communities.services.codes import household
from participation.communities.services.common import community_row
from participation.communities.services.members import join_community
from participation.core import codes
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor, Standing, can, require
from participation.ratelimit.services import hit

NOTE_MAX = 1000
REASON_MAX = 500
REDEEM_LIMIT = 5
REDEEM_WINDOW_SECONDS = 15 * 60


async def _member_standing(actor: Actor, community_id: int, now: datetime) -> Standing:
    """The actor's standing, once a member: verifying oneself joins the community first."""
    standing = await get_standing(actor.user_id, community_id)
    if not standing.member:
        await join_community(actor, community_id, now=now)
        standing = await get_standing(actor.user_id, community_id)
    return standing


async def redeem_household_code(
    actor: Actor, community_id: int, code_text: str, *, now: datetime
) -> Membership:
    """Verify the actor for the household the code was printed for. Single use, rate-limited."""
    community = await community_row(community_id)
    require("communities.verify_self", actor, await _member_standing(actor, community_id, now))
    if not community.verify_by_code:
        raise Invalid(N_("This community does not use household codes."), field="code")
    await hit(
        f"redeem:{actor.user_id}", limit=REDEEM_LIMIT, window_seconds=REDEEM_WINDOW_SECONDS, now=now
    )
    code = codes.normalise_code(code_text)
    wrong = Invalid(N_("This code is not valid. Check it and try again."), field="code")
    if code is None:
        raise wrong
    async with transaction() as conn:
        found = (
            await HouseholdCode.filter(
                code_hash=codes.hash_code(code), household__community_id=community_id
            )
            .using_db(conn)
            .first()
            .select_related("household")
        )
        if found is None or found.revoked_at is not None:
            raise wrong
        # The conditional update is the single-use guarantee, also under parallel redemptions.
        taken = (
            await HouseholdCode.filter(
                id=found.id, redeemed_at__isnull=True, revoked_at__isnull=True
            )
            .using_db(conn)
            .update(redeemed_at=now, redeemed_by_id=actor.user_id)
        )
        if not taken:
            raise Invalid(N_("This code has already been used."), field="code")
        membership = await _verify(conn, actor.user_id, community, found.household, now)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="communities.redeem_code",
            target=f"household_code:{found.id}",
            at=now,
            after={"household": found.household.label},
        )
    return membership


async def _verify(
    conn: BaseDBAsyncClient,
    user_id: int | None,
    community: Community,
    place: Household,
    now: datetime,
) -> Membership:
    # Conditional updates (not read-then-write) keep one verification per member and the
    # household cap, also when two requests race; any refusal rolls back the transaction.
    verified = (
        await Membership.filter(
            user_id=user_id, community_id=community.id, verified_at__isnull=True
        )
        .using_db(conn)
        .update(verified_at=now, household_id=place.id)
    )
    if not verified:
        raise Conflict(N_("This resident is already verified."))
    room = (
        await Household.filter(id=place.id, verified_count__lt=community.household_member_cap)
        .using_db(conn)
        .update(verified_count=F("verified_count") + 1)
    )
    if not room:
        raise Invalid(
            N_("This household already has %(cap)s verified members. Ask the committee."),
            field="code",
            cap=community.household_member_cap,
        )
    membership = (
        await Membership.filter(user_id=user_id, community_id=community.id).using_db(conn).get()
    )
    await (
        VerificationRequest.filter(membership_id=membership.id, status="pending")
        .using_db(conn)
        .update(status="superseded", decided_at=now)
    )
    return membership


async def request_verification(
    actor: Actor, community_id: int, *, household_label: str, note: str, now: datetime
) -> VerificationRequest:
    community = await community_row(community_id)
    require("communities.verify_self", actor, await _member_standing(actor, community_id, now))
    if not community.verify_by_request:
        raise Invalid(N_("This community verifies residents by household code only."))
    label = rules.clean_label(household_label)
    if label is None:
        raise Invalid(N_("Please enter your building, unit and room."), field="household_label")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid(
            N_("Please keep the note under %(max)s characters."), field="note", max=NOTE_MAX
        )
    membership = await Membership.get(user_id=actor.user_id, community_id=community_id)
    async with transaction() as conn:
        pending = (
            await VerificationRequest.filter(membership_id=membership.id, status="pending")
            .using_db(conn)
            .first()
        )
        if pending is not None:
            pending.household_label = label
            pending.note = note
            await pending.save(using_db=conn, update_fields=["household_label", "note"])
            return pending
        return await VerificationRequest.create(
            membership=membership,
            household_label=label,
            note=note,
            created_at=now,
            using_db=conn,
        )


async def decide_verification(
    actor: Actor,
    community_id: int,
    request_id: int,
    *,
    approve: bool,
    reason: str,
    now: datetime,
) -> VerificationRequest:
    standing = await get_standing(actor.user_id, community_id)
    subject = await request_subject(community_id, request_id)
    if not can("communities.review_verification", actor, standing, subject):
        raise rules.decide_refusal(actor, standing, subject)
    community = await community_row(community_id)
    reason = reason.strip()
    if not approve and not reason:
        raise Invalid(N_("Please give the resident a reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(
            N_("Please keep the reason under %(max)s characters."), field="reason", max=REASON_MAX
        )
    async with transaction() as conn:
        request = (
            await VerificationRequest.filter(id=request_id, membership__community_id=community_id)
            .using_db(conn)
            .first()
            .select_related("membership")
        )
        if request is None:
            raise NotFound()
        decided = (
            await VerificationRequest.filter(id=request_id, status="pending")
            .using_db(conn)
            .update(
                status="approved" if approve else "rejected",
                reason=reason,
                decided_by_id=actor.user_id,
                decided_at=now,
            )
        )
        if not decided:
            raise Conflict(N_("This request was already decided."))
        if approve:
            place = await household(conn, community_id, request.household_label)
            await _verify(conn, request.membership.user_id, community, place, now)
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="communities.decide_verification",
            target=f"verification_request:{request_id}",
            at=now,
            before={"status": "pending"},
            after={
                "status": "approved" if approve else "rejected",
                "reason": reason,
                "household": request.household_label,
            },
        )
    await request.refresh_from_db()
    return request
