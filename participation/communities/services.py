"""Community use cases: membership, roles, household codes and verification.

Every use case takes the acting user and ``now`` explicitly, checks a named rule, and writes
its audit row in the same transaction as the change.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from participation.accounts.models import User
from participation.audit.services import record
from participation.communities import rules
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.communities.queries import get_standing, is_slug
from participation.core import codes
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor, require
from participation.ratelimit.services import hit

MAX_CODES_PER_BATCH = 500
NOTE_MAX = 1000
REASON_MAX = 500
REDEEM_LIMIT = 5
# Two symbols help the committee tell slips apart and leave 40 bits unguessable.
HINT_LENGTH = 2
REDEEM_WINDOW_SECONDS = 15 * 60


async def _community(community_id: int) -> Community:
    community = await Community.get_or_none(id=community_id)
    if community is None:
        raise NotFound()
    return community


async def _require(name: str, actor: Actor, community_id: int) -> None:
    require(name, actor, await get_standing(actor.user_id, community_id))


async def create_community(
    actor: Actor | None,
    *,
    slug: str,
    name: str,
    street: str = "",
    district: str = "",
    timezone: str = "Asia/Shanghai",
    default_locale: str = "zh_Hans",
    now: datetime,
) -> Community:
    """``actor`` None means the operator at the command line."""
    if actor is not None:
        require("communities.create", actor)
    if not is_slug(slug):
        raise Invalid(N_("Use lowercase letters, digits and dashes for the address."), field="slug")
    clean_name = rules.clean_label(name, max_length=120)
    if clean_name is None:
        raise Invalid(N_("Please enter a name."), field="name")
    try:
        async with transaction() as conn:
            community = await Community.create(
                slug=slug,
                name=clean_name,
                street=street.strip(),
                district=district.strip(),
                timezone=timezone,
                default_locale=default_locale,
                using_db=conn,
            )
            await record(
                conn,
                actor_id=actor.user_id if actor else None,
                community_id=community.id,
                action="communities.create",
                target=f"community:{community.id}",
                at=now,
                after={"slug": slug, "name": clean_name},
            )
    except IntegrityError as exc:
        raise Conflict(N_("A community with this address already exists.")) from exc
    return community


async def join_community(actor: Actor, community_id: int, *, now: datetime) -> Membership:
    """Become an (unverified) resident member. Joining twice is harmless."""
    await _community(community_id)
    standing = await get_standing(actor.user_id, community_id)
    if standing.member:
        return await Membership.get(user_id=actor.user_id, community_id=community_id)
    require("communities.join", actor, standing)
    assert actor.user_id is not None
    await _ensure_membership(actor.user_id, community_id, now)
    return await Membership.get(user_id=actor.user_id, community_id=community_id)


ROLE_FIELDS = {"volunteer": "is_volunteer", "committee": "is_committee"}


async def set_role(
    actor: Actor | None,
    community_id: int,
    user_id: int,
    role: str,
    granted: bool,
    *,
    now: datetime,
) -> Membership | None:
    """Grant or withdraw a community role. ``actor`` None: the CLI operator.

    Withdrawing from a non-member changes nothing; granting to one makes them a member.
    Repeats (double clicks) change and audit nothing.
    """
    if actor is not None:
        await _require("communities.manage_members", actor, community_id)
    field = ROLE_FIELDS.get(role)
    if field is None:
        raise Invalid(N_("Unknown role."), field="role")
    await _community(community_id)
    if not await User.exists(id=user_id):
        raise NotFound()
    if actor is not None and not await Membership.exists(
        user_id=user_id, community_id=community_id
    ):
        # The committee manages its own members; only the CLI operator may enrol someone.
        raise NotFound()
    if granted:
        await _ensure_membership(user_id, community_id, now)
    async with transaction() as conn:
        # The conditional update decides who changed it, also under parallel requests.
        changed = (
            await Membership.filter(
                user_id=user_id, community_id=community_id, **{field: not granted}
            )
            .using_db(conn)
            .update(**{field: granted})
        )
        if changed:
            await record(
                conn,
                actor_id=actor.user_id if actor else None,
                community_id=community_id,
                action="communities.set_role",
                target=f"user:{user_id}",
                at=now,
                before={role: not granted},
                after={role: granted},
            )
    return await Membership.get_or_none(user_id=user_id, community_id=community_id)


async def _ensure_membership(user_id: int, community_id: int, now: datetime) -> None:
    if await Membership.exists(user_id=user_id, community_id=community_id):
        return
    with contextlib.suppress(IntegrityError):  # a parallel request made it first
        await Membership.create(user_id=user_id, community_id=community_id, joined_at=now)


@dataclass(frozen=True)
class IssuedCode:
    household: str
    code: str


def parse_household_labels(text: str) -> list[str]:
    """One label per line (e.g. ``3栋2单元501``); blank lines skipped, duplicates kept once."""
    labels: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label = rules.clean_label(line)
        if label is None:
            raise Invalid(N_("Each household label must be at most 80 characters."), field="labels")
        if label not in labels:
            labels.append(label)
    return labels


async def issue_household_codes(
    actor: Actor | None,
    community_id: int,
    labels: list[str],
    *,
    now: datetime,
    per_household: int = 1,
) -> list[IssuedCode]:
    """New single-use codes. The plain codes exist only in the returned list: print them now."""
    if actor is not None:
        await _require("communities.issue_household_codes", actor, community_id)
    await _community(community_id)
    labels = parse_household_labels("\n".join(labels))
    if not labels:
        raise Invalid(N_("Enter at least one household, one per line."), field="labels")
    if per_household < 1 or len(labels) * per_household > MAX_CODES_PER_BATCH:
        raise Invalid(
            N_("At most %(max)s codes at a time."), field="labels", max=MAX_CODES_PER_BATCH
        )
    issued: list[IssuedCode] = []
    async with transaction() as conn:
        for label in labels:
            household = await _household(conn, community_id, label)
            for _ in range(per_household):
                code = codes.new_code()
                await HouseholdCode.create(
                    household=household,
                    code_hash=codes.hash_code(code),
                    hint=code[-HINT_LENGTH:],
                    created_by_id=actor.user_id if actor else None,
                    created_at=now,
                    using_db=conn,
                )
                issued.append(IssuedCode(household=label, code=code))
        await record(
            conn,
            actor_id=actor.user_id if actor else None,
            community_id=community_id,
            action="communities.issue_codes",
            target=f"community:{community_id}",
            at=now,
            after={"households": labels, "count": len(issued)},
        )
    return issued


async def _household(conn: BaseDBAsyncClient, community_id: int, label: str) -> Household:
    household = (
        await Household.filter(community_id=community_id, label=label).using_db(conn).first()
    )
    if household is None:
        household = await Household.create(community_id=community_id, label=label, using_db=conn)
    return household


async def revoke_household_code(
    actor: Actor, community_id: int, code_id: int, *, now: datetime
) -> None:
    await _require("communities.issue_household_codes", actor, community_id)
    async with transaction() as conn:
        updated = (
            await HouseholdCode.filter(
                id=code_id,
                household__community_id=community_id,
                redeemed_at__isnull=True,
                revoked_at__isnull=True,
            )
            .using_db(conn)
            .update(revoked_at=now)
        )
        if not updated:
            if not await HouseholdCode.exists(id=code_id, household__community_id=community_id):
                raise NotFound()
            raise Conflict(N_("This code was already used or revoked."))
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="communities.revoke_code",
            target=f"household_code:{code_id}",
            at=now,
            before={"state": "unused"},
            after={"state": "revoked"},
        )


async def redeem_household_code(
    actor: Actor, community_id: int, code_text: str, *, now: datetime
) -> Membership:
    """Verify the actor for the household the code was printed for. Single use, rate-limited."""
    community = await _community(community_id)
    standing = await get_standing(actor.user_id, community_id)
    if not standing.member:
        await join_community(actor, community_id, now=now)
        standing = await get_standing(actor.user_id, community_id)
    require("communities.verify_self", actor, standing)
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
    household: Household,
    now: datetime,
) -> Membership:
    # Conditional updates (not read-then-write) keep one verification per member and the
    # household cap, also when two requests race; any refusal rolls back the transaction.
    verified = (
        await Membership.filter(
            user_id=user_id, community_id=community.id, verified_at__isnull=True
        )
        .using_db(conn)
        .update(verified_at=now, household_id=household.id)
    )
    if not verified:
        raise Conflict(N_("This resident is already verified."))
    room = (
        await Household.filter(id=household.id, verified_count__lt=community.household_member_cap)
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
    community = await _community(community_id)
    standing = await get_standing(actor.user_id, community_id)
    if not standing.member:
        await join_community(actor, community_id, now=now)
        standing = await get_standing(actor.user_id, community_id)
    require("communities.verify_self", actor, standing)
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
    await _require("communities.review_verification", actor, community_id)
    community = await _community(community_id)
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
        if request.membership.user_id == actor.user_id:
            raise NotAllowed(N_("Another committee member must decide your own request."))
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
            household = await _household(conn, community_id, request.household_label)
            await _verify(conn, request.membership.user_id, community, household, now)
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


@dataclass(frozen=True)
class CommunitySettings:
    verify_by_code: bool
    verify_by_request: bool
    household_member_cap: int
    default_locale: str


SETTINGS_FIELDS = ("verify_by_code", "verify_by_request", "household_member_cap", "default_locale")


async def update_community_settings(
    actor: Actor, community_id: int, new: CommunitySettings, *, now: datetime
) -> Community:
    """The committee chooses verification methods, the household cap and the language."""
    await _require("communities.manage_settings", actor, community_id)
    await _community(community_id)
    if not (new.verify_by_code or new.verify_by_request):
        raise Invalid(N_("Keep at least one way for residents to verify."), field="verify_by_code")
    if new.household_member_cap not in rules.HOUSEHOLD_CAP_RANGE:
        raise Invalid(
            N_("A household may have between 1 and 50 verified members."),
            field="household_member_cap",
        )
    if new.default_locale not in ("zh_Hans", "en"):
        raise Invalid(N_("Please choose a language from the list."), field="default_locale")
    after = {name: getattr(new, name) for name in SETTINGS_FIELDS}
    return await save_settings(actor, community_id, after, "communities.update_settings", now=now)


async def save_settings(
    actor: Actor, community_id: int, after: dict[str, Any], action: str, *, now: datetime
) -> Community:
    """Store checked settings of a community, with one audit row of what changed (none when
    nothing did). The caller has checked the actor may."""
    async with transaction() as conn:
        community = await Community.filter(id=community_id).using_db(conn).first()
        if community is None:
            raise NotFound()
        before = {name: getattr(community, name) for name in after}
        if before != after:
            for name, value in after.items():
                setattr(community, name, value)
            await community.save(using_db=conn, update_fields=list(after))
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action=action,
                target=f"community:{community_id}",
                at=now,
                before=before,
                after=after,
            )
    return community
