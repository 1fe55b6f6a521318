"""Verified residents written in bulk, for the operator's seeding (the demo's neighbours, a
benchmark's thousands of voters, tests that need many households): no resident acts, so no
rule is asked and no code is redeemed. Never reachable from a page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from participation.communities.models import Household, Membership
from participation.core.db import transaction

BATCH = 500


async def enrol_verified_residents(
    community_id: int, residents: Sequence[tuple[int, str]], *, now: datetime
) -> None:
    """Each (user id, household label) becomes a verified member of the community, each in a
    new household of its own (labels are unique and not yet used in the community)."""
    labels = [label for _user_id, label in residents]
    async with transaction() as conn:
        await Household.bulk_create(
            [
                Household(community_id=community_id, label=label, verified_count=1)
                for label in labels
            ],
            BATCH,
            using_db=conn,
        )
        households = (
            await Household.filter(community_id=community_id, label__in=labels)
            .using_db(conn)
            .values_list("label", "id")
        )
        by_label = {str(label): int(household_id) for label, household_id in households}
        await Membership.bulk_create(
            [
                Membership(
                    user_id=user_id,
                    community_id=community_id,
                    household_id=by_label[label],
                    verified_at=now,
                    joined_at=now,
                )
                for user_id, label in residents
            ],
            BATCH,
            using_db=conn,
        )
