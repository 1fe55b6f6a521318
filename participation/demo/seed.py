"""A demo community that shows the whole of Huakai to a newcomer. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.accounts import services as accounts
from participation.communities import services as communities
from participation.communities.models import Community
from participation.core.permissions import Actor
from participation.demo.conventions import seed_conventions
from participation.demo.moderation import seed_moderation
from participation.demo.plots import seed_plots
from participation.demo.proposals import seed_proposals
from participation.demo.voting import seed_voting
from participation.media.storage import Storage
from participation.voting.open_data import ProposalUrl

DEMO_SLUG = "yulin-east"
COMMITTEE_NAME = "王主任"
COMMITTEE_SUBJECT = "committee-wang"
# A second committee member: moderation's four eyes (an appeal against 王主任's decision is
# decided by someone else on the committee).
SECOND_COMMITTEE_NAME = "刘委员"
SECOND_COMMITTEE_SUBJECT = "committee-liu"
RESIDENTS = [("tian-xiufang", "田秀芳"), ("li-family", "李家"), ("zhang-wei", "张伟")]
VOLUNTEER = ("chen-volunteer", "陈阿姨")


@dataclass(frozen=True)
class DemoFacts:
    community_slug: str
    committee_login: str
    second_committee_login: str
    unused_code: str
    household: str


@dataclass(frozen=True)
class DemoSite:
    """What the whole demo needs from the site that shows it: where photos are kept, and the
    address of a proposal's page (the published vote's open data links to them)."""

    storage: Storage
    proposal_url: ProposalUrl


async def seed_demo(provider: str, now: datetime, site: DemoSite | None = None) -> DemoFacts:
    """Community 玉林东路社区 with two committee members, residents and a fresh household code;
    with ``site``, also a dozen micro-projects in every state with photos, votes, plots,
    conventions and moderation (reports in the queue, the public log, an appeal)."""
    community = await Community.get_or_none(slug=DEMO_SLUG)
    if community is None:
        community = await communities.create_community(
            None,
            slug=DEMO_SLUG,
            name="玉林东路社区",
            street="玉林街道",
            district="武侯区",
            now=now,
        )
        await Community.filter(id=community.id).update(household_member_cap=4)
    committee = await accounts.sign_in(
        provider=provider, subject=COMMITTEE_SUBJECT, display_name=COMMITTEE_NAME, now=now
    )
    await communities.set_role(None, community.id, committee.id, "committee", True, now=now)
    second = await accounts.sign_in(
        provider=provider,
        subject=SECOND_COMMITTEE_SUBJECT,
        display_name=SECOND_COMMITTEE_NAME,
        now=now,
    )
    await communities.set_role(None, community.id, second.id, "committee", True, now=now)
    verified_flat = ["1栋1单元101", "2栋3单元302", "5栋1单元601"]
    resident_ids: list[int] = []
    for (subject, name), flat in zip(RESIDENTS, verified_flat, strict=True):
        resident = await accounts.sign_in(
            provider=provider, subject=subject, display_name=name, now=now
        )
        resident_ids.append(resident.id)
        membership = await communities.join_community(
            Actor(user_id=resident.id), community.id, now=now
        )
        if membership.verified_at is None:
            [issued] = await communities.issue_household_codes(None, community.id, [flat], now=now)
            await communities.redeem_household_code(
                Actor(user_id=resident.id), community.id, issued.code, now=now
            )
    volunteer = await accounts.sign_in(
        provider=provider, subject=VOLUNTEER[0], display_name=VOLUNTEER[1], now=now
    )
    await communities.set_role(None, community.id, volunteer.id, "volunteer", True, now=now)
    if site is not None:
        await seed_proposals(community.id, resident_ids, committee.id, site.storage, now)
        await seed_voting(community.id, resident_ids, committee.id, now, site.proposal_url)
        await seed_plots(community.id, resident_ids, committee.id, site.storage, now)
        await seed_conventions(community.id, resident_ids, committee.id, now)
        await seed_moderation(community.id, resident_ids, committee.id, now)
    household = "3栋2单元501"
    [fresh] = await communities.issue_household_codes(None, community.id, [household], now=now)
    return DemoFacts(
        community_slug=DEMO_SLUG,
        committee_login=COMMITTEE_SUBJECT,
        second_committee_login=SECOND_COMMITTEE_SUBJECT,
        unused_code=fresh.code,
        household=household,
    )
