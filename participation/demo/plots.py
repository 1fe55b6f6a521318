"""Demo plots around 玉林东路: some adopted by two volunteer teams with care logs and photos,
one request waiting for the committee, one team on a waiting list, one plot gone quiet."""

from __future__ import annotations

from datetime import datetime, timedelta

from participation.core.permissions import Actor
from participation.demo.proposals import demo_photo
from participation.media.services import PhotoUpload
from participation.media.storage import Storage
from participation.plots import adoption, care, jobs, queries, services, teams
from participation.plots.models import Plot
from participation.plots.plot_input import PlotInput

# Name, kind, place, offset east and north of 玉林东路 (in 1/10,000 of a degree), care needs.
DEMO_PLOTS = (
    ("银杏树下一号花坛", "flowerbed", "玉林东路12号门口", (0, 0), "夏季每周浇水两次，春秋每周一次"),
    ("银杏树下二号花坛", "flowerbed", "玉林东路12号门口", (3, 1), "夏季每周浇水两次"),
    ("三栋北侧花墙", "flower_wall", "3栋北侧围墙", (8, 5), "滴灌，每周检查一次管子"),
    ("拐角口袋花园", "pocket_garden", "玉林东路与玉林北路拐角", (14, 9), "除草、补种时令花"),
    ("小学门口树池", "tree_pit", "玉林小学东门", (-6, 12), "每月清理烟头和落叶"),
    ("单元门口花箱", "planter", "5栋1单元门口", (11, -4), "每周浇水一次"),
    ("菜市场背后花坛", "flowerbed", "玉林菜市场北侧", (-12, -7), "冬季覆盖保暖"),
    ("公交站旁花箱", "planter", "玉林东路公交站", (18, -2), "每周浇水一次"),
    ("老年活动室花墙", "flower_wall", "社区老年活动室", (-3, -10), "藤本月季，需要牵引"),
    ("篮球场边花坛", "flowerbed", "社区篮球场东侧", (6, 15), "正在改造，暂停认领"),
)
CENTRE = (30.6340, 104.0510)


async def seed_plots(
    community_id: int, residents: list[int], committee_id: int, storage: Storage, now: datetime
) -> None:
    if await Plot.exists(community_id=community_id):
        return
    committee = Actor(user_id=committee_id)
    start = now - timedelta(days=40)
    plot_ids = []
    for name, kind, place, (east, north), needs in DEMO_PLOTS:
        plot = await services.create_plot(
            committee,
            community_id,
            PlotInput(
                name,
                kind,
                location=place,
                latitude=f"{CENTRE[0] + north / 10_000:.6f}",
                longitude=f"{CENTRE[1] + east / 10_000:.6f}",
                care_needs=needs,
            ),
            now=start,
        )
        plot_ids.append(plot.id)
    await services.set_plot_status(committee, community_id, plot_ids[9], "resting", now=start)

    tian, li, zhang = (Actor(user_id=user_id) for user_id in residents)
    guardians = await teams.found_team(
        tian,
        community_id,
        teams.TeamInput("玉林护花使者队", "每周六上午一起浇水除草，欢迎邻居加入。", "open"),
        now=start,
    )
    await teams.join_team(li, community_id, guardians.id, now=start)
    ginkgo = await teams.found_team(
        zhang,
        community_id,
        teams.TeamInput("银杏花友会", "喜欢养花的邻居，加入请先打个招呼。", "request"),
        now=start,
    )

    async def adopt(
        team_id: int, leader: Actor, plot_id: int, since: datetime, term: int = 6
    ) -> None:
        made = await adoption.request_adoption(
            leader, community_id, plot_id, team_id, term, now=since
        )
        await adoption.decide_adoption(committee, community_id, made.id, True, "", now=since)

    for index in (0, 1):
        await adopt(guardians.id, tian, plot_ids[index], start + timedelta(days=1))
    # A three-month term that ends in ten days: its leaders are reminded to renew.
    await adopt(guardians.id, tian, plot_ids[2], now - timedelta(days=80), term=3)
    await adopt(ginkgo.id, zhang, plot_ids[3], start + timedelta(days=2))
    # A plot adopted three weeks ago and never cared for: the team gets a lapse warning.
    await adopt(ginkgo.id, zhang, plot_ids[6], now - timedelta(days=21))
    # The ginkgo club would like the guardians' plot too: it waits in line.
    await adoption.request_adoption(zhang, community_id, plot_ids[0], ginkgo.id, 6, now=now)
    # A request the committee has not decided yet.
    await adoption.request_adoption(tian, community_id, plot_ids[5], guardians.id, 12, now=now)
    named = await queries.active_adoption(plot_ids[0])
    assert named is not None
    await adoption.set_nickname(tian, community_id, named.id, "小银杏", now=now)

    water = await care.add_task(
        tian, community_id, plot_ids[0], "watering", "3", "早上8点前浇透", now=start
    )
    await care.assign_week(
        tian, community_id, water.id, now.date(), [tian.user_id or 0, li.user_id or 0], now=now
    )
    logs = [
        (tian, plot_ids[0], "watering", 30, "浇透了，月季开了三朵。", 12),
        (li, plot_ids[0], "weeding", 45, "拔了一袋草。", 9),
        (tian, plot_ids[1], "planting", 60, "补种了二十株三角梅。", 6),
        (li, plot_ids[2], "watering", 20, "", 4),
        (tian, plot_ids[0], "watering", 30, "", 2),
        (zhang, plot_ids[3], "cleaning", 40, "清走了烟头和塑料袋。", 1),
    ]
    for index, (member, plot_id, kind, minutes, note, days_ago) in enumerate(logs):
        upload = (
            PhotoUpload(demo_photo(100 + index, 1200, 900), "浇水后的花坛", storage)
            if index % 2 == 0
            else None
        )
        await care.log_care(
            member,
            community_id,
            plot_id,
            care.CareInput(kind=kind, minutes=str(minutes), note=note),
            upload=upload,
            now=now - timedelta(days=days_ago),
        )
    await jobs.follow_up_lapses(now)
    await jobs.remind_terms_ending(now)
