"""Demo moderation, so that the public moderation log and the committee's queue have something
to show: residents' comments on three proposals, reported over the last four weeks.

Waiting in the committee's queue: an advertisement reported once as spam, a question about a
lost parcel reported twice as off topic, a comment that breaks the adopted convention's article
on the pocket garden, and a rude comment hidden at once by three reports
from trusted neighbours. Already dealt with: a comment with a mobile number and a room number,
redacted by the committee; a comment hidden automatically that the committee showed again;
and 张伟's angry comment about the bicycle shed, hidden by the committee as offensive, which a
second committee member restored on his appeal (four eyes)."""

from __future__ import annotations

from datetime import datetime, timedelta

import participation.capabilities  # noqa: F401 - registers the kinds of content reported here
from participation.communities.queries import committee_ids, electorate
from participation.core.permissions import Actor
from participation.moderation.kinds import rule_articles
from participation.moderation.queries import public_log
from participation.moderation.services import Action, act, appeal, decide_appeal, report_item
from participation.proposals import comments
from participation.proposals.models import Proposal

KIND = "proposal_comment"
# Proposals seeded by participation/demo/proposals.py, all public.
BIKE_SHED = "单元门口自行车棚整理"
GARDEN = "3栋北侧拐角变口袋花园"
FILM_NIGHT = "周末社区电影夜"


async def seed_moderation(
    community_id: int, resident_ids: list[int], committee_id: int, now: datetime
) -> None:
    if await public_log(community_id, limit=1):
        return
    others = sorted(i for i in await committee_ids(community_id) if i != committee_id)
    if not others:
        raise RuntimeError("the demo's appeal needs a second committee member to decide it")
    seeder = _Seeder(
        community_id,
        committee=Actor(user_id=committee_id),
        second=Actor(user_id=others[0]),
        residents=[Actor(user_id=user_id) for user_id in resident_ids],
        neighbours=await _neighbours(community_id, resident_ids),
        now=now,
    )
    await seeder.appealed_and_restored()
    await seeder.redacted()
    await seeder.kept_after_automatic_hiding()
    await seeder.hidden_automatically()
    await seeder.waiting()


async def _neighbours(community_id: int, resident_ids: list[int]) -> list[Actor]:
    """The demo's verified neighbours (participation/demo/voting.py enrols them months ago):
    their reports count towards hiding automatically, the three residents' (who joined on the
    day of seeding) do not."""
    known = set(resident_ids)
    return [
        Actor(user_id=user_id)
        for user_id in (await electorate(community_id)).resident_ids
        if user_id not in known
    ]


