"""Household codes: issued by the committee in batches (printed once), revoked while unused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from participation.audit.services import record
from participation.communities import rules
from participation.communities.models import Household, HouseholdCode
from participation.communities.services.common import community_row, require_in
from participation.core import codes
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import Actor

MAX_CODES_PER_BATCH = 500
# Two symbols help the committee tell slips apart and leave 40 bits unguessable.
HINT_LENGTH = 2


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
        await require_in("communities.issue_household_codes", actor, community_id)
    await community_row(community_id)
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
            found = await household(conn, community_id, label)
            for _ in range(per_household):
                code = codes.new_code()
                await HouseholdCode.create(
                    household=found,
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


async def household(conn: BaseDBAsyncClient, community_id: int, label: str) -> Household:
    """The community's household of this label, made on first use."""
    found = await Household.filter(community_id=community_id, label=label).using_db(conn).first()
    if found is None:
        found = await Household.create(community_id=community_id, label=label, using_db=conn)
    return found


async def revoke_household_code(
    actor: Actor, community_id: int, code_id: int, *, now: datetime
) -> None:
    await require_in("communities.issue_household_codes", actor, community_id)
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
