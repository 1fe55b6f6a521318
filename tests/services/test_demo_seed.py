from __future__ import annotations

from pathlib import Path

from participation.comments.models import Comment
from participation.communities.models import Community
from participation.conventions.models import Amendment, Convention, RatificationVote
from participation.conventions.queries import convention_page
from participation.conventions.rules import AmendmentStatus, Phase
from participation.demo.seed import DemoSite, seed_demo
from participation.media.storage import LocalStorage
from participation.moderation.models import Appeal, ModerationEntry, Report
from participation.moderation.queries import public_log, queue
from participation.notifications.models import Notification
from participation.plots.models import Adoption, CareLog, CareLogPhoto, Plot, Team
from participation.proposals.models import Proposal, ProposalEvent, ProposalPhoto
from participation.proposals.rules import Status
from participation.voting.models import RoundProject, RoundResult, VotingRound
from tests.support import now, proposal_url


async def test_demo_shows_every_state_and_seeding_twice_adds_nothing(
    database: str, tmp_path: Path
) -> None:
    site = DemoSite(LocalStorage(tmp_path), proposal_url)
    facts = await seed_demo("demo", now(), site)
    statuses = set(await Proposal.all().values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert await ProposalPhoto.all().count() >= 3
    assert any(tmp_path.rglob("*.webp"))
    count, events = await Proposal.all().count(), await ProposalEvent.all().count()
    conventions = await _convention_counts()
    moderation = await _moderation_counts()
    again = await seed_demo("demo", now(), site)
    assert (await Proposal.all().count(), await ProposalEvent.all().count()) == (count, events)
    assert await _convention_counts() == conventions
    assert await _moderation_counts() == moderation
    assert again.unused_code != facts.unused_code


async def test_demo_has_a_published_vote_and_an_open_one(database: str, tmp_path: Path) -> None:
    await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    rounds = {r.status: r for r in await VotingRound.all()}
    assert set(rounds) == {"published", "open"}
    published = rounds["published"]
    assert published.ballot_count >= 40 and published.pb_sha256
    result = await RoundResult.get(round_id=published.id, rule=published.result_rule)
    assert 0 < result.spent_yuan <= published.budget_yuan and result.winners
    assert await RoundProject.filter(round_id=published.id, funded=True).count() == len(
        result.winners
    )
    assert rounds["open"].opens_at < now() < rounds["open"].closes_at
    assert rounds["open"].ballot_count > 0
    await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    assert await VotingRound.all().count() == 2


async def test_demo_has_adopted_plots_with_care_two_teams_and_a_waiting_list(
    database: str, tmp_path: Path
) -> None:
    await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    statuses = [p.status for p in await Plot.all()]
    assert statuses.count("adopted") >= 4 and "available" in statuses and "resting" in statuses
    assert await Team.all().count() == 2
    assert await Adoption.filter(status="waitlisted").count() == 1
    assert await Adoption.filter(status="pending").count() == 1
    assert await CareLog.all().count() >= 5 and await CareLogPhoto.all().count() >= 2
    assert await Notification.filter(kind="plots.lapse_warning").exists()
    assert await Notification.filter(kind="plots.term_ending").exists()
    plots = await Plot.all().count()
    await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    assert await Plot.all().count() == plots and await Team.all().count() == 2


async def _convention_counts() -> tuple[int, int, int]:
    return (
        await Convention.all().count(),
        await Amendment.all().count(),
        await RatificationVote.all().count(),
    )


async def test_demo_has_an_adopted_convention_and_a_draft_being_amended(
    database: str, tmp_path: Path
) -> None:
    await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    adopted = await Convention.get(title="玉林东路社区居民公约")
    page = await convention_page(adopted.community_id, adopted.id, None)
    assert page.phase is Phase.ADOPTED
    assert [number for number, _at in page.versions] == [1, 2, 3]
    assert page.adopted is not None and page.adopted.number == 3
    assert 8 <= len(page.adopted.articles) <= 10
    kinds = {a.kind.value for a in page.amendments if a.status is AmendmentStatus.ACCEPTED}
    assert kinds == {"change", "insert", "delete"}
    assert [a.reason for a in page.amendments if a.status is AmendmentStatus.REJECTED]
    [ratification] = page.ratifications
    assert page.adopted_by == ratification
    assert ratification.counted and ratification.mode == "household"
    assert ratification.outcome is not None and ratification.outcome.status == "adopted"
    assert ratification.closes_at < now()
    assert (ratification.quorum_percent, ratification.majority) == (30, "two_thirds")
    channels = await RatificationVote.filter(ratification_id=ratification.id).values_list(
        "channel", flat=True
    )
    assert "paper" in channels and "online" in channels

    draft = await Convention.get(title="小区文明养犬公约（草案）")
    page = await convention_page(draft.community_id, draft.id, None)
    assert page.phase is Phase.DRAFTING
    assert 4 <= len(page.current.articles) <= 5
    assert len(page.open_amendments) >= 2
    assert len({a.author_id for a in page.open_amendments}) == len(page.open_amendments)
    assert any(a.support_count for a in page.open_amendments)


async def _moderation_counts() -> tuple[int, int, int]:
    return (
        await Report.all().count(),
        await ModerationEntry.all().count(),
        await Appeal.all().count(),
    )


async def test_demo_has_a_moderation_log_a_queue_and_a_decided_appeal(
    database: str, tmp_path: Path
) -> None:
    facts = await seed_demo("demo", now(), DemoSite(LocalStorage(tmp_path), proposal_url))
    community = (await Community.get(slug=facts.community_slug)).id
    log = await public_log(community)
    actions = [entry.action for entry in log]
    assert {"hide", "redact", "restore", "auto_hide", "appeal_overturned"} <= set(actions)
    assert all(entry.created_at < now() for entry in log)
    [overturned] = [entry for entry in log if entry.action == "appeal_overturned"]
    assert overturned.public_reason and overturned.reason == "offensive"
    [appeal] = await Appeal.all()
    assert appeal.status == "overturned" and appeal.text
    hide = await ModerationEntry.get(action="hide")
    assert appeal.decided_by_id not in (None, hide.actor_id)

    waiting = await queue(community)
    assert sorted(entry.open_reports for entry in waiting) == [1, 1, 2, 3]
    [hidden] = [entry for entry in waiting if entry.hidden]
    assert hidden.hidden_by == "automatic" and hidden.counted_reports == 3
    assert {r.reason for entry in waiting for r in entry.reports} == {
        "spam",
        "off_topic",
        "offensive",
        "convention",
    }
    # The convention's report names the adopted article on the pocket garden.
    (named,) = [r.article for entry in waiting for r in entry.reports if r.article]
    assert named.rulebook == "玉林东路社区居民公约" and "不在花园里丢烟头" in named.text
    # The redacted comment's stored text is masked; its original is kept for the audit only.
    assert await Comment.filter(body__contains="139****5678").exists()
    assert not await Comment.filter(body__contains="13912345678").exists()
