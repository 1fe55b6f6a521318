"""A dozen demo micro-projects in every state of the lifecycle, with generated photos, so a
newcomer sees proposals, supports, review, comments and progress. Idempotent."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from PIL import Image, ImageDraw

from participation.core.permissions import Actor
from participation.media.storage import Storage
from participation.proposals import comments, progress, services
from participation.proposals.models import Proposal
from participation.proposals.rules import Status


@dataclass(frozen=True)
class DemoProposal:
    title: str
    body: str
    category: str
    cost: int
    location: str
    path: tuple[Status, ...]  # statuses after submission, in order
    reason: str = ""
    photo: str = ""  # alt text of a generated photo, if any


S = Status
DEMO_PROPOSALS = (
    DemoProposal(
        "3栋北侧拐角变口袋花园",
        "3栋北侧的拐角空地堆满杂物，夏天还有蚊子。\n\n我们想清理出来，铺上透水砖，种月季、薄荷和三角梅，放两张长椅，让老人们有个坐下聊天的地方。",
        "pocket_garden",
        6800,
        "3栋北侧拐角",
        (S.SUBMITTED, S.ACCEPTED, S.SELECTED, S.IN_PROGRESS, S.COMPLETED),
        photo="3栋北侧拐角空地现状",
    ),
    DemoProposal(
        "点亮我家小阳台：楼道花箱",
        "每个单元门口和二楼平台放两个花箱，由住户轮流浇水。",
        "balcony_flowers",
        2400,
        "1至5栋单元门口",
        (S.SUBMITTED, S.ACCEPTED, S.SELECTED, S.IN_PROGRESS),
        photo="单元门口的空平台",
    ),
    DemoProposal(
        "玉林东路花墙补种",
        "沿街花墙有三段枯死了，补种耐旱的花草。",
        "greening",
        3500,
        "玉林东路沿街花墙",
        (S.SUBMITTED, S.ACCEPTED, S.SELECTED),
    ),
    DemoProposal(
        "单元门口自行车棚整理",
        "车棚里有很多僵尸车，清理后画线分区，再加一个充电桩。",
        "facilities",
        4200,
        "2栋车棚",
        (S.SUBMITTED, S.ACCEPTED),
    ),
    DemoProposal(
        "垃圾分类宣传角",
        "在垃圾投放点旁边做一块宣传板，周末请志愿者值守。",
        "cleanup",
        1200,
        "东门垃圾投放点",
        (S.SUBMITTED, S.ACCEPTED),
    ),
    DemoProposal(
        "老年活动室添置桌椅",
        "活动室的桌椅坏了好几张，老人们下棋打牌都不方便。",
        "elderly_care",
        3000,
        "社区活动中心一楼",
        (S.SUBMITTED,),
    ),
    DemoProposal(
        "周末社区电影夜",
        "夏天每月一次，在小广场放露天电影。",
        "culture",
        800,
        "小广场",
        (S.SUBMITTED,),
    ),
    DemoProposal(
        "雨水花园试点",
        "把小广场边的低洼处改成雨水花园，下雨不再积水。",
        "pocket_garden",
        9000,
        "小广场东侧",
        (S.SUBMITTED,),
        photo="下雨后积水的低洼地",
    ),
    DemoProposal(
        "儿童游乐区遮阳棚",
        "夏天滑梯太烫，孩子们没法玩。",
        "facilities",
        12000,
        "儿童游乐区",
        (S.SUBMITTED, S.NEEDS_CHANGES),
        reason="请补充遮阳棚的材料和两家报价。",
    ),
    DemoProposal(
        "屋顶菜园",
        "在6栋屋顶种菜，住户认领菜地。",
        "greening",
        15000,
        "6栋屋顶",
        (S.SUBMITTED, S.REJECTED),
        reason="经物业核实，6栋屋顶承重和防水都不满足要求。",
    ),
    DemoProposal(
        "树池护栏更换", "树池护栏生锈了。", "greening", 2000, "主干道树池", (S.WITHDRAWN,)
    ),
    DemoProposal("楼道墙绘", "请美院学生和孩子们一起画楼道。", "culture", 1500, "4栋楼道", ()),
)


def demo_photo(seed: int, width: int = 1600, height: int = 1200) -> bytes:
    """A simple generated picture of a corner lot: sky, ground and a few flowers."""
    rnd = random.Random(seed)  # noqa: S311 - a picture, not a secret
    image = Image.new("RGB", (width, height), (178, 210, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 0.55, width, height), fill=(150, 135, 110))
    draw.rectangle((width * 0.05, height * 0.15, width * 0.35, height * 0.6), fill=(200, 195, 185))
    for _ in range(60):
        x, y = rnd.uniform(0, width), rnd.uniform(height * 0.6, height)
        r = rnd.uniform(10, 40)
        colour = rnd.choice([(220, 60, 90), (250, 200, 60), (240, 130, 170), (70, 150, 70)])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


async def seed_proposals(
    community_id: int,
    residents: list[int],
    committee_id: int,
    storage: Storage,
    now: datetime,
) -> None:
    if await Proposal.exists(community_id=community_id):
        return
    committee = Actor(user_id=committee_id)
    start = now - timedelta(days=60)
    for index, demo in enumerate(DEMO_PROPOSALS):
        author = Actor(user_id=residents[index % len(residents)])
        at = start + timedelta(days=index * 4)
        proposal = await services.create_proposal(
            author,
            community_id,
            services.ProposalInput(
                demo.title, demo.body, demo.category, str(demo.cost), demo.location
            ),
            now=at,
        )
        if demo.photo:
            await services.attach_photo(
                author, community_id, proposal.id, demo_photo(index), demo.photo, storage, now=at
            )
        for step, target in enumerate(demo.path):
            when = at + timedelta(days=1 + step)
            if target in (Status.SUBMITTED, Status.WITHDRAWN):
                await services.move_as_author(author, community_id, proposal.id, target, now=when)
                if target is Status.SUBMITTED:
                    await _support(community_id, proposal.id, residents, author, index, when)
            else:
                await services.review(
                    committee, community_id, proposal.id, target, reason=demo.reason, now=when
                )
        if Status.SUBMITTED in demo.path and index % 3 == 0:
            neighbour = Actor(user_id=residents[(index + 1) % len(residents)])
            await comments.post_comment(
                neighbour,
                community_id,
                proposal.id,
                "好主意！我可以帮忙浇水。",
                now=at + timedelta(days=2),
            )
        if demo.path[-1:] and demo.path[-1] in (Status.IN_PROGRESS, Status.COMPLETED):
            await progress.post_update(
                author,
                community_id,
                proposal.id,
                "杂物已经清走，周六上午开始铺砖，欢迎邻居来帮忙。",
                now=at + timedelta(days=8),
            )


async def _support(
    community_id: int,
    proposal_id: int,
    residents: list[int],
    author: Actor,
    index: int,
    now: datetime,
) -> None:
    for resident in residents[: 1 + index % len(residents)]:
        if resident != author.user_id:
            await services.support(Actor(user_id=resident), community_id, proposal_id, now=now)