class _Seeder:
    def __init__(
        self,
        community_id: int,
        *,
        committee: Actor,
        second: Actor,
        residents: list[Actor],
        neighbours: list[Actor],
        now: datetime,
    ) -> None:
        self.community_id = community_id
        self.committee = committee
        self.second = second
        self.tian, self.li, self.zhang = residents
        self.neighbours = neighbours
        self.now = now

    def ago(self, days: int, hours: int = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours)

    async def comment(self, author: Actor, title: str, body: str, at: datetime) -> int:
        proposal = await Proposal.get(community_id=self.community_id, title=title)
        made = await comments.post_comment(author, self.community_id, proposal.id, body, now=at)
        return made.id

    async def report(
        self,
        reporter: Actor,
        comment_id: int,
        reason: str,
        text: str,
        at: datetime,
        *,
        article: str = "",
    ) -> int:
        """The reported comment's moderation id."""
        report = await report_item(
            reporter,
            self.community_id,
            KIND,
            comment_id,
            reason,
            text=text,
            article=article,
            now=at,
        )
        return report.item_id

    async def appealed_and_restored(self) -> None:
        """Hidden by 王主任 as offensive; 张伟 appeals and the second committee member, who did
        not hide it, shows it again: sharp words about the work are not abuse."""
        comment_id = await self.comment(
            self.zhang,
            BIKE_SHED,
            "车棚整理说了一个多月，僵尸车还是堆在那里，新车根本推不进去。"
            "物业收了物业费不办事，居委会也只会开会拍照，真是一群摆设！",
            self.ago(27),
        )
        moderated_id = await self.report(
            self.neighbours[10],
            comment_id,
            "offensive",
            "骂居委会和物业是摆设，说话太难听了。",
            self.ago(26, 20),
        )
        hidden = await act(
            self.committee,
            self.community_id,
            moderated_id,
            Action.HIDE,
            reason="offensive",
            note="言辞过激，先隐藏，请他换个说法再发。",
            now=self.ago(26),
        )
        assert hidden is not None
        appealed = await appeal(
            self.zhang,
            self.community_id,
            hidden.id,
            "我批评的是物业和居委会办事拖拉，没有骂哪一个人，也没有说脏话。"
            "车棚的事拖了这么久，邻居们有权知道，请恢复我的评论。",
            now=self.ago(25),
        )
        await decide_appeal(
            self.second,
            self.community_id,
            appealed.id,
            uphold=False,
            reason="评论批评的是工作进度，言辞虽然激烈，但没有针对个人的辱骂，恢复显示。",
            now=self.ago(23),
        )

    async def redacted(self) -> None:
        """李家 leaves a mobile number and a room number; the committee takes them out."""
        comment_id = await self.comment(
            self.li,
            BIKE_SHED,
            "我家有两辆旧自行车，修一修还能骑，可以捐出来给大家用。"
            "有需要的打我电话 13912345678，我住2栋3单元302室，晚上都在家。",
            self.ago(19),
        )
        moderated_id = await self.report(
            self.tian,
            comment_id,
            "personal_info",
            "留了手机号和门牌号，怕被不认识的人看到。",
            self.ago(18, 6),
        )
        await act(
            self.committee,
            self.community_id,
            moderated_id,
            Action.REDACT,
            reason="personal_info",
            note="已去掉手机号和房号，捐车的事请邻居在单元群里联系李家。",
            now=self.ago(18),
        )

    async def kept_after_automatic_hiding(self) -> None:
        """A fair complaint that three neighbours reported as off topic: hidden at once, and
        shown again when the committee looked at it."""
        comment_id = await self.comment(
            self.neighbours[11],
            FILM_NIGHT,
            "放电影我不反对，但上次小广场搞活动，音响一直开到十一点多，老人孩子都睡不着。"
            "这次要办的话，请十点前结束，音量也调小一点。",
            self.ago(13),
        )
        moderated_id = 0
        for hours, reporter in enumerate(self.neighbours[3:6]):
            moderated_id = await self.report(
                reporter, comment_id, "off_topic", "", self.ago(12, 8 - 3 * hours)
            )
        await act(
            self.committee,
            self.community_id,
            moderated_id,
            Action.KEEP,
            note="意见很具体，和电影夜有关，不算跑题，恢复显示。",
            now=self.ago(11),
        )

    async def hidden_automatically(self) -> None:
        """Three trusted neighbours report an insult: it is hidden until the committee looks."""
        comment_id = await self.comment(
            self.neighbours[12],
            FILM_NIGHT,
            "提这种建议的人就是吃饱了撑的，大晚上在楼下放电影，脑子有问题吧？",
            self.ago(6),
        )
        reasons = (
            "人身攻击，骂提建议的邻居。",
            "有意见可以好好说，不该骂人。",
            "",
        )
        for hours, (reporter, text) in enumerate(zip(self.neighbours[:3], reasons, strict=True)):
            await self.report(reporter, comment_id, "offensive", text, self.ago(5, 10 - 4 * hours))

    async def waiting(self) -> None:
        """An advertisement reported once, a lost parcel reported twice: in the queue."""
        advert = await self.comment(
            self.neighbours[13],
            GARDEN,
            "家里装修、疏通下水道、开锁换锁找老马，二十年老师傅，上门快、价格公道，"
            "小区邻居一律八折！",
            self.ago(3),
        )
        await self.report(self.tian, advert, "spam", "打广告的，和花园没关系。", self.ago(2, 5))
        parcel = await self.comment(
            self.neighbours[14],
            GARDEN,
            "东门那家快递驿站又把我的件弄丢了，上周也丢过一次，有没有邻居遇到一样的情况？",
            self.ago(2),
        )
        await self.report(self.neighbours[6], parcel, "off_topic", "", self.ago(1, 9))
        await self.report(
            self.li, parcel, "off_topic", "快递的事可以发到邻里群里。", self.ago(1, 2)
        )
        # Smoking in the pocket garden breaks the adopted convention's article on it.
        smoking = await self.comment(
            self.neighbours[15],
            GARDEN,
            "花园边上那张长椅正好抽烟，烟头随手扔花坛里当肥料，挺好。",
            self.ago(1),
        )
        garden_rule = next(a for a in await rule_articles(self.community_id) if "烟头" in a.text)
        await self.report(
            self.tian, smoking, "convention", "", self.ago(0, 20), article=garden_rule.ref
        )
