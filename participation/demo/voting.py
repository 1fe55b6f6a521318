"""Two demo votes: a spring round already counted and published (so the explained results,
the chart and the downloads can be seen), and a winter round open now."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from participation.accounts.services import create_offline_users
from participation.communities.services import enrol_verified_residents
from participation.core.permissions import Actor
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting import services
from participation.voting.models import RoundProject, VotingRound
from participation.voting.open_data import ProposalUrl

SPRING = [
    ("东门口袋花园：月季和薄荷", "pocket_garden", 6000),
    ("2栋楼顶晾衣架翻新", "facilities", 3500),
    ("小广场长椅和遮阳伞", "elderly_care", 4500),
    ("楼道感应灯", "facilities", 2500),
    ("亲子自然观察课", "culture", 1500),
]
WINTER = [
    ("5栋门口花箱", "balcony_flowers", 2000),
    ("旧物交换角", "cleanup", 1200),
    ("雨棚下的快递架", "facilities", 3000),
]
DEMO_VOTERS = 40


async def seed_voting(
    community_id: int,
    residents: list[int],
    committee_id: int,
    now: datetime,
    proposal_url: ProposalUrl,
) -> None:
    if await VotingRound.exists(community_id=community_id):
        return
    committee = Actor(user_id=committee_id)
    voters = [*residents, *await _demo_voters(community_id, now - timedelta(days=120))]
    rnd = random.Random(2026)  # noqa: S311 - made-up demo ballots, not secrets

    spring_start = now - timedelta(days=75)
    spring_ids = await _accepted(community_id, residents, committee, SPRING, spring_start)
    spring = await services.create_round(
        committee,
        community_id,
        services.RoundInput(
            title="2026 年春季社区微基金",
            description="社区基金 ¥12,000，大家一起决定资助哪些微项目。",
            budget_yuan=12_000,
            opens_at=spring_start + timedelta(days=10),
            closes_at=spring_start + timedelta(days=24),
            proposal_ids=tuple(spring_ids),
        ),
        now=spring_start + timedelta(days=5),
    )
    await services.open_round(
        committee, community_id, spring.id, now=spring_start + timedelta(days=6)
    )
    projects = await RoundProject.filter(round_id=spring.id).order_by("position")
    # Tastes differ: most like the garden, a group of older residents wants benches and light.
    for index, voter in enumerate(voters):
        if index % 4 == 0:
            wanted = [projects[2], projects[3]]
        else:
            wanted = [p for p in projects if rnd.random() < (0.8 if p is projects[0] else 0.35)]
            wanted = wanted or [projects[0]]
        chosen, total = [], 0
        for project in wanted:
            if total + project.cost_yuan <= 12_000:
                chosen.append(project.id)
                total += project.cost_yuan
        await services.cast_ballot(
            Actor(user_id=voter),
            community_id,
            spring.id,
            chosen,
            now=spring_start + timedelta(days=11, minutes=index),
        )
    await services.close_round(None, community_id, spring.id, now=spring_start + timedelta(days=24))
    await services.publish_round(
        committee,
        community_id,
        spring.id,
        now=spring_start + timedelta(days=25),
        proposal_url=proposal_url,
    )

    winter_start = now - timedelta(days=2)
    winter_ids = await _accepted(community_id, residents, committee, WINTER, winter_start)
    leftover = [
        project.proposal_id
        for project in await RoundProject.filter(round_id=spring.id, funded=False)
    ]
    winter = await services.create_round(
        committee,
        community_id,
        services.RoundInput(
            title="2026 年冬季社区微基金",
            description="社区基金 ¥8,000。春季未获资助的项目也可以再投。",
            budget_yuan=8_000,
            opens_at=winter_start + timedelta(days=1),
            closes_at=now + timedelta(days=14),
            vote_unit="household",
            proposal_ids=(*winter_ids, *leftover),
        ),
        now=winter_start,
    )
    await services.open_round(committee, community_id, winter.id, now=winter_start)
    winter_projects = await RoundProject.filter(round_id=winter.id).order_by("position")
    for index, voter in enumerate(voters[3:15]):
        await services.cast_ballot(
            Actor(user_id=voter),
            community_id,
            winter.id,
            [winter_projects[index % len(winter_projects)].id],
            now=winter_start + timedelta(days=1, hours=index),
        )


async def _accepted(
    community_id: int,
    residents: list[int],
    committee: Actor,
    items: list[tuple[str, str, int]],
    at: datetime,
) -> list[int]:
    ids = []
    for index, (title, category, cost) in enumerate(items):
        author = Actor(user_id=residents[index % len(residents)])
        proposal = await proposals.create_proposal(
            author,
            community_id,
            proposals.ProposalInput(title, f"{title}。详见社区公告栏。", category, str(cost)),
            now=at,
        )
        await proposals.move_as_author(author, community_id, proposal.id, Status.SUBMITTED, now=at)
        await proposals.review(
            committee, community_id, proposal.id, Status.ACCEPTED, reason="", now=at
        )
        ids.append(proposal.id)
    return ids


async def _demo_voters(community_id: int, at: datetime) -> list[int]:
    """Verified neighbours who never sign in: enough ballots for the results to say something."""
    names = [f"邻居{i:02d}" for i in range(DEMO_VOTERS)]
    labels = [f"{8 + i // 10}栋{101 + i}" for i in range(DEMO_VOTERS)]
    user_ids = await create_offline_users(names, now=at)
    await enrol_verified_residents(community_id, list(zip(user_ids, labels, strict=True)), now=at)
    return user_ids
