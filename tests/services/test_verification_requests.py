"""Asking the committee to verify you, and the committee's decision."""

from __future__ import annotations

import pytest

from participation.communities import services
from participation.communities.models import (
    Community,
    Household,
    VerificationRequest,
)
from participation.core.errors import Conflict, Invalid, NotAllowed, NotFound
from participation.core.permissions import Actor
from tests.services.conftest import People
from tests.services.seed import as_actor, audit, household, membership, set_household_cap
from tests.support import HOSTILE, World, now


async def ask(world: World, user_id: int, label: str = "5栋501", note: str = "") -> int:
    request = await services.request_verification(
        Actor(user_id=user_id), world.community.id, household_label=label, note=note, now=now()
    )
    return request.id


async def decide(
    actor: Actor, community: Community, request_id: int, *, approve: bool, reason: str = ""
) -> VerificationRequest:
    return await services.decide_verification(
        actor, community.id, request_id, approve=approve, reason=reason, now=now()
    )


async def state(request_id: int) -> tuple[str, str, int | None]:
    request = await VerificationRequest.get(id=request_id)
    return request.status, request.reason, request.decided_by_id


async def test_non_members_request_is_pending_with_cleaned_label_and_note(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.outsider.id, label="  5栋  501 ", note=f" {HOSTILE} ")
    request = await VerificationRequest.get(id=request_id)
    assert request.status == "pending"
    assert request.household_label == "5栋 501"
    assert request.note == HOSTILE
    assert request.decided_at is None
    joined = await membership(world.community, people.outsider)
    assert joined is not None and joined.id == request.membership_id


async def test_asking_again_updates_the_pending_request(world: World, people: People) -> None:
    first = await ask(world, people.newcomer.id, label="5栋501")
    second = await ask(world, people.newcomer.id, label="5栋502", note="sorry, 502")
    assert first == second
    [request] = await VerificationRequest.all()
    assert (request.household_label, request.note) == ("5栋502", "sorry, 502")


async def test_verified_disabled_and_anonymous_users_cannot_ask(
    world: World, people: People
) -> None:
    for actor in (
        as_actor(people.resident),
        Actor(user_id=people.newcomer.id, disabled=True),
        Actor(user_id=None),
    ):
        with pytest.raises(NotAllowed):
            await services.request_verification(
                actor, world.community.id, household_label="5栋501", note="", now=now()
            )
    assert await VerificationRequest.all().count() == 0


async def test_invalid_requests_are_refused_and_nothing_is_stored(
    world: World, people: People
) -> None:
    for label, note, field in [
        ("   ", "", "household_label"),
        ("长" * 81, "", "household_label"),
        ("5栋501", "x" * (services.NOTE_MAX + 1), "note"),
    ]:
        with pytest.raises(Invalid) as caught:
            await ask(world, people.newcomer.id, label=label, note=note)
        assert caught.value.field == field
    await Community.filter(id=world.community.id).update(verify_by_request=False)
    with pytest.raises(Invalid, match="household code only"):
        await ask(world, people.newcomer.id)
    assert await VerificationRequest.all().count() == 0


async def test_approval_verifies_into_a_new_household_with_an_audit_row(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id, label="5栋501")
    decided = await decide(as_actor(people.committee), world.community, request_id, approve=True)
    assert decided.status == "approved"
    assert decided.decided_by_id == people.committee.id
    assert decided.decided_at is not None
    home = await household(world.community, "5栋501")
    assert home.verified_count == 1
    stored = await membership(world.community, people.newcomer)
    assert stored is not None
    assert stored.verified_at is not None and stored.household_id == home.id
    entry = (await audit("communities.decide_verification"))[-1]
    assert entry.actor_id == people.committee.id
    assert entry.community_id == world.community.id
    assert entry.target == f"verification_request:{request_id}"
    assert entry.before == {"status": "pending"}
    assert entry.after == {"status": "approved", "reason": "", "household": "5栋501"}


