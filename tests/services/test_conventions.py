"""Conventions (小区公约) through their services, on SQLite and PostgreSQL: a draft opened by
the committee, amendments proposed, supported and decided into versions, conflicts refused
whole, and the ratification vote: one vote per voter or household under parallel requests,
paper votes, its window, quorum and result."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from participation.accounts.models import User
from participation.audit.models import AuditEntry
from participation.conventions import queries, services
from participation.conventions.models import (
    Amendment,
    AmendmentSupport,
    Convention,
    ConventionVersion,
    RatificationVote,
)
from participation.conventions.rules import Phase
from participation.core.errors import Conflict, Invalid, NotAllowed
from participation.core.permissions import Actor
from participation.notifications.models import Notification
from tests.support import World, make_committee, make_user, make_verified, now

ARTICLES = [
    "居民应当爱护小区绿地，不踩踏草坪。",
    "不在楼道堆放杂物。",
    "不高空抛物。",
    "养犬出门须牵绳。",
    "垃圾分类投放。",
]


def by(user: User) -> Actor:
    return Actor(user_id=user.id)


async def committee_of(world: World) -> User:
    user = await make_user("convention-committee", "居委会王主任")
    await make_committee(world.community, user)
    await make_verified(world.community, user, household="居委会")
    return user


async def draft(world: World, committee: User) -> Convention:
    return await services.open_draft(
        by(committee), world.community.id, "玉林小区公约", "为了共同的家园。", ARTICLES, now=now()
    )


async def current_text(convention_id: int) -> list[str]:
    convention = await Convention.get(id=convention_id)
    version = await ConventionVersion.get(id=convention.current_version_id)
    return [article["body"] for article in version.articles]


async def test_a_draft_is_version_one_and_only_the_committee_opens_it(world: World) -> None:
    committee = await committee_of(world)
    resident = await make_user("resident", "张阿姨")
    await make_verified(world.community, resident)
    with pytest.raises(NotAllowed):
        await services.open_draft(by(resident), world.community.id, "公约", "", ARTICLES, now=now())
    convention = await draft(world, committee)
    assert convention.status == Phase.DRAFTING
    assert await current_text(convention.id) == ARTICLES
    assert await ConventionVersion.filter(convention_id=convention.id).count() == 1
    assert await AuditEntry.exists(action="conventions.open_draft")
    with pytest.raises(Invalid):
        await services.open_draft(by(committee), world.community.id, "空的", "", ["  "], now=now())


async def test_amendments_are_decided_into_the_next_version_and_notify(world: World) -> None:
    committee = await committee_of(world)
    author, fan, other = [await make_user(s, s) for s in ("author", "fan", "other")]
    await make_verified(world.community, author, household="1栋101")
    await make_verified(world.community, fan, household="2栋201")
    await make_verified(world.community, other, household="3栋301")
    convention = await draft(world, committee)
    here = world.community.id
    change = await services.propose_amendment(
        by(author),
        here,
        convention.id,
        "change",
        1,
        "居民必须爱护小区绿地，不踩踏草坪。",
        "更明确",
        now=now(),
    )
    insert = await services.propose_amendment(
        by(author), here, convention.id, "insert", 2, "电动车不进楼道充电。", "防火", now=now()
    )
    delete = await services.propose_amendment(
        by(other), here, convention.id, "delete", 3, "", "与物业规定重复", now=now()
    )
    for _ in range(2):  # once: the second time changes nothing
        await services.support_amendment(by(fan), here, change.id, supported=True, now=now())
    assert (await Amendment.get(id=change.id)).support_count == 1
    with pytest.raises(NotAllowed):  # not one's own
        await services.support_amendment(by(author), here, change.id, supported=True, now=now())
    await services.support_amendment(by(fan), here, delete.id, supported=True, now=now())
    await services.support_amendment(by(fan), here, delete.id, supported=False, now=now())
    assert not await AmendmentSupport.exists(amendment_id=delete.id)

    with pytest.raises(Invalid):  # a rejection says why
        await services.decide_amendments(
            by(committee), here, convention.id, [services.Decision(delete.id, False, "")], now=now()
        )
    version = await services.decide_amendments(
        by(committee),
        here,
        convention.id,
        [
            services.Decision(change.id, True, ""),
            services.Decision(insert.id, True, "采纳"),
            services.Decision(delete.id, False, "物业规定不是公约"),
        ],
        now=now(),
    )
    assert version is not None and version.number == 2
    assert await current_text(convention.id) == [
        "居民必须爱护小区绿地，不踩踏草坪。",
        "不在楼道堆放杂物。",
        "电动车不进楼道充电。",
        *ARTICLES[2:],
    ]
    assert (await Amendment.get(id=delete.id)).status == "rejected"
    notified = await Notification.filter(kind="conventions.amendment_accepted").values_list(
        "user_id", flat=True
    )
    assert sorted(notified) == sorted([author.id, fan.id, author.id])  # change (+fan), insert
    assert await Notification.exists(user_id=other.id, kind="conventions.amendment_rejected")
    page = await queries.convention_page(here, convention.id, fan.id)
    assert [a.article_number for a in page.by_article[1]] == [1]
    _old, _new, rows = await queries.compare_versions(here, convention.id, 1, 2)
    assert [(r.old_number, r.new_number, r.changed) for r in rows] == [
        (1, 1, True),
        (2, 2, False),
        (None, 3, True),
        (3, 4, False),
        (4, 5, False),
        (5, 6, False),
    ]
    assert [p.kind for p in rows[0].pieces] == ["same", "del", "ins", "same"]


async def test_two_changes_to_one_article_conflict_and_nothing_is_written(world: World) -> None:
    committee = await committee_of(world)
    first, second = await make_user("first"), await make_user("second")
    await make_verified(world.community, first, household="1栋101")
    await make_verified(world.community, second, household="2栋201")
    convention = await draft(world, committee)
    here = world.community.id
    a = await services.propose_amendment(
        by(first), here, convention.id, "change", 2, "不在楼道和门厅堆放杂物。", "门厅", now=now()
    )
    b = await services.propose_amendment(
        by(second), here, convention.id, "change", 2, "楼道内不堆放任何物品。", "更严", now=now()
    )
    decisions = [services.Decision(a.id, True, ""), services.Decision(b.id, True, "")]
    with pytest.raises(Conflict) as refused:
        await services.decide_amendments(by(committee), here, convention.id, decisions, now=now())
    assert refused.value.params == {"amendment": b.id, "other": a.id}
    assert await ConventionVersion.filter(convention_id=convention.id).count() == 1
    assert await Amendment.filter(convention_id=convention.id, status="open").count() == 2
    await services.decide_amendments(by(committee), here, convention.id, decisions[:1], now=now())
    # Written for the text before the first was accepted: refused, never applied on a guess.
    with pytest.raises(Conflict):
        await services.decide_amendments(
            by(committee), here, convention.id, decisions[1:], now=now()
        )
    assert await current_text(convention.id) == [
        ARTICLES[0],
        "不在楼道和门厅堆放杂物。",
        *ARTICLES[2:],
    ]


async def voters(world: World, count: int, *, same_household: bool = False) -> list[User]:
    people = []
    for i in range(count):
        user = await make_user(f"voter-{i}", f"居民{i}")
        await make_verified(
            world.community, user, household="1栋101" if same_household else f"{i}栋"
        )
        people.append(user)
    return people


async def scheduled(world: World, committee: User, *, mode: str = "resident", quorum: int = 30):
    convention = await draft(world, committee)
    rules = services.VoteRules(
        mode=mode,
        quorum_percent=quorum,
        majority="two_thirds",
        opens_at=now() - timedelta(hours=1),
        closes_at=now() + timedelta(days=7),
    )
    ratification = await services.schedule_ratification(
        by(committee), world.community.id, convention.id, rules, now=now()
    )
    return convention, ratification


async def test_open_amendments_hold_back_the_vote(world: World) -> None:
    committee = await committee_of(world)
    resident = await make_user("resident")
    await make_verified(world.community, resident)
    convention = await draft(world, committee)
    await services.propose_amendment(
        by(resident), world.community.id, convention.id, "delete", 5, "", "重复", now=now()
    )
    rules = services.VoteRules("resident", 30, "simple", now(), now() + timedelta(days=1))
    with pytest.raises(Invalid):
        await services.schedule_ratification(
            by(committee), world.community.id, convention.id, rules, now=now()
        )


async def test_twenty_parallel_votes_of_one_voter_are_one_vote(world: World) -> None:
    committee = await committee_of(world)
    [voter] = await voters(world, 1)
    _convention, ratification = await scheduled(world, committee)
    results = await asyncio.gather(
        *(
            services.cast_vote(
                by(voter), world.community.id, ratification.id, ("yes", "no")[i % 2], now=now()
            )
            for i in range(20)
        ),
        return_exceptions=True,
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert await RatificationVote.filter(ratification_id=ratification.id).count() == 1


async def test_a_household_has_one_vote_and_its_last_choice_counts(world: World) -> None:
    committee = await committee_of(world)
    one, two = await voters(world, 2, same_household=True)
    _convention, ratification = await scheduled(world, committee, mode="household")
    here = world.community.id
    await asyncio.gather(
        services.cast_vote(by(one), here, ratification.id, "yes", now=now()),
        services.cast_vote(by(two), here, ratification.id, "yes", now=now()),
    )
    await services.cast_vote(by(two), here, ratification.id, "no", now=now())
    [vote] = await RatificationVote.filter(ratification_id=ratification.id)
    assert (vote.choice, vote.voter_id) == ("no", two.id)


async def test_who_may_vote_and_when(world: World) -> None:
    committee = await committee_of(world)
    [voter] = await voters(world, 1)
    newcomer, stranger = await make_user("newcomer"), await make_user("stranger")
    from participation.communities import services as communities

    await communities.join_community(by(newcomer), world.community.id, now=now())
    await make_verified(world.other, stranger)
    _convention, ratification = await scheduled(world, committee)
    here = world.community.id
    for outsider in (newcomer, stranger):
        with pytest.raises(NotAllowed):
            await services.cast_vote(by(outsider), here, ratification.id, "yes", now=now())
    with pytest.raises(Invalid, match="not opened"):
        await services.cast_vote(
            by(voter), here, ratification.id, "yes", now=now() - timedelta(hours=2)
        )
    with pytest.raises(Invalid, match="closed"):
        await services.cast_vote(
            by(voter), here, ratification.id, "yes", now=now() + timedelta(days=8)
        )
    with pytest.raises(Invalid):
        await services.cast_vote(by(voter), here, ratification.id, "maybe", now=now())
    assert not await RatificationVote.exists(ratification_id=ratification.id)


async def test_paper_votes_count_and_stand(world: World) -> None:
    committee = await committee_of(world)
    elder, online = await voters(world, 2)
    _convention, ratification = await scheduled(world, committee)
    here = world.community.id
    await services.enter_paper_vote(
        by(committee), here, ratification.id, elder.id, "yes", now=now()
    )
    with pytest.raises(Conflict):
        await services.cast_vote(by(elder), here, ratification.id, "no", now=now())
    await services.cast_vote(by(online), here, ratification.id, "no", now=now())
    with pytest.raises(Conflict):
        await services.enter_paper_vote(
            by(committee), here, ratification.id, online.id, "yes", now=now()
        )
    with pytest.raises(NotAllowed):  # the committee's alone
        await services.enter_paper_vote(
            by(online), here, ratification.id, elder.id, "no", now=now()
        )
    vote = await RatificationVote.get(ratification_id=ratification.id, voter_id=elder.id)
    assert (vote.channel, vote.entered_by_id) == ("paper", committee.id)
    assert await AuditEntry.exists(action="conventions.enter_paper_vote")


async def test_the_result_is_counted_once_and_a_failed_quorum_is_not_a_rejection(
    world: World,
) -> None:
    committee = await committee_of(world)
    people = await voters(world, 9)  # with the committee member: 10 verified residents
    convention, ratification = await scheduled(world, committee, quorum=30)
    here = world.community.id
    for person, choice in zip(people[:3], ("yes", "yes", "no"), strict=True):
        await services.cast_vote(by(person), here, ratification.id, choice, now=now())
    later = now() + timedelta(days=8)
    with pytest.raises(NotAllowed):  # not yet over
        await services.count_ratification(by(committee), here, ratification.id, now=now())
    counted = await services.count_ratification(by(committee), here, ratification.id, now=later)
    assert (counted.outcome, counted.yes, counted.no, counted.eligible) == ("adopted", 2, 1, 10)
    with pytest.raises(NotAllowed):  # once
        await services.count_ratification(by(committee), here, ratification.id, now=later)
    adopted = await Convention.get(id=convention.id)
    assert adopted.status == "adopted" and adopted.adopted_version_id == ratification.version_id
    assert await Notification.filter(kind="conventions.result").count() == 10

    # A revision starts from the adopted text, which stays in force meanwhile.
    await services.start_revision(by(committee), here, convention.id, now=later)
    revised = await Convention.get(id=convention.id)
    assert (revised.status, revised.adopted_version_id) == ("drafting", ratification.version_id)

    second = await services.open_draft(
        by(committee), here, "停车公约", "", ["车辆按位停放。"], now=now()
    )
    rules = services.VoteRules("resident", 30, "simple", now(), now() + timedelta(days=1))
    vote = await services.schedule_ratification(by(committee), here, second.id, rules, now=now())
    await services.cast_vote(by(people[0]), here, vote.id, "yes", now=now())
    result = await services.count_ratification(None, here, vote.id, now=later)
    assert result.outcome == "no_quorum"
    assert (await Convention.get(id=second.id)).status == "not_adopted"


async def test_the_scheduler_counts_closed_votes_once(world: World) -> None:
    from participation.jobs import run_all

    committee = await committee_of(world)
    [voter] = await voters(world, 1)
    convention, ratification = await scheduled(world, committee)
    await services.cast_vote(by(voter), world.community.id, ratification.id, "yes", now=now())
    later = now() + timedelta(days=8)
    assert "conventions: 0 closed votes counted" in await run_all(now())
    assert "conventions: 1 closed votes counted" in await run_all(later)
    assert "conventions: 0 closed votes counted" in await run_all(later)
    assert (await Convention.get(id=convention.id)).status == "adopted"


async def test_a_day_before_closing_those_who_have_not_voted_are_told_once(
    world: World,
) -> None:
    from participation.jobs import run_all

    committee = await committee_of(world)
    voted, one, two = await voters(world, 3, same_household=False)
    housemate = await make_user("housemate", "同住的人")
    await make_verified(world.community, housemate, household="2栋")  # two's household
    _convention, ratification = await scheduled(world, committee, mode="household")
    here = world.community.id
    await services.cast_vote(by(voted), here, ratification.id, "yes", now=now())
    await services.cast_vote(by(housemate), here, ratification.id, "no", now=now())

    closing = now() + timedelta(days=6, hours=1)  # the vote closes in 23 hours
    assert "conventions: 0 voters told a vote closes soon" in await run_all(now())
    assert "conventions: 2 voters told a vote closes soon" in await run_all(closing)
    assert "conventions: 0 voters told a vote closes soon" in await run_all(closing)
    told = await Notification.filter(kind="conventions.vote_closing").values_list(
        "user_id", flat=True
    )
    # Not the voter, nor the one whose household has voted; the committee member (verified
    # in a household of their own) and the household that has not voted are told.
    assert sorted(told) == sorted([one.id, committee.id])
    assert two.id not in told


async def test_open_data_has_every_version_and_the_result_but_no_voter(world: World) -> None:
    committee = await committee_of(world)
    [voter] = await voters(world, 1)
    convention, ratification = await scheduled(world, committee, quorum=10)
    here = world.community.id
    await services.cast_vote(by(voter), here, ratification.id, "yes", now=now())
    await services.count_ratification(None, here, ratification.id, now=now() + timedelta(days=8))
    data = await queries.open_data(here, convention.id, "yulin")
    assert [v["number"] for v in data["versions"]] == [1]
    assert data["versions"][0]["articles"][3] == {"number": 4, "key": 4, "text": ARTICLES[3]}
    [result] = [r["result"] for r in data["ratifications"]]
    assert result["outcome"] == "adopted" and (result["yes"], result["eligible"]) == (1, 2)
    assert voter.display_name not in str(data)
