"""Tracking funded projects: how far along they are (0–100 %) and their milestones.

The project's team (author and accepted co-authors) and the committee keep them up to date;
everyone can read them on the project page and the community page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from participation.audit.services import record
from participation.communities.queries import get_standing
from participation.core.db import transaction
from participation.core.errors import N_, Invalid, NotFound
from participation.core.permissions import Actor, require
from participation.core.text import clean_line, parse_whole_number
from participation.proposals import rules
from participation.proposals.models import Milestone, Proposal
from participation.proposals.queries import proposal_subject, visible_proposal
from participation.proposals.rules import Status

MILESTONE_MAX = 120
MILESTONES_PER_PROJECT = 30


async def _tracked(actor: Actor, community_id: int, proposal_id: int) -> Proposal:
    """The project, if it is funded (selected or later) and the actor keeps its tracking."""
    proposal = await visible_proposal(actor, community_id, proposal_id)
    if Status(proposal.status) not in rules.UPDATABLE:
        raise Invalid(N_("Progress can be posted once a project is selected."))
    standing = await get_standing(actor.user_id, community_id)
    require("proposals.track", actor, standing, await proposal_subject(proposal))
    return proposal


async def set_progress(
    actor: Actor, community_id: int, proposal_id: int, percent: str, *, now: datetime
) -> int:
    proposal = await _tracked(actor, community_id, proposal_id)
    value = parse_whole_number(percent.removesuffix("%"), max_digits=3)
    if value is None or value > 100:
        raise Invalid(N_("Progress is a whole number from 0 to 100."), field="progress_percent")
    async with transaction() as conn:
        await (
            Proposal.filter(id=proposal.id)
            .using_db(conn)
            .update(progress_percent=value, updated_at=now)
        )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="proposals.set_progress",
            target=f"proposal:{proposal.id}",
            at=now,
            before={"progress_percent": proposal.progress_percent},
            after={"progress_percent": value},
        )
    return value


async def add_milestone(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    title: str,
    due_on: str,
    *,
    now: datetime,
) -> Milestone:
    proposal = await _tracked(actor, community_id, proposal_id)
    text = clean_line(title, max_length=MILESTONE_MAX)
    if text is None:
        raise Invalid(N_("Please name the milestone (at most 120 characters)."), field="title")
    due: date | None = None
    if due_on.strip():
        try:
            due = date.fromisoformat(due_on.strip()[:10])
        except ValueError:
            raise Invalid(N_("Please give the date as year-month-day."), field="due_on") from None
    count = await Milestone.filter(proposal_id=proposal.id).count()
    if count >= MILESTONES_PER_PROJECT:
        raise Invalid(N_("A project can have at most 30 milestones."))
    async with transaction() as conn:
        return await Milestone.create(
            proposal_id=proposal.id,
            title=text,
            due_on=due,
            position=count,
            created_at=now,
            using_db=conn,
        )


async def mark_milestone(
    actor: Actor,
    community_id: int,
    proposal_id: int,
    milestone_id: int,
    *,
    done: bool,
    now: datetime,
) -> None:
    proposal = await _tracked(actor, community_id, proposal_id)
    changed = await Milestone.filter(id=milestone_id, proposal_id=proposal.id).update(
        done_at=now if done else None
    )
    if not changed:
        raise NotFound()


@dataclass(frozen=True)
class MilestoneView:
    id: int
    title: str
    due_on: date | None
    done_at: datetime | None


async def list_milestones(proposal_id: int) -> list[MilestoneView]:
    rows = await Milestone.filter(proposal_id=proposal_id).order_by("position", "id")
    return [MilestoneView(m.id, m.title, m.due_on, m.done_at) for m in rows]


@dataclass(frozen=True)
class FundedProject:
    id: int
    title: str
    status: str
    progress_percent: int

    @property
    def shown_progress(self) -> int | None:
        return rules.shown_progress(self.status, self.progress_percent)


async def funded_projects(community_id: int) -> list[FundedProject]:
    """Selected, in-progress and completed projects of a community, for its page."""
    rows = (
        await Proposal.filter(
            community_id=community_id, status__in=[s.value for s in rules.UPDATABLE]
        )
        .order_by("-updated_at")
        .limit(50)
        .values_list("id", "title", "status", "progress_percent")
    )
    return [FundedProject(*row) for row in rows]
