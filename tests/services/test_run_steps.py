"""db.run_steps: a transaction written as steps runs all or nothing, on both backends."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from participation.communities.models import Household
from participation.db import Sql, Steps, run_steps
from participation.errors import Invalid
from tests.support import World


def _households(community_id: int, labels: list[str], fail_after: bool = False) -> Steps[list[int]]:
    ids = []
    for label in labels:
        done = yield Sql(
            "INSERT INTO household (community_id, label, verified_count) VALUES (?, ?, 0) "
            "RETURNING id",
            [community_id, label],
        )
        ids.append(done.rows[0]["id"])
    counted = yield Sql(
        "SELECT count(*) AS n FROM household WHERE community_id = ?", [community_id]
    )
    assert counted.rows[0]["n"] == len(labels)
    changed = yield Sql(
        "UPDATE household SET verified_count = 1 WHERE community_id = ?", [community_id]
    )
    assert changed.changed == len(labels)
    if fail_after:
        raise Invalid("stop here")
    return ids


async def test_every_statement_commits_and_each_is_fed_its_result(world: World) -> None:
    ids = await run_steps(_households(world.community.id, ["1栋101", "1栋102"]))
    rows = await Household.filter(community_id=world.community.id).order_by("id")
    assert [row.id for row in rows] == ids
    assert [(row.label, row.verified_count) for row in rows] == [("1栋101", 1), ("1栋102", 1)]


async def test_an_error_raised_between_steps_undoes_them_all(world: World) -> None:
    with pytest.raises(Invalid):
        await run_steps(_households(world.community.id, ["1栋101"], fail_after=True))
    assert not await Household.filter(community_id=world.community.id).exists()


async def test_a_unique_violation_is_tortoises_integrity_error_and_undoes_the_rest(
    world: World,
) -> None:
    with pytest.raises(IntegrityError):
        await run_steps(_households(world.community.id, ["2栋201", "2栋201"]))
    assert not await Household.filter(community_id=world.community.id).exists()
    # The connection is usable afterwards, inside and outside steps.
    await run_steps(_households(world.community.id, ["2栋201"]))
    assert await Household.filter(community_id=world.community.id).count() == 1
