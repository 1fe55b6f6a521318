"""Two demo conventions (小区公约): the residents' convention, amended in two rounds and adopted
by a household vote weeks ago (online and paper votes), and a dog-keeping convention still
being drafted, with open amendments neighbours support."""

from __future__ import annotations

from datetime import datetime, timedelta

from participation.communities.queries import electorate
from participation.conventions import services
from participation.conventions.models import Convention
from participation.conventions.rules import Phase
from participation.core.permissions import Actor

ADOPTED_TITLE = "玉林东路社区居民公约"
ADOPTED_PREAMBLE = (
    "为了把玉林东路社区建设成整洁、安静、友善的家园，让每一户居民都住得舒心，"
    "经居民共同讨论、逐条修改，制定本公约。本公约由全体居民共同遵守，"
    "社区居民委员会负责组织实施。"
)
ADOPTED_ARTICLES = (
    "爱护小区绿地和花草树木，不踩踏草坪，不攀折花木，不在公共绿地里种菜、堆放杂物或晾晒衣物。",
    "生活垃圾按可回收物、厨余垃圾、有害垃圾和其他垃圾分类，定时定点投放，"
    "不在楼道、路边乱扔乱放；大件垃圾和装修垃圾投放到指定地点。",
    "每天晚上十点至次日早上七点为安静时段，装修、广场舞和聚会都避开这一时段，"
    "音量以不影响邻居休息为宜。",
    "文明养宠，遛狗时拴好牵引绳，及时清理宠物粪便，不让宠物进入儿童游乐区。",
    "电动自行车停放在指定车棚，到充电桩充电；严禁在楼道、门厅和室内充电，严禁“飞线”充电。",
    "东门口袋花园由居民共同养护：认领养护的邻居按约定浇水、除草、补种，"
    "大家不随意采摘花果，不在花园里丢烟头。",
    "邻里之间有了矛盾，先心平气和地当面沟通；沟通不成的，"
    "可以请楼栋长或社区人民调解委员会居中调解。",
    "居民应积极参加社区组织的各项活动，服从居委会的管理。",
    "居民发现违反本公约的行为，可以友善提醒，也可以向居委会反映；"
    "居委会每年向居民报告一次本公约的执行情况。",
)
DRAFT_TITLE = "小区文明养犬公约（草案）"
DRAFT_PREAMBLE = (
    "为了让养犬的和不养犬的邻居都住得安心，结合本小区实际，起草本公约，请大家提修改意见。"
)
DRAFT_ARTICLES = (
    "养犬居民依法为犬只办理登记和狂犬病免疫，定期驱虫，犬牌随犬佩戴。",
    "犬只出户一律拴牵引绳，由能控制犬只的成年人牵领，主动避让老人和儿童。",
    "随身携带拾便袋，及时清理犬只粪便，不让犬只在楼道、电梯里便溺。",
    "犬只不进入儿童游乐区、口袋花园和健身区。",
    "晚上十点以后注意犬只吠叫，避免影响邻居休息。",
)


async def seed_conventions(
    community_id: int, resident_ids: list[int], committee_id: int, now: datetime
) -> None:
    if not await Convention.exists(community_id=community_id, title=ADOPTED_TITLE):
        await _adopted(community_id, resident_ids, committee_id, now - timedelta(days=70))
    if not await Convention.exists(community_id=community_id, title=DRAFT_TITLE):
        await _draft(community_id, resident_ids, committee_id, now - timedelta(days=5))


