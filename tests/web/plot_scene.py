"""The plot scene: teams, plots, adoptions and care in two communities, made through the
services, for the plot tests and the access matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from participation.accounts.models import User
from participation.communities.models import Community
from participation.core.permissions import Actor
from participation.plots import adoption as adoptions
from participation.plots import care, teams
from participation.plots import services as plot_services
from participation.plots.models import (
    Adoption,
    CareAssignment,
    CareLog,
    CareLogPhoto,
    CareTask,
    Plot,
    Team,
    TeamMember,
)
from participation.plots.plot_input import PlotInput
from participation.plots.teams import TeamInput
from participation.proposals import services as proposals
from participation.proposals.models import Proposal
from tests.support import (
    World,
    make_committee,
    make_user,
    make_verified,
    now,
)
from tests.web.helpers import snapshot

# The OIDC subjects of the scene's people, so the access matrix can sign in as them.
PLOT_COMMITTEE = "plot-committee"
PLOT_LEADER = "plot-leader"
PLOT_MEMBER = "plot-member"
PLOT_OTHER_LEADER = "plot-other-leader"
PLOT_APPLICANT = "plot-applicant"
PLOT_FOREIGN_LEADER = "plot-foreign-leader"
MISSING = "987654321"


@dataclass
class PlotScene:
    """Teams, plots, adoptions and care in both communities, made through the services.

    Here (``yulin``): team A (join on request) is led by ``leader``, with ``member`` as an
    active member and ``applicant`` asking to join; team B (open) is led by ``other_leader``.
    ``committee`` sits on the committee of both communities."""

    committee: User
    leader: User
    member: User
    other_leader: User
    applicant: User
    team_id: int  # team A
    other_team_id: int  # team B
    plot_id: int  # adopted by team A: two care tasks and the member's care log
    adoption_id: int  # team A's active adoption of plot_id
    adoption_ends: datetime
    free_plot_id: int  # available, nobody has asked for it
    status_plot_id: int  # available, for the committee's status changes
    pending_plot_id: int
    pending_id: int  # team B's pending request for pending_plot_id
    request_plot_id: int
    request_id: int  # team A's pending request for request_plot_id
    release_id: int  # team A's active adoption of another plot
    hand_over_id: int  # and of a third
    hand_over_plot_id: int
    task_id: int  # team A's watering task on plot_id
    stop_task_id: int  # its weeding task there
    log_id: int  # the member's care log on plot_id
    completed_proposal_id: int  # a completed micro-project here
    # The same kinds of things in the other community (team C, led by foreign_leader).
    foreign_leader: User
    foreign_team_id: int
    foreign_plot_id: int
    foreign_adoption_id: int  # active
    foreign_pending_id: int
    foreign_task_id: int
    foreign_log_id: int
    foreign_proposal_id: int  # completed
    actor_id: int | None = None  # who the access matrix signed in as

    @property
    def member_id(self) -> int:
        return self.member.id

    @property
    def applicant_id(self) -> int:
        return self.applicant.id

    @property
    def foreign_leader_id(self) -> int:
        return self.foreign_leader.id


def _by(user: User) -> Actor:
    return Actor(user_id=user.id)


async def build_plot_scene(world: World) -> PlotScene:
    community, other = world.community, world.other
    here, there = community.id, other.id
    committee = await make_user(PLOT_COMMITTEE, "地块委员")
    await make_committee(community, committee)
    await make_committee(other, committee)
    leader = await make_user(PLOT_LEADER, "队长阿芳")
    member = await make_user(PLOT_MEMBER, "队员老周")
    other_leader = await make_user(PLOT_OTHER_LEADER, "别队队长")
    applicant = await make_user(PLOT_APPLICANT, "想加入的邻居")
    foreign_leader = await make_user(PLOT_FOREIGN_LEADER, "别处队长")
    for number, user in enumerate((leader, member, other_leader, applicant), start=1):
        await make_verified(community, user, household=f"11栋110{number}")
    await make_verified(other, foreign_leader, household="12栋1201")

    team = await teams.found_team(
        _by(leader), here, TeamInput("护花使者", "每周浇水两次", "request"), now=now()
    )
    await teams.join_team(_by(member), here, team.id, now=now())
    await teams.decide_join(_by(leader), here, team.id, member.id, True, now=now())
    await teams.join_team(_by(applicant), here, team.id, now=now())
    other_team = await teams.found_team(
        _by(other_leader), here, TeamInput("绿手指", "", "open"), now=now()
    )
    foreign_team = await teams.found_team(
        _by(foreign_leader), there, TeamInput("别处的队伍", "", "open"), now=now()
    )

    async def plot(community_id: int, name: str) -> int:
        data = PlotInput(
            name, "flowerbed", location="玉林东路", latitude="30.63", longitude="104.05"
        )
        created = await plot_services.create_plot(_by(committee), community_id, data, now=now())
        return created.id

    async def ask(community_id: int, plot_id: int, team_id: int, by: User) -> int:
        asked = await adoptions.request_adoption(
            _by(by), community_id, plot_id, team_id, 6, now=now()
        )
        return asked.id

    async def adopt(community_id: int, plot_id: int, team_id: int, by: User) -> int:
        asked = await ask(community_id, plot_id, team_id, by)
        await adoptions.decide_adoption(_by(committee), community_id, asked, True, "", now=now())
        return asked

    adopted = await plot(here, "认领的花坛")
    adoption_id = await adopt(here, adopted, team.id, leader)
    pending_plot = await plot(here, "等待批准的花坛")
    request_plot = await plot(here, "排队的花墙")
    hand_over_plot = await plot(here, "要转交的树池")
    release_plot = await plot(here, "要释放的花箱")
    task = await care.add_task(_by(leader), here, adopted, "watering", "3", "早上浇", now=now())
    stop = await care.add_task(_by(leader), here, adopted, "weeding", "7", "", now=now())
    log = await care.log_care(
        _by(member), here, adopted, care.CareInput("watering", "30", "浇了水"), now=now()
    )

    foreign_plot = await plot(there, "别处的花坛")
    foreign_adoption = await adopt(there, foreign_plot, foreign_team.id, foreign_leader)
    foreign_task = await care.add_task(
        _by(foreign_leader), there, foreign_plot, "watering", "3", "", now=now()
    )
    foreign_log = await care.log_care(
        _by(foreign_leader), there, foreign_plot, care.CareInput("weeding", "20"), now=now()
    )

    async def completed(community_id: int, author: User, title: str) -> int:
        data = proposals.ProposalInput(
            title=title, body="拐角种花", category="pocket_garden", cost_yuan="800"
        )
        made = await proposals.create_proposal(_by(author), community_id, data, now=now())
        await Proposal.filter(id=made.id).update(status="completed")
        return made.id

    current = await Adoption.get(id=adoption_id)
    assert current.ends_at is not None
    return PlotScene(
        committee=committee,
        leader=leader,
        member=member,
        other_leader=other_leader,
        applicant=applicant,
        team_id=team.id,
        other_team_id=other_team.id,
        plot_id=adopted,
        adoption_id=adoption_id,
        adoption_ends=current.ends_at,
        free_plot_id=await plot(here, "空着的花坛"),
        status_plot_id=await plot(here, "要休整的花坛"),
        pending_plot_id=pending_plot,
        pending_id=await ask(here, pending_plot, other_team.id, other_leader),
        request_plot_id=request_plot,
        request_id=await ask(here, request_plot, team.id, leader),
        release_id=await adopt(here, release_plot, team.id, leader),
        hand_over_id=await adopt(here, hand_over_plot, team.id, leader),
        hand_over_plot_id=hand_over_plot,
        task_id=task.id,
        stop_task_id=stop.id,
        log_id=log.id,
        completed_proposal_id=await completed(here, leader, "已完工的口袋花园"),
        foreign_leader=foreign_leader,
        foreign_team_id=foreign_team.id,
        foreign_plot_id=foreign_plot,
        foreign_adoption_id=foreign_adoption,
        foreign_pending_id=await ask(
            there, await plot(there, "别处等待的花坛"), foreign_team.id, foreign_leader
        ),
        foreign_task_id=foreign_task.id,
        foreign_log_id=foreign_log.id,
        foreign_proposal_id=await completed(there, foreign_leader, "别处完工的花园"),
    )


async def plot_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Everything ``snapshot`` holds, and the plot, team, adoption and care tables."""
    return {
        **await snapshot(),
        "plot_settings": sorted(
            await Community.all().values_list(
                "id", "lapse_days", "lapse_grace_days", "auto_approve_adoptions"
            )
        ),
        "unread": sorted(await User.all().values_list("id", "unread_notices")),
        "plot": sorted(
            await Plot.all().values_list(
                "id",
                "community_id",
                "name",
                "kind",
                "description",
                "location",
                "latitude",
                "longitude",
                "area_m2",
                "care_needs",
                "status",
                "photo_id",
                "source_proposal_id",
                "last_care_at",
                "care_minutes",
                "updated_at",
            )
        ),
        "team": sorted(
            await Team.all().values_list(
                "id", "community_id", "name", "description", "join_policy", "member_count"
            )
        ),
        "team_member": sorted(
            await TeamMember.all().values_list(
                "id", "team_id", "user_id", "role", "status", "joined_at"
            )
        ),
        "adoption": sorted(
            await Adoption.all().values_list(
                "id",
                "plot_id",
                "team_id",
                "status",
                "term_months",
                "nickname",
                "requested_by_id",
                "decided_by_id",
                "decided_at",
                "reason",
                "starts_at",
                "ends_at",
                "ended_at",
                "end_reason",
            )
        ),
        "care_task": sorted(
            await CareTask.all().values_list(
                "id", "plot_id", "team_id", "kind", "every_days", "note", "active"
            )
        ),
        "care_assignment": sorted(
            await CareAssignment.all().values_list("id", "task_id", "user_id", "week_start")
        ),
        "care_log": sorted(
            await CareLog.all().values_list(
                "id",
                "plot_id",
                "team_id",
                "member_id",
                "task_id",
                "kind",
                "minutes",
                "note",
                "done_at",
                "hidden",
            )
        ),
        "care_log_photo": sorted(
            await CareLogPhoto.all().values_list("id", "log_id", "photo_id", "position")
        ),
    }
