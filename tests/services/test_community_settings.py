"""The committee's choices for its community: verification methods, household cap, language."""

from __future__ import annotations

import pytest

from participation.communities import services
from participation.communities.models import Community
from participation.communities.services import CommunitySettings
from participation.core.errors import Invalid, NotAllowed
from tests.services.conftest import People
from tests.services.seed import as_actor, audit
from tests.support import World, now

DEFAULTS = CommunitySettings(
    verify_by_code=True, verify_by_request=True, household_member_cap=6, default_locale="zh_Hans"
)


def settings_of(community: Community) -> CommunitySettings:
    return CommunitySettings(
        verify_by_code=community.verify_by_code,
        verify_by_request=community.verify_by_request,
        household_member_cap=community.household_member_cap,
        default_locale=community.default_locale,
    )


async def test_committee_changes_settings_and_only_real_changes_are_audited(
    world: World, people: People
) -> None:
    new = CommunitySettings(
        verify_by_code=False, verify_by_request=True, household_member_cap=3, default_locale="en"
    )
    for _ in range(2):
        await services.update_community_settings(
            as_actor(people.committee), world.community.id, new, now=now()
        )
    assert settings_of(await Community.get(id=world.community.id)) == new
    [entry] = await audit("communities.update_settings")
    assert entry.actor_id == people.committee.id
    assert entry.community_id == world.community.id
    assert entry.before == {
        "verify_by_code": True,
        "verify_by_request": True,
        "household_member_cap": 6,
        "default_locale": "zh_Hans",
    }
    assert entry.after == {
        "verify_by_code": False,
        "verify_by_request": True,
        "household_member_cap": 3,
        "default_locale": "en",
    }


async def test_invalid_or_forbidden_settings_change_nothing(world: World, people: People) -> None:
    committee = as_actor(people.committee)
    for bad, field in [
        (CommunitySettings(False, False, 6, "zh_Hans"), "verify_by_code"),
        (CommunitySettings(True, True, 0, "zh_Hans"), "household_member_cap"),
        (CommunitySettings(True, True, 51, "zh_Hans"), "household_member_cap"),
        (CommunitySettings(True, True, 6, "fr"), "default_locale"),
    ]:
        with pytest.raises(Invalid) as caught:
            await services.update_community_settings(committee, world.community.id, bad, now=now())
        assert caught.value.field == field
    wanted = CommunitySettings(True, False, 50, "en")
    for who in (people.resident, people.newcomer, people.outsider, people.other_committee):
        with pytest.raises(NotAllowed):
            await services.update_community_settings(
                as_actor(who), world.community.id, wanted, now=now()
            )
    assert settings_of(await Community.get(id=world.community.id)) == DEFAULTS
    assert await audit("communities.update_settings") == []
    await services.update_community_settings(
        as_actor(people.admin), world.community.id, wanted, now=now()
    )
    assert settings_of(await Community.get(id=world.community.id)) == wanted
