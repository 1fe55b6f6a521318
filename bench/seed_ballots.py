"""Seed an open voting round (10 projects, budget ¥20,000) and 2,000 verified voters, and write
one line per voter for bench/ballots.lua: a signed session cookie and the ballot to post.

Rows go in with bulk inserts: the benchmark measures casting ballots, not seeding.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from base64 import b64encode
from datetime import UTC, datetime, timedelta

import itsdangerous

from participation.accounts.models import User
from participation.accounts.queries import find_user_by_name
from participation.accounts.services import create_offline_users
from participation.communities.models import Community, Membership
from participation.communities.services import enrol_verified_residents
from participation.core import db
from participation.core.permissions import Actor
from participation.demo.seed import RESIDENTS, seed_demo
from participation.proposals import services as proposals
from participation.proposals.rules import Status
from participation.voting import services
from participation.voting.models import RoundProject
from web.core.app import SESSION_COOKIE

VOTERS = 2_000
CSRF = "b" * 43


async def main(out_path: str) -> str:
    """Seeds, writes the voters' file and returns the path ballots are posted to."""
    url = os.environ["HUAKAI_DATABASE_URL"]
    await db.connect(url)
    try:
        await db.migrate(url)
        await seed_demo("demo", datetime.now(UTC))
        community = await Community.get(slug="yulin-east")
        committee = await Membership.filter(community_id=community.id, is_committee=True).first()
        assert committee is not None
        boss = Actor(user_id=committee.user_id)
        resident = await find_user_by_name(RESIDENTS[0][1])
        assert resident is not None
        author = Actor(user_id=resident.id)
        now = datetime.now(UTC)
        ids = []
        for i in range(10):
            data = proposals.ProposalInput(f"压测项目 {i}", "种花", "greening", str(1000 + 500 * i))
            proposal = await proposals.create_proposal(author, community.id, data, now=now)
            pid = proposal.id
            await proposals.move_as_author(author, community.id, pid, Status.SUBMITTED, now=now)
            await proposals.review(boss, community.id, pid, Status.ACCEPTED, reason="", now=now)
            ids.append(pid)
        voting = await services.create_round(
            boss,
            community.id,
            services.RoundInput(
                "压测投票",
                "",
                20_000,
                now - timedelta(hours=1),
                now + timedelta(days=1),
                proposal_ids=tuple(ids),
            ),
            now=now,
        )
        await services.open_round(boss, community.id, voting.id, now=now)
        projects = [p.id for p in await RoundProject.filter(round_id=voting.id)]
        names = [f"投票人{i}" for i in range(VOTERS)]
        households = [f"压测{i}" for i in range(VOTERS)]
        user_ids = await create_offline_users(names, now=now)
        residents = list(zip(user_ids, households, strict=True))
        await enrol_verified_residents(community.id, residents, now=now)
        users = await User.filter(id__in=user_ids).order_by("id")
        signer = itsdangerous.TimestampSigner(os.environ["HUAKAI_SECRET_KEY"])
        rnd = random.Random(7)
        with open(out_path, "w") as out:
            for user in users:
                session = {"uid": user.id, "sv": user.session_version, "csrf": CSRF}
                cookie = signer.sign(b64encode(json.dumps(session).encode())).decode()
                chosen = rnd.sample(projects, k=rnd.randint(1, 4))
                body = "&".join([f"csrf_token={CSRF}", *(f"projects={p}" for p in chosen)])
                out.write(f"{SESSION_COOKIE}={cookie}\t{body}\n")
        return f"/c/yulin-east/rounds/{voting.id}/ballot"
    finally:
        await db.disconnect()


if __name__ == "__main__":
    print(asyncio.run(main(sys.argv[1])))
