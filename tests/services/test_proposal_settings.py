"""The committee's micro-project settings: categories offered and the support threshold."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEntry
from participation.communities.models import Community
from participation.core.errors import Invalid, NotAllowed
from participation.core.permissions import Actor
from participation.proposals import queries, services
from participation.proposals.rules import Status
from participation.proposals.settings import update_proposal_settings
from tests.services.conftest import People
from tests.support import World, now


def draft(category: str) -> services.ProposalInput:
    return services.ProposalInput(
        title="垃圾分类亭", body="在北门放分类亭。", category=category, cost_yuan="800"
    )


async def save(actor: Actor, world: World, **changes: object) -> Community:
    values: dict[str, object] = {
        "support_threshold": "0",
        "hidden_categories": [],
        "custom_categories": "",
        **changes,
    }
    return await update_proposal_settings(actor, world.community.id, now=now(), **values)  # type: ignore[arg-type]


async def test_committee_saves_settings_with_an_audit_row(world: World, people: People) -> None:
    committee = Actor(user_id=people.committee.id)
    await save(
        committee,
        world,
        support_threshold="５",
        hidden_categories=["culture", "elderly_care"],
        custom_categories="垃圾分类\n停车",
    )
    community = await Community.get(id=world.community.id)
    assert community.support_threshold == 5
    assert community.hidden_categories == ["culture", "elderly_care"]
    assert community.custom_categories == ["垃圾分类", "停车"]
    entry = await AuditEntry.get(action="proposals.update_settings")
    assert entry.actor_id == people.committee.id
    assert entry.after["custom_categories"] == ["垃圾分类", "停车"]
    # Saving the same values again records nothing new.
    await save(
        committee,
        world,
        support_threshold="5",
        hidden_categories=["elderly_care", "culture"],
        custom_categories="垃圾分类\n停车",
    )
    assert await AuditEntry.filter(action="proposals.update_settings").count() == 1


@pytest.mark.parametrize("who", ["resident", "other_committee", "outsider", "newcomer"])
async def test_only_this_communitys_committee_may_change_them(
    world: World, people: People, who: str
) -> None:
    with pytest.raises(NotAllowed):
        await save(Actor(user_id=getattr(people, who).id), world, support_threshold="9")
    assert (await Community.get(id=world.community.id)).support_threshold == 0
    assert not await AuditEntry.exists(action="proposals.update_settings")


async def test_bad_input_changes_nothing(world: World, people: People) -> None:
    committee = Actor(user_id=people.committee.id)
    for changes in (
        {"support_threshold": "abc"},
        {"hidden_categories": ["greening", "not-a-category"]},
        {"custom_categories": "x" * 21},
        {"support_threshold": "3", "custom_categories": "\n".join(str(i) for i in range(13))},
    ):
        with pytest.raises(Invalid):
            await save(committee, world, **changes)
    community = await Community.get(id=world.community.id)
    assert (community.support_threshold, community.hidden_categories) == (0, [])
    assert community.custom_categories == []


async def test_residents_choose_from_what_is_offered(world: World, people: People) -> None:
    committee = Actor(user_id=people.committee.id)
    resident = Actor(user_id=people.resident.id)
    await save(committee, world, hidden_categories=["greening"], custom_categories="垃圾分类")
    own = await services.create_proposal(
        resident, world.community.id, draft("x:垃圾分类"), now=now()
    )
    assert own.category == "x:垃圾分类"
    for refused in ("greening", "x:停车", "x:", ""):
        with pytest.raises(Invalid) as caught:
            await services.create_proposal(resident, world.community.id, draft(refused), now=now())
        assert caught.value.field == "category"

    # The committee drops the category: the proposal keeps it, even when edited.
    await save(committee, world, custom_categories="")
    edited = await services.edit_proposal(
        resident, world.community.id, own.id, draft("x:垃圾分类"), now=now()
    )
    assert edited.category == "x:垃圾分类"
    await services.move_as_author(resident, world.community.id, own.id, Status.SUBMITTED, now=now())
    found = await queries.list_proposals(
        world.community.id,
        queries.normalise_filters(
            category="x:垃圾分类",
            status="",
            query="",
            sort="newest",
            page="1",
            categories={"x:垃圾分类"},
        ),
    )
    assert [(c.id, c.category) for c in found.items] == [(own.id, "x:垃圾分类")]