async def test_approval_joins_the_existing_household_of_that_label(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id, label="9栋909")  # the resident's home
    await decide(as_actor(people.admin), world.community, request_id, approve=True)
    assert await Household.filter(label="9栋909").count() == 1
    assert (await household(world.community, "9栋909")).verified_count == 2


async def test_rejection_needs_a_reason_of_at_most_500_characters(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id)
    for reason in ("", "   ", "x" * (services.REASON_MAX + 1)):
        with pytest.raises(Invalid) as caught:
            await decide(
                as_actor(people.committee),
                world.community,
                request_id,
                approve=False,
                reason=reason,
            )
        assert caught.value.field == "reason"
    assert await state(request_id) == ("pending", "", None)
    assert await audit("communities.decide_verification") == []


async def test_rejection_with_a_reason_leaves_the_member_unverified(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id)
    await decide(
        as_actor(people.committee),
        world.community,
        request_id,
        approve=False,
        reason=f"  {HOSTILE}  ",
    )
    assert await state(request_id) == ("rejected", HOSTILE, people.committee.id)
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.verified_at is None
    assert not await Household.exists(label="5栋501")
    [entry] = await audit("communities.decide_verification")
    assert entry.after == {"status": "rejected", "reason": HOSTILE, "household": "5栋501"}


async def test_deciding_twice_is_a_conflict_and_keeps_the_first_decision(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id)
    committee = as_actor(people.committee)
    await decide(committee, world.community, request_id, approve=True)
    for approve, reason in ((True, ""), (False, "changed my mind")):
        with pytest.raises(Conflict):
            await decide(committee, world.community, request_id, approve=approve, reason=reason)
    assert await state(request_id) == ("approved", "", people.committee.id)
    assert len(await audit("communities.decide_verification")) == 1
    assert (await household(world.community, "5栋501")).verified_count == 1


async def test_another_communitys_committee_cannot_decide(world: World, people: People) -> None:
    request_id = await ask(world, people.newcomer.id)
    stranger = as_actor(people.other_committee)
    with pytest.raises(NotAllowed):
        await decide(stranger, world.community, request_id, approve=True)
    # Naming their own community does not reach a request of this one either.
    with pytest.raises(NotFound):
        await decide(stranger, world.other, request_id, approve=True)
    assert await state(request_id) == ("pending", "", None)
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.verified_at is None
    assert await audit("communities.decide_verification") == []


async def test_residents_cannot_decide_and_missing_requests_are_not_found(
    world: World, people: People
) -> None:
    request_id = await ask(world, people.newcomer.id)
    for who in (people.resident, people.newcomer, people.outsider):
        with pytest.raises(NotAllowed):
            await decide(as_actor(who), world.community, request_id, approve=True)
    assert await state(request_id) == ("pending", "", None)
    with pytest.raises(NotFound):
        await decide(as_actor(people.committee), world.community, 999_999, approve=True)


async def test_failed_approval_writes_no_decision_and_no_audit_row(
    world: World, people: People
) -> None:
    """The household is full: the whole decision rolls back, audit row included."""
    await set_household_cap(world.community, 1)
    request_id = await ask(world, people.newcomer.id, label="9栋909")  # already has the resident
    with pytest.raises(Invalid, match="already has 1 verified"):
        await decide(as_actor(people.committee), world.community, request_id, approve=True)
    assert await state(request_id) == ("pending", "", None)
    stored = await membership(world.community, people.newcomer)
    assert stored is not None and stored.verified_at is None
    assert (await household(world.community, "9栋909")).verified_count == 1
    assert await audit("communities.decide_verification") == []


async def test_request_superseded_by_a_code_cannot_be_decided(world: World, people: People) -> None:
    request_id = await ask(world, people.newcomer.id)
    [issued] = await services.issue_household_codes(None, world.community.id, ["5栋501"], now=now())
    await services.redeem_household_code(
        as_actor(people.newcomer), world.community.id, issued.code, now=now()
    )
    with pytest.raises(Conflict):
        await decide(as_actor(people.committee), world.community, request_id, approve=True)
    assert (await state(request_id))[0] == "superseded"
    assert (await household(world.community, "5栋501")).verified_count == 1