async def _adopted(
    community_id: int, residents: list[int], committee_id: int, start: datetime
) -> None:
    """Version 1 opened at ``start``; two rounds of amendments make versions 2 and 3; the
    household vote on version 3 opens a month in, closes two weeks later and is counted."""
    committee = Actor(user_id=committee_id)
    tian, li, zhang = (Actor(user_id=user_id) for user_id in residents)

    def day(days: int, hours: int = 0) -> datetime:
        return start + timedelta(days=days, hours=hours)

    convention = await services.open_draft(
        committee, community_id, ADOPTED_TITLE, ADOPTED_PREAMBLE, ADOPTED_ARTICLES, now=start
    )
    # Article keys are those of version 1: 3 quiet hours, 4 pets, 5 e-bikes, 2 garbage,
    # 8 the vague "take part and obey", which the second round deletes.
    quiet = await services.propose_amendment(
        tian,
        community_id,
        convention.id,
        "change",
        3,
        "每天晚上十点至次日早上七点、中午十二点半至两点为安静时段，装修、广场舞和聚会"
        "都避开这些时段，音量以不影响邻居休息为宜。",
        "楼里有不少老人和上学的孩子要午睡，中午装修电钻一响就睡不成了。",
        now=day(2),
    )
    balcony = await services.propose_amendment(
        li,
        community_id,
        convention.id,
        "insert",
        5,
        "阳台、窗台上的花盆和晾晒物要放稳、固定牢靠，花架装护栏，防止高空坠落；"
        "欢迎参加“点亮我家小阳台”活动，用花草装点阳台。",
        "去年台风天5栋有花盆从六楼掉下来，差点砸到人。养花是好事，但要放稳。",
        now=day(3),
    )
    all_day = await services.propose_amendment(
        zhang,
        community_id,
        convention.id,
        "change",
        2,
        "生活垃圾按可回收物、厨余垃圾、有害垃圾和其他垃圾分类投放，全天都可以投放，"
        "不在楼道、路边乱扔乱放。",
        "上班族早上七点前就出门，晚上九点后才回来，定时投放的时段根本赶不上。",
        now=day(4),
    )
    for supporter, amendment in ((li, quiet), (zhang, quiet), (tian, balcony), (zhang, balcony)):
        await services.support_amendment(
            supporter, community_id, amendment.id, supported=True, now=day(6)
        )
    await services.support_amendment(li, community_id, all_day.id, supported=True, now=day(7))
    await services.decide_amendments(
        committee,
        community_id,
        convention.id,
        [
            services.Decision(quiet.id, True, "采纳：午休时段确有需要，物业将同步调整装修时间。"),
            services.Decision(
                balcony.id, True, "采纳，新增为一条，并在楼栋群里发放花架护栏的安装说明。"
            ),
            services.Decision(
                all_day.id,
                False,
                "定时定点投放是街道统一的垃圾分类要求，小区公约不能改变；"
                "居委会已和物业商定，晚上九点到十点增加一个投放时段。",
            ),
        ],
        now=day(14),
    )

    obey = await services.propose_amendment(
        zhang,
        community_id,
        convention.id,
        "delete",
        8,
        "",
        "参加社区活动出于自愿，“服从管理”的说法也不合适，公约写清楚大家共同遵守的事就够了。",
        now=day(16),
    )
    leash = await services.propose_amendment(
        tian,
        community_id,
        convention.id,
        "change",
        4,
        "文明养宠，遛狗时拴好牵引绳，牵引绳长度不超过1.5米，乘电梯时收紧牵引绳；"
        "及时清理宠物粪便，不让宠物进入儿童游乐区和口袋花园。",
        "口袋花园新种的薄荷被狗刨过两次，绳子太长也吓到过小朋友。",
        now=day(17),
    )
    await services.support_amendment(li, community_id, obey.id, supported=True, now=day(18))
    await services.support_amendment(li, community_id, leash.id, supported=True, now=day(18))
    await services.move_phase(
        committee, community_id, convention.id, Phase.CONSOLIDATION, now=day(21)
    )
    await services.decide_amendments(
        committee,
        community_id,
        convention.id,
        [
            services.Decision(obey.id, True, "采纳，删除这一条。"),
            services.Decision(leash.id, True, "采纳。"),
        ],
        now=day(24),
    )

    ratification = await services.schedule_ratification(
        committee,
        community_id,
        convention.id,
        services.VoteRules(
            mode="household",
            quorum_percent=30,
            majority="two_thirds",
            opens_at=day(30),
            closes_at=day(44),
        ),
        now=day(27),
    )
    await _vote(community_id, residents, committee, ratification.id, day(31))
    await services.count_ratification(committee, community_id, ratification.id, now=day(45))


async def _vote(
    community_id: int, residents: list[int], committee: Actor, ratification_id: int, at: datetime
) -> None:
    """One vote per household: the three residents and a dozen neighbours online, and four
    older neighbours on paper at the community office, typed in by the committee."""
    known = set(residents)
    neighbours = [
        user_id for user_id in (await electorate(community_id)).resident_ids if user_id not in known
    ]
    online = [*residents, *neighbours[:12]]
    # Most say yes; 张伟 (third) and two neighbours say no, one neighbour abstains.
    choices = {2: "no", 7: "abstain", 9: "no", 13: "no"}
    for index, voter in enumerate(online):
        choice = choices.get(index, "yes")
        await services.cast_vote(
            Actor(user_id=voter),
            community_id,
            ratification_id,
            choice,
            now=at + timedelta(hours=index * 5),
        )
    for index, voter in enumerate(neighbours[12:16]):
        await services.enter_paper_vote(
            committee,
            community_id,
            ratification_id,
            voter,
            "no" if index == 3 else "yes",
            now=at + timedelta(days=7, minutes=index * 10),
        )


async def _draft(
    community_id: int, residents: list[int], committee_id: int, start: datetime
) -> None:
    committee = Actor(user_id=committee_id)
    tian, li, zhang = (Actor(user_id=user_id) for user_id in residents)
    convention = await services.open_draft(
        committee, community_id, DRAFT_TITLE, DRAFT_PREAMBLE, DRAFT_ARTICLES, now=start
    )
    leash = await services.propose_amendment(
        tian,
        community_id,
        convention.id,
        "change",
        2,
        "犬只出户一律拴牵引绳，牵引绳长度不超过1.5米，由能控制犬只的成年人牵领；"
        "乘电梯时收紧牵引绳或把犬只抱起，主动避让老人和儿童。",
        "电梯里空间小，绳子一长就容易吓到人，写清楚长度大家好执行。",
        now=start + timedelta(days=1),
    )
    garden = await services.propose_amendment(
        li,
        community_id,
        convention.id,
        "change",
        4,
        "犬只不进入儿童游乐区和健身区；经过口袋花园时收紧牵引绳，不让犬只刨土、便溺。",
        "口袋花园就在去东门的路上，完全不让狗经过做不到，不如写清楚经过时怎么做。",
        now=start + timedelta(days=2),
    )
    spot = await services.propose_amendment(
        zhang,
        community_id,
        convention.id,
        "insert",
        3,
        "在小区东侧围墙边设一处宠物便溺点，由养犬居民轮流清洁，居委会每月检查一次。",
        "有个固定的地方，狗就不会到处方便，清洁也有人负责。",
        now=start + timedelta(days=2, hours=3),
    )
    for supporter, amendment in ((li, leash), (zhang, leash), (tian, spot), (zhang, garden)):
        await services.support_amendment(
            supporter, community_id, amendment.id, supported=True, now=start + timedelta(days=3)
        )
