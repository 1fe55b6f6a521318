"""Fixtures for the services tier. Every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from participation.accounts.models import User
from tests.services.seed import join
from tests.support import World, make_committee, make_user, make_verified, make_world


@dataclass
class People:
    """One of each kind of actor around ``world.community``."""

    committee: User
    other_committee: User  # committee of world.other only
    resident: User  # verified, household 9栋909
    newcomer: User  # member, not verified
    outsider: User  # signed in, member of nothing
    admin: User  # platform admin, member of nothing


@pytest.fixture
async def world(database: str) -> World:
    return await make_world()


@pytest.fixture
async def people(world: World) -> People:
    committee = await make_user("committee", "居委会王主任")
    other_committee = await make_user("other-committee", "黉门街李主任")
    resident = await make_user("resident", "张阿姨")
    newcomer = await make_user("newcomer", "新来的小刘")
    outsider = await make_user("outsider", "路人")
    admin = await make_user("admin", "平台管理员")
    await make_committee(world.community, committee)
    await make_committee(world.other, other_committee)
    await make_verified(world.community, resident, household="9栋909")
    await join(world.community, newcomer)
    admin.is_admin = True
    await admin.save(update_fields=["is_admin"])
    return People(committee, other_committee, resident, newcomer, outsider, admin)
