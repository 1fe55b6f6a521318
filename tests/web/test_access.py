"""Access control: HOSTILE cases 17 (every route × every kind of visitor), 18 (injected form
fields), 19 (other communities' objects by id) and 20 (residents at committee endpoints)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from participation.accounts.models import User
from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.communities.models import (
    Community,
    Household,
    HouseholdCode,
    Membership,
    VerificationRequest,
)
from participation.core.permissions import Actor
from participation.notifications.models import Notification
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
from participation.proposals.models import (
    Comment,
    Milestone,
    ProgressUpdate,
    Proposal,
    ProposalPhoto,
    Support,
)
from participation.voting.models import Ballot, BallotChoice, VotingRound
from tests.support import (
    World,
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
    post_form,
)
from tests.web.helpers import (
    HTMX_PARTIAL,
    PROPOSAL_AUTHOR,
    ProposalScene,
    Scene,
    VotingScene,
    build_proposal_scene,
    build_scene,
    build_voting_scene,
    is_fragment,
    round_form,
    snapshot,
    sqlite_only,
    tiny_png,
)
from tests.web.test_plot_hostile import (
    PLOT_LEADER,
    PLOT_MEMBER,
    PLOT_OTHER_LEADER,
    PlotScene,
    build_plot_scene,
    plot_snapshot,
)

ACTORS = (
    "anonymous",
    "unverified",
    "resident",
    "other_resident",
    "volunteer",
    "other_committee",
    "committee",
    "admin",
    "author",  # a verified resident here, and the author of the scene's proposals
    # Verified residents here, from the plot scene (tests/web/test_plot_hostile.py):
    "team_member",  # an active member (not a leader) of team A, which has adopted the plot
    "other_team",  # the leader of team B, another team of the same community
    "team_leader",  # the leader of team A
)
COMMITTEE_LIKE = ("committee", "admin")
TEAM_ACTORS = ("team_member", "other_team", "team_leader")
VERIFIED_HERE = ("resident", "volunteer", "author", *TEAM_ACTORS)
TEAM_SUBJECTS = {
    "team_member": PLOT_MEMBER,
    "other_team": PLOT_OTHER_LEADER,
    "team_leader": PLOT_LEADER,
}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int) -> dict[str, int]:
    return {**dict.fromkeys(ACTORS, status), "anonymous": 303}


def committee_only(status: int) -> dict[str, int]:
    return {
        actor: 303 if actor == "anonymous" else status if actor in COMMITTEE_LIKE else 403
        for actor in ACTORS
    }


def not_yet_verified(status: int) -> dict[str, int]:
    """Verifying oneself: for signed-in visitors not yet verified in this community."""
    return {**signed_in(status), **dict.fromkeys(VERIFIED_HERE, 403)}


def only(allowed: tuple[str, ...], status: int, *, others: int = 403) -> dict[str, int]:
    """Signed-in ``allowed`` actors get ``status``, other signed-in ones ``others``."""
    return {
        actor: 303 if actor == "anonymous" else status if actor in allowed else others
        for actor in ACTORS
    }


def author_only(status: int, *, others: int = 403) -> dict[str, int]:
    return only(("author",), status, others=others)


def residents_here(status: int) -> dict[str, int]:
    """Verified residents of this community (the author is one)."""
    return only(VERIFIED_HERE, status)


async def _settings_saved(scene: Scene) -> bool:
    return (await Community.get(id=scene.world.community.id)).household_member_cap == 4


async def _proposal_settings_saved(scene: Scene) -> bool:
    community = await Community.get(id=scene.world.community.id)
    return community.support_threshold == 7 and community.custom_categories == ["垃圾分类"]


async def _target_is_volunteer(scene: Scene) -> bool:
    return await Membership.exists(user_id=scene.target.id, is_volunteer=True)


async def _codes_issued(scene: Scene) -> bool:
    return await HouseholdCode.exists(household__label="8栋801")


async def _code_revoked(scene: Scene) -> bool:
    return await HouseholdCode.exists(id=scene.code_id, revoked_at__isnull=False)


async def _request_rejected(scene: Scene) -> bool:
    return await VerificationRequest.exists(id=scene.request_id, status="rejected")


def _p(scene: Scene) -> ProposalScene:
    assert scene.proposals is not None
    return scene.proposals


async def _proposal_created(scene: Scene) -> bool:
    return await Proposal.exists(title="矩阵里的新提案", status="draft")


async def _proposal_edited(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, title="改过的标题")


async def _photo_added(scene: Scene) -> bool:
    return await ProposalPhoto.filter(proposal_id=_p(scene).submitted_id).count() == 2


async def _supported(scene: Scene) -> bool:
    return await Support.exists(proposal_id=_p(scene).submitted_id)


async def _commented(scene: Scene) -> bool:
    return await Comment.exists(proposal_id=_p(scene).submitted_id, body="矩阵评论")


async def _comment_edited(scene: Scene) -> bool:
    return await Comment.exists(id=_p(scene).comment_id, body="改过的评论")


async def _comment_deleted(scene: Scene) -> bool:
    return await Comment.exists(id=_p(scene).comment_id, deleted_at__isnull=False)


async def _update_posted(scene: Scene) -> bool:
    return await ProgressUpdate.exists(proposal_id=_p(scene).selected_id, body="矩阵进展")


async def _progress_set(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).selected_id, progress_percent=45)


async def _milestone_added(scene: Scene) -> bool:
    return await Milestone.exists(proposal_id=_p(scene).selected_id, title="矩阵里程碑")


async def _milestone_done(scene: Scene) -> bool:
    return await Milestone.exists(id=_p(scene).milestone_id, done_at__isnull=False)


async def _update_approved(scene: Scene) -> bool:
    return await ProgressUpdate.exists(id=_p(scene).update_id, status="published")


async def _reviewed(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, status="accepted")


async def _withdrawn(scene: Scene) -> bool:
    return await Proposal.exists(id=_p(scene).submitted_id, status="withdrawn")


def _v(scene: Scene) -> VotingScene:
    assert scene.voting is not None
    return scene.voting


def managers(status: int, *, others: int = 403) -> dict[str, int]:
    """voting.manage: the committee and platform admins (anonymous visitors sign in first)."""
    return only(COMMITTEE_LIKE, status, others=others)


def seen_by_managers(status: int) -> dict[str, int]:
    """A draft round, or a counted round before publishing: those who manage rounds see it;
    to everyone else, signed in or not, it is the same 404 as a missing round."""
    return {actor: status if actor in COMMITTEE_LIKE else 404 for actor in ACTORS}


async def _round_created(scene: Scene) -> bool:
    return await VotingRound.exists(title="矩阵里的新投票", status="draft")


async def _round_edited(scene: Scene) -> bool:
    return await VotingRound.exists(id=_v(scene).draft_id, title="改过的投票", status="draft")


async def _round_opened(scene: Scene) -> bool:
    return await VotingRound.exists(id=_v(scene).draft_id, status="open")


async def _voted_online(scene: Scene) -> bool:
    return await Ballot.exists(round_id=_v(scene).open_id, channel="online")


async def _paper_entered(scene: Scene) -> bool:
    voting = _v(scene)
    return await Ballot.exists(
        round_id=voting.open_id, channel="paper", voter_id=voting.paper_voter.id
    )


async def _round_counted(scene: Scene) -> bool:
    return await VotingRound.exists(id=_v(scene).ended_id, status="tallied")


async def _round_published(scene: Scene) -> bool:
    return await VotingRound.exists(id=_v(scene).counted_id, status="published")


def _new_round_form(scene: Scene) -> dict[str, Any]:
    return round_form("矩阵里的新投票", _v(scene).proposal_ids)


def _edited_round_form(scene: Scene) -> dict[str, Any]:
    return round_form("改过的投票", _v(scene).proposal_ids)


def _ballot_form(scene: Scene) -> dict[str, Any]:
    return {"projects": [str(_v(scene).open_projects[1])]}


def _paper_form(scene: Scene) -> dict[str, Any]:
    voting = _v(scene)
    return {"voter_id": str(voting.paper_voter.id), "projects": [str(voting.open_projects[0])]}


PROPOSAL_FORM = {
    "title": "矩阵里的新提案",
    "body": "在3栋北侧种花",
    "category": "pocket_garden",
    "cost_yuan": "1200",
}


# --- plots, teams, adoption and care: the plot scene (tests/web/test_plot_hostile.py) ------------


@dataclass
class MatrixScene(Scene):
    plots: PlotScene | None = None


def _pl(scene: Scene) -> PlotScene:
    assert isinstance(scene, MatrixScene) and scene.plots is not None
    return scene.plots


# The adopting team's leader runs its care and its adoption; the committee (and platform
# admins) may step in, say when a leader has moved away.
TEAM_RUNNERS = ("team_leader", *COMMITTEE_LIKE)
# The team's own decisions: who gets in, what the team is called, which plots it asks for.
LEADER_ONLY = ("team_leader",)
# Care is logged by the members of the adopting team (its leader is one).
ADOPTING_TEAM = ("team_member", "team_leader")

PLOT_FORM = {
    "name": "矩阵新地块",
    "kind": "flowerbed",
    "description": "三栋北侧的花坛",
    "location": "玉林东路20号",
    "latitude": "30.6402",
    "longitude": "104.0611",
    "area_m2": "10",
    "care_needs": "夏天每周浇水两次",
}


async def _plot_settings_saved(scene: Scene) -> bool:
    return await Community.exists(id=scene.world.community.id, lapse_days=10, lapse_grace_days=5)


async def _plot_created(scene: Scene) -> bool:
    return await Plot.exists(community_id=scene.world.community.id, name="矩阵新地块")


async def _plots_imported(scene: Scene) -> bool:
    return await Plot.exists(community_id=scene.world.community.id, name="矩阵导入的花坛")


async def _plot_edited(scene: Scene) -> bool:
    return await Plot.exists(id=_pl(scene).free_plot_id, name="改过的花坛", kind="planter")


async def _plot_photo_set(scene: Scene) -> bool:
    return await Plot.exists(id=_pl(scene).free_plot_id, photo_id__isnull=False)


async def _plot_rested(scene: Scene) -> bool:
    return await Plot.exists(id=_pl(scene).status_plot_id, status="resting")


async def _plots_from_project(scene: Scene) -> bool:
    plots = _pl(scene)
    return await Plot.exists(
        source_proposal_id=plots.completed_proposal_id,
        community_id=scene.world.community.id,
        name="项目里的花坛",
    )


async def _adoption_requested(scene: Scene) -> bool:
    plots = _pl(scene)
    return await Adoption.exists(
        plot_id=plots.free_plot_id, team_id=plots.team_id, status="pending"
    )


async def _task_added(scene: Scene) -> bool:
    return await CareTask.exists(plot_id=_pl(scene).plot_id, note="矩阵任务", active=True)


async def _rota_saved(scene: Scene) -> bool:
    plots = _pl(scene)
    return await CareAssignment.exists(task_id=plots.task_id, user_id=plots.member_id)


async def _task_stopped(scene: Scene) -> bool:
    return await CareTask.exists(id=_pl(scene).stop_task_id, active=False)


async def _care_logged(scene: Scene) -> bool:
    plots = _pl(scene)
    log = await CareLog.get_or_none(plot_id=plots.plot_id, note="矩阵养护")
    return (
        log is not None
        and log.member_id == plots.actor_id
        and log.team_id == plots.team_id
        and await CareLogPhoto.exists(log_id=log.id)
    )


async def _log_hidden(scene: Scene) -> bool:
    return await CareLog.exists(id=_pl(scene).log_id, hidden=True)


async def _adoption_approved(scene: Scene) -> bool:
    return await Adoption.exists(id=_pl(scene).pending_id, status="active")


async def _request_withdrawn(scene: Scene) -> bool:
    return await Adoption.exists(id=_pl(scene).request_id, status="withdrawn")


async def _nicknamed(scene: Scene) -> bool:
    return await Adoption.exists(id=_pl(scene).adoption_id, nickname="小花园")


async def _renewed(scene: Scene) -> bool:
    plots = _pl(scene)
    ends = (await Adoption.get(id=plots.adoption_id)).ends_at
    return ends is not None and ends > plots.adoption_ends


async def _handed_over(scene: Scene) -> bool:
    plots = _pl(scene)
    return await Adoption.exists(
        plot_id=plots.hand_over_plot_id, team_id=plots.other_team_id, status="active"
    ) and await Adoption.exists(id=plots.hand_over_id, status="ended")


async def _released(scene: Scene) -> bool:
    return await Adoption.exists(id=_pl(scene).release_id, status="ended")


async def _team_founded(scene: Scene) -> bool:
    plots = _pl(scene)
    team = await Team.get_or_none(community_id=scene.world.community.id, name="矩阵新队伍")
    return team is not None and await TeamMember.exists(
        team_id=team.id, user_id=plots.actor_id, role="leader", status="active"
    )


async def _team_edited(scene: Scene) -> bool:
    return await Team.exists(id=_pl(scene).team_id, name="改过的队伍")


async def _joined(scene: Scene) -> bool:
    plots = _pl(scene)
    return await TeamMember.exists(team_id=plots.team_id, user_id=plots.actor_id)


async def _applicant_let_in(scene: Scene) -> bool:
    plots = _pl(scene)
    return await TeamMember.exists(
        team_id=plots.team_id, user_id=plots.applicant_id, status="active"
    )


async def _member_leads(scene: Scene) -> bool:
    plots = _pl(scene)
    return await TeamMember.exists(team_id=plots.team_id, user_id=plots.member_id, role="leader")


async def _left(scene: Scene) -> bool:
    plots = _pl(scene)
    return not await TeamMember.exists(team_id=plots.team_id, user_id=plots.actor_id)


async def _notices_read(scene: Scene) -> bool:
    user_id = _pl(scene).actor_id
    return not await Notification.exists(user_id=user_id, read_at__isnull=True)


def _adopt_form(scene: Scene) -> dict[str, Any]:
    return {"team_id": str(_pl(scene).team_id), "term_months": "6"}


def _hand_over_form(scene: Scene) -> dict[str, Any]:
    return {"team_id": str(_pl(scene).other_team_id)}


def _rota_form(scene: Scene) -> dict[str, Any]:
    return {"week": now().date().isoformat(), "members": [str(_pl(scene).member_id)]}


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the path as declared in app.routes
    expect: dict[str, int]
    data: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # when the route is a Mount
    changed: Callable[[Scene], Awaitable[bool]] | None = None  # what an allowed write did
    # which of the ProposalScene's (or the PlotScene's) proposals {proposal_id} is
    proposal: str = "submitted_id"
    upload: bool = False  # send a small PNG as the form's ``photo``
    voting_round: str = "open_id"  # which of the VotingScene's rounds {round_id} is
    form: Callable[[Scene], dict[str, Any]] | None = None  # fields that depend on the scene
    # Which of the PlotScene's things {plot_id}, {adoption_id}, {task_id}, {team_id} are, and
    # whose id {user_id} is (by default the Scene's target).
    plot: str = "plot_id"
    adoption: str = "adoption_id"
    task: str = "task_id"
    team: str = "team_id"
    user: str = ""

    def fields(self, scene: Scene) -> dict[str, Any]:
        return {**self.data, **(self.form(scene) if self.form else {})}

    def url(self, scene: Scene) -> str:
        proposals, plots = _p(scene), _pl(scene)
        proposal_id = (
            getattr(plots, self.proposal)
            if hasattr(plots, self.proposal)
            else getattr(proposals, self.proposal)
        )
        return (self.path or self.route).format(
            slug="yulin",
            provider="demo",
            user_id=getattr(plots, self.user) if self.user else scene.target.id,
            code_id=scene.code_id,
            request_id=scene.request_id,
            proposal_id=proposal_id,
            comment_id=proposals.comment_id,
            update_id=proposals.update_id,
            milestone_id=proposals.milestone_id,
            key=proposals.photo_key,
            variant="original",
            round_id=getattr(_v(scene), self.voting_round),
            plot_id=getattr(plots, self.plot),
            adoption_id=getattr(plots, self.adoption),
            task_id=getattr(plots, self.task),
            team_id=getattr(plots, self.team),
            log_id=plots.log_id,
        )


# In request order: reads first, then writes, sign-out last.
MATRIX = (
    Case("GET", "/", everyone(200)),
    Case("GET", "/healthz", everyone(200)),
    Case("GET", "/favicon.ico", everyone(200)),
    Case("GET", "/apple-touch-icon.png", everyone(200)),
    Case("GET", "/login", everyone(200)),
    Case("GET", "/login/{provider}", everyone(302)),
    Case("GET", "/auth/{provider}/callback", everyone(400)),
    Case("GET", "/static", everyone(200), path="/static/huakai.css"),
    Case("GET", "/profile", signed_in(200)),
    Case("GET", "/c/{slug}", everyone(200)),
    Case("GET", "/c/{slug}/verify", signed_in(200)),
    Case("GET", "/c/{slug}/committee/settings", committee_only(200)),
    Case("GET", "/c/{slug}/committee/members", committee_only(200)),
    Case("GET", "/c/{slug}/committee/codes", committee_only(200)),
    Case("GET", "/c/{slug}/committee/requests", committee_only(200)),
    # What a form showed once is its author's alone: to anyone else, any token is unknown
    # (tests/web/test_kept_results.py opens real ones).
    Case(
        "GET",
        "/c/{slug}/committee/codes/sheet/{token}",
        committee_only(404),
        path="/c/yulin/committee/codes/sheet/" + "x" * 43,
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/receipt/{token}",
        signed_in(404),
        path="/c/yulin/rounds/1/receipt/" + "x" * 43,
    ),
    Case("GET", "/c/{slug}/proposals", everyone(200)),
    Case("GET", "/c/{slug}/proposals/new", signed_in(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}", everyone(200)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/edit", author_only(200, others=404)),
    Case("GET", "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit", author_only(200)),
    Case("GET", "/c/{slug}/committee/proposals", committee_only(200)),
    Case("GET", "/media/{key}/{variant}.webp", everyone(200)),
    # Voting: drafts and counted-but-unpublished rounds are for those who manage rounds.
    Case("GET", "/c/{slug}/rounds", everyone(200)),
    Case("GET", "/c/{slug}/rounds/new", managers(200)),
    Case("GET", "/c/{slug}/rounds/{round_id}", seen_by_managers(200), voting_round="draft_id"),
    Case("GET", "/c/{slug}/rounds/{round_id}/edit", managers(200), voting_round="draft_id"),
    Case("GET", "/c/{slug}/rounds/{round_id}/ballot/total", everyone(200)),
    # Paper ballots are the community committee's to enter, not a platform admin's.
    Case("GET", "/c/{slug}/rounds/{round_id}/paper", only(("committee",), 200)),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/ballots.pb",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/results.csv",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/results.json",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "GET",
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        seen_by_managers(200),
        voting_round="counted_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/find-my-ballot",
        seen_by_managers(200),
        {"code": "K7M2Q-9XH4D"},
        voting_round="counted_id",
    ),
    # Plots, teams and volunteer hours: reads.
    Case("GET", "/notices", signed_in(200)),
    Case("GET", "/c/{slug}/plots", everyone(200)),
    Case("GET", "/c/{slug}/plots/map.json", everyone(200)),
    Case("GET", "/c/{slug}/plots/new", committee_only(200)),
    Case("GET", "/c/{slug}/plots/import", committee_only(200)),
    Case("GET", "/c/{slug}/plots/adoptions", committee_only(200)),
    Case("GET", "/c/{slug}/plots/{plot_id}", everyone(200)),
    Case("GET", "/c/{slug}/plots/{plot_id}/edit", committee_only(200)),
    Case("GET", "/c/{slug}/teams", everyone(200)),
    Case("GET", "/c/{slug}/teams/new", signed_in(200)),
    Case("GET", "/c/{slug}/teams/{team_id}", everyone(200)),
    # Editing a team is its leaders' (the committee steps in only to change leaders).
    Case("GET", "/c/{slug}/teams/{team_id}/edit", only(LEADER_ONLY, 200)),
    Case("GET", "/c/{slug}/hours", committee_only(200)),
    Case("GET", "/c/{slug}/hours.csv", committee_only(200)),
    # Each signed-in visitor's own hours in the community (empty where they have none).
    Case("GET", "/c/{slug}/hours/mine", signed_in(200)),
    # The team member's own certificate: for them and for the committee.
    Case(
        "GET",
        "/c/{slug}/hours/{user_id}/certificate",
        only(("team_member", *COMMITTEE_LIKE), 200),
        user="member_id",
    ),
    Case("POST", "/language", everyone(303), {"locale": "zh_Hans", "next": "/"}),
    Case("POST", "/profile", signed_in(303), {"display_name": "改个名", "locale": "zh_Hans"}),
    Case("POST", "/c/{slug}/join", signed_in(303)),
    Case(
        "POST",
        "/c/{slug}/verify/request",
        not_yet_verified(303),
        {"household_label": "5栋501", "note": "刚搬来"},
    ),
    Case("POST", "/c/{slug}/verify/code", not_yet_verified(422), {"code": "AAAAA-AAAAA"}),
    Case(
        "POST",
        "/c/{slug}/committee/settings",
        committee_only(303),
        {
            "verify_by_code": "1",
            "verify_by_request": "1",
            "household_member_cap": "4",
            "default_locale": "zh_Hans",
        },
        changed=_settings_saved,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/settings/proposals",
        committee_only(303),
        {"support_threshold": "7", "custom_categories": "垃圾分类", "offer_greening": "1"},
        changed=_proposal_settings_saved,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/members/{user_id}/roles",
        committee_only(303),
        {"role": "volunteer", "granted": "1"},
        changed=_target_is_volunteer,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/codes",
        committee_only(303),
        {"labels": "8栋801"},
        changed=_codes_issued,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/codes/{code_id}/revoke",
        committee_only(303),
        changed=_code_revoked,
    ),
    Case(
        "POST",
        "/c/{slug}/committee/requests/{request_id}/decide",
        committee_only(303),
        {"decision": "reject", "reason": "查无此户"},
        changed=_request_rejected,
    ),
    # Proposals: the scene's submitted proposal (and its selected one for progress updates).
    Case(
        "POST",
        "/c/{slug}/proposals",
        residents_here(303),
        PROPOSAL_FORM,
        changed=_proposal_created,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/edit",
        author_only(303),
        {**PROPOSAL_FORM, "title": "改过的标题"},
        changed=_proposal_edited,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/photos",
        author_only(303),
        {"alt_text": "花坛现状"},
        changed=_photo_added,
        upload=True,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/support",
        residents_here(303),
        {"action": "add"},
        changed=_supported,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments",
        only((*VERIFIED_HERE, "committee"), 303),
        {"body": "矩阵评论"},
        changed=_commented,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/edit",
        author_only(303),
        {"body": "改过的评论"},
        changed=_comment_edited,
    ),
    # Inviting someone who is not a verified resident here: the author gets the form's 422.
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/co-authors",
        author_only(422),
        {"name": "没有这个人"},
    ),
    # Nobody in the scene has an invitation to accept.
    Case("POST", "/c/{slug}/proposals/{proposal_id}/co-authors/accept", signed_in(404)),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/updates",
        # The team and the committee publish; other verified residents' updates wait.
        only((*VERIFIED_HERE, *COMMITTEE_LIKE), 303),
        {"body": "矩阵进展"},
        changed=_update_posted,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/progress-percent",
        # The project's team (its author here) and the committee keep its tracking.
        only(("author", *COMMITTEE_LIKE), 303),
        {"progress_percent": "45"},
        changed=_progress_set,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/milestones",
        only(("author", *COMMITTEE_LIKE), 303),
        {"title": "矩阵里程碑"},
        changed=_milestone_added,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/milestones/{milestone_id}",
        only(("author", *COMMITTEE_LIKE), 303),
        {"done": "1"},
        changed=_milestone_done,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/updates/{update_id}/decide",
        committee_only(303),
        {"decision": "approve"},
        changed=_update_approved,
        proposal="selected_id",
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/review",
        committee_only(303),
        {"decision": "accept", "reason": ""},
        changed=_reviewed,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/comments/{comment_id}/delete",
        author_only(303),
        changed=_comment_deleted,
    ),
    Case(
        "POST",
        "/c/{slug}/proposals/{proposal_id}/{action}",
        author_only(303),
        path="/c/{slug}/proposals/{proposal_id}/withdraw",
        changed=_withdrawn,
    ),
    # Voting: the draft is edited, then opened; a verified resident votes in the open round and
    # the committee enters a paper ballot there; the ended round is closed and counted; the
    # counted one is published.
    Case("POST", "/c/{slug}/rounds", managers(303), form=_new_round_form, changed=_round_created),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/edit",
        managers(303),
        form=_edited_round_form,
        changed=_round_edited,
        voting_round="draft_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/open",
        managers(303),
        changed=_round_opened,
        voting_round="draft_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/ballot",
        residents_here(303),
        form=_ballot_form,
        changed=_voted_online,
    ),
    # voting.enter_paper_ballot is the community's committee's alone, not platform admins'.
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/paper",
        only(("committee",), 303),
        form=_paper_form,
        changed=_paper_entered,
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/close",
        managers(303),
        changed=_round_counted,
        voting_round="ended_id",
    ),
    Case(
        "POST",
        "/c/{slug}/rounds/{round_id}/publish",
        managers(303),
        changed=_round_published,
        voting_round="counted_id",
    ),
    # Plots: the committee's settings, plots, imports and decisions; the team's requests,
    # tasks, rota and care; its leaders' adoption actions. Each acts on its own object of the
    # plot scene, so an allowed write does not change what a later row acts on.
    Case(
        "POST",
        "/c/{slug}/committee/settings/plots",
        committee_only(303),
        {"lapse_days": "10", "lapse_grace_days": "5", "auto_approve_adoptions": ""},
        changed=_plot_settings_saved,
    ),
    Case("POST", "/c/{slug}/plots", committee_only(303), PLOT_FORM, changed=_plot_created),
    Case(
        "POST",
        "/c/{slug}/plots/import",
        committee_only(303),
        {"csv": "name,kind,location\n矩阵导入的花坛,planter,5栋门口\n"},
        changed=_plots_imported,
    ),
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/edit",
        committee_only(303),
        {**PLOT_FORM, "name": "改过的花坛", "kind": "planter"},
        changed=_plot_edited,
        plot="free_plot_id",
    ),
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/photo",
        committee_only(303),
        {"alt_text": "春天的花坛"},
        changed=_plot_photo_set,
        upload=True,
        plot="free_plot_id",
    ),
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/status",
        committee_only(303),
        {"status": "resting"},
        changed=_plot_rested,
        plot="status_plot_id",
    ),
    Case(
        "POST",
        "/c/{slug}/plots/from-project/{proposal_id}",
        committee_only(303),
        {"names": "项目里的花坛", "kind": "pocket_garden"},
        changed=_plots_from_project,
        proposal="completed_proposal_id",
    ),
    # A team's leader asks for a plot for the team: not another team's leader, not a member,
    # and not the committee, which decides on the request. Tasks, rota and withdrawing a
    # request are the team's own business too; the committee may name a team's leaders.
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/adopt",
        only(LEADER_ONLY, 303),
        form=_adopt_form,
        changed=_adoption_requested,
        plot="free_plot_id",
    ),
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/tasks",
        only(LEADER_ONLY, 303),
        {"kind": "weeding", "every_days": "7", "note": "矩阵任务"},
        changed=_task_added,
    ),
    Case(
        "POST",
        "/c/{slug}/tasks/{task_id}/rota",
        only(LEADER_ONLY, 303),
        form=_rota_form,
        changed=_rota_saved,
    ),
    Case(
        "POST",
        "/c/{slug}/tasks/{task_id}/stop",
        only(LEADER_ONLY, 303),
        changed=_task_stopped,
        task="stop_task_id",
    ),
    Case(
        "POST",
        "/c/{slug}/plots/{plot_id}/care",
        only(ADOPTING_TEAM, 303),
        {"kind": "watering", "minutes": "30", "note": "矩阵养护", "alt_text": "浇水后的花坛"},
        changed=_care_logged,
        upload=True,
    ),
    Case(
        "POST",
        "/c/{slug}/care/{log_id}/hide",
        committee_only(303),
        {"hidden": "1"},
        changed=_log_hidden,
    ),
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/decide",
        committee_only(303),
        {"decision": "approve", "reason": ""},
        changed=_adoption_approved,
        adoption="pending_id",
    ),
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/withdraw",
        only(LEADER_ONLY, 303),
        changed=_request_withdrawn,
        adoption="request_id",
    ),
    # The adopting team's leaders name the plot; the committee may only clear a name.
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/nickname",
        only(LEADER_ONLY, 303),
        {"nickname": "小花园"},
        changed=_nicknamed,
    ),
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/renew",
        only(TEAM_RUNNERS, 303),
        {"term_months": "6"},
        changed=_renewed,
    ),
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/hand-over",
        only(TEAM_RUNNERS, 303),
        form=_hand_over_form,
        changed=_handed_over,
        adoption="hand_over_id",
    ),
    Case(
        "POST",
        "/c/{slug}/adoptions/{adoption_id}/release",
        only(TEAM_RUNNERS, 303),
        {"reason": "矩阵释放"},
        changed=_released,
        adoption="release_id",
    ),
    # Teams: verified residents found and join them; leaders run them (the committee may
    # change a team's leaders); anyone signed in may leave (a no-op when not in the team).
    Case(
        "POST",
        "/c/{slug}/teams",
        residents_here(303),
        {"name": "矩阵新队伍", "description": "", "join_policy": "open"},
        changed=_team_founded,
    ),
    Case(
        "POST",
        "/c/{slug}/teams/{team_id}/edit",
        only(LEADER_ONLY, 303),
        {"name": "改过的队伍", "description": "新的介绍", "join_policy": "request"},
        changed=_team_edited,
    ),
    Case("POST", "/c/{slug}/teams/{team_id}/join", residents_here(303), changed=_joined),
    Case(
        "POST",
        "/c/{slug}/teams/{team_id}/members/{user_id}/decide",
        only(LEADER_ONLY, 303),
        {"decision": "accept"},
        changed=_applicant_let_in,
        user="applicant_id",
    ),
    Case(
        "POST",
        "/c/{slug}/teams/{team_id}/members/{user_id}/leader",
        only(TEAM_RUNNERS, 303),
        {"leader": "1"},
        changed=_member_leads,
        user="member_id",
    ),
    # After the row above a second leader exists, so team A's first leader may leave too.
    Case("POST", "/c/{slug}/teams/{team_id}/leave", signed_in(303), changed=_left),
    Case("POST", "/notices/read", signed_in(303), changed=_notices_read),
    Case("POST", "/logout", everyone(303)),
)


def declared_routes(app: Starlette) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            found.add(("GET", route.path))
        elif isinstance(route, Route):
            for method in route.methods or {"GET"}:
                if method != "HEAD":
                    found.add((method, route.path))
        else:  # pragma: no cover - a new kind of route needs a look
            raise AssertionError(f"unexpected route {route!r}")
    return found


@sqlite_only
async def test_the_matrix_covers_every_route(app: Starlette) -> None:
    covered = {(case.method, case.route) for case in MATRIX}
    declared = declared_routes(app)
    missing = declared - covered
    stale = covered - declared
    assert not missing, f"routes without access-control expectations: {sorted(missing)}"
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"
    assert len(covered) == len(MATRIX), "each route appears once"


async def _actor(kind: str, client: httpx.AsyncClient, world: World) -> User | None:
    if kind == "anonymous":
        return None
    if kind == "author":  # made verified, with their proposals, by build_proposal_scene
        return await login(client, PROPOSAL_AUTHOR)
    if kind in TEAM_SUBJECTS:  # made by build_plot_scene
        return await login(client, TEAM_SUBJECTS[kind])
    user = await make_user(f"matrix-{kind}", f"矩阵{kind}")
    community, other = world.community, world.other
    if kind == "unverified":
        await communities.join_community(Actor(user_id=user.id), community.id, now=now())
    elif kind in ("resident", "volunteer"):
        await make_verified(community, user, household="4栋401")
        if kind == "volunteer":
            await communities.set_role(None, community.id, user.id, "volunteer", True, now=now())
    elif kind == "other_resident":
        await make_verified(other, user, household="4栋401")
    elif kind == "other_committee":
        await make_committee(other, user)
    elif kind == "committee":
        await make_committee(community, user)
    elif kind == "admin":
        await set_user_access(None, user.id, admin=True, now=now())
    return await login(client, f"matrix-{kind}")


def _forbidden(case: Case, status: int, actor: str) -> bool:
    return status in (400, 403, 404, 405, 422) or (actor == "anonymous" and case.method == "POST")


@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    scene = MatrixScene(**vars(await build_scene(world)))
    scene.proposals = await build_proposal_scene(world, app.state.storage)
    scene.voting = await build_voting_scene(world)
    scene.plots = await build_plot_scene(world)
    user = await _actor(actor, client, world)
    scene.plots.actor_id = user.id if user else None
    token = await csrf_token(client)
    failures: list[str] = []
    # A refused request changes nothing. Refused requests in a row (and the reads between
    # them) are checked together, to keep this fast: the database after the last of them must
    # be as it was before the first. An allowed write ends the row.
    refused_run: list[str] = []
    before: dict[str, list[tuple[Any, ...]]] | None = None

    async def end_run() -> None:
        nonlocal refused_run, before
        if refused_run and before is not None and await plot_snapshot() != before:
            failures.append(f"one of these refused requests changed the database: {refused_run}")
        refused_run, before = [], None

    for case in MATRIX:
        expected = case.expect[actor]
        where = f"{case.method} {case.route} as {actor}"
        refused = _forbidden(case, expected, actor)
        if refused:
            if before is None:
                before = await plot_snapshot()
            refused_run.append(where)
        elif case.method == "POST":
            await end_run()
        if case.method == "GET":
            response = await client.get(case.url(scene))
        else:
            files = {"photo": ("花坛.png", tiny_png(), "image/png")} if case.upload else None
            response = await client.post(
                case.url(scene), data={"csrf_token": token, **case.fields(scene)}, files=files
            )
        if response.status_code != expected:
            failures.append(f"{where}: {response.status_code}, expected {expected}")
            if refused and not _forbidden(case, response.status_code, actor):
                refused_run, before = [], None  # it did something: what is unknown
            continue
        if expected == 303 and actor == "anonymous" and case.route not in ("/language", "/logout"):
            assert response.headers["location"].startswith("/login?next="), where
        if case.changed and not refused and not await case.changed(scene):
            failures.append(f"{where}: the allowed write did not happen")
    await end_run()
    assert not failures, "\n".join(failures)


# --- 19. another community's objects through this community's URLs -------------------------------


def _main(page: str) -> str:
    match = re.search(r'<main id="main"[^>]*>(.*)</main>', page, re.S)
    assert match
    return match.group(1)


@pytest.fixture
async def scene(world: World) -> Scene:
    return await build_scene(world)


@pytest.fixture
async def voting(scene: Scene) -> VotingScene:
    scene.voting = await build_voting_scene(scene.world)
    return scene.voting


@pytest.fixture
async def committee_client(client: httpx.AsyncClient, scene: Scene) -> httpx.AsyncClient:
    user = await login(client, "committee-a")
    await make_committee(scene.world.community, user)
    return client


async def test_other_communitys_objects_are_the_same_404_as_missing_ones(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    client = committee_client
    # A verified resident too, so the ballot route gets as far as looking the round up.
    await make_verified(scene.world.community, await User.get(display_name="committee-a"))
    before = await snapshot()
    other_round = await VotingRound.get(id=voting.other_id)
    ballot = {"projects": [str(p) for p in voting.other_projects]}
    pairs: list[tuple[str, str, dict[str, Any]]] = [
        (
            f"/c/yulin/committee/codes/{scene.other_code_id}/revoke",
            "/c/yulin/committee/codes/987654321/revoke",
            {},
        ),
        (
            f"/c/yulin/committee/requests/{scene.other_request_id}/decide",
            "/c/yulin/committee/requests/987654321/decide",
            {"decision": "approve"},
        ),
    ]
    # The other community's round through this community's URLs, by its committee here.
    for action, data in [
        ("edit", round_form("别人的投票", [voting.other_proposal_id])),
        ("open", {}),
        ("ballot", ballot),
        ("paper", {"voter_id": str(voting.author.id), **ballot}),
        ("close", {}),
        ("publish", {}),
    ]:
        pairs.append(
            (
                f"/c/yulin/rounds/{voting.other_id}/{action}",
                f"/c/yulin/rounds/987654321/{action}",
                data,
            )
        )
    for foreign, missing, data in pairs:
        other = await post_form(client, foreign, data)
        absent = await post_form(client, missing, data)
        assert other.status_code == absent.status_code == 404, foreign
        assert _main(other.text) == _main(absent.text)
    for page in (
        "",
        "/edit",
        "/paper",
        "/ballot/total?projects=" + str(voting.other_projects[0]),
        "/ballots.pb",
        "/results.csv",
        "/results.json",
        "/find-my-ballot?code=K7M2Q-9XH4D",
    ):
        other = await client.get(f"/c/yulin/rounds/{voting.other_id}{page}")
        absent = await client.get(f"/c/yulin/rounds/987654321{page}")
        assert other.status_code == absent.status_code == 404, page
        assert _main(other.text) == _main(absent.text)
    assert await snapshot() == before
    assert not await HouseholdCode.exists(id=scene.other_code_id, revoked_at__isnull=False)
    assert await VerificationRequest.exists(id=scene.other_request_id, status="pending")
    assert await VotingRound.get(id=voting.other_id) == other_round
    assert not await Ballot.exists(round_id=voting.other_id)


@sqlite_only
async def test_rounds_stay_out_of_sight_until_they_may_be_seen(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    scene: Scene,
    voting: VotingScene,
) -> None:
    """Drafts are the committee's; ballots and results are downloadable once counted (by the
    committee) or published (by everyone), never while voting runs."""
    await login(client, "voting-committee")
    resident = await make_user("round-watcher")
    await make_verified(scene.world.community, resident, household="4栋409")
    await login(other_client, "round-watcher")
    draft_title = (await VotingRound.get(id=voting.draft_id)).title
    assert draft_title in (await client.get("/c/yulin/rounds")).text
    assert draft_title not in (await other_client.get("/c/yulin/rounds")).text
    before = await snapshot()
    draft = f"/c/yulin/rounds/{voting.draft_id}"
    assert (await other_client.get(draft)).status_code == 404
    refused = await post_form(
        other_client, f"{draft}/ballot", {"projects": str(voting.open_projects[0])}
    )
    assert refused.status_code == 404
    for download in ("ballots.pb", "results.csv", "results.json", "find-my-ballot"):
        for who in (client, other_client):
            still_open = await who.get(f"/c/yulin/rounds/{voting.open_id}/{download}")
            assert still_open.status_code == 404, download
        counted = f"/c/yulin/rounds/{voting.counted_id}/{download}"
        assert (await client.get(counted)).status_code == 200, download
        assert (await other_client.get(counted)).status_code == 404, download
    assert await snapshot() == before


@sqlite_only
@pytest.mark.parametrize(
    "raw_id", ["abc", "-1", "1e3", "0x10", "１２", "1234567890123", "%20", "1.0"]
)
async def test_malformed_ids_are_404(
    committee_client: httpx.AsyncClient, scene: Scene, raw_id: str
) -> None:
    # A verified resident too, so the ballot route gets as far as looking the round up.
    await make_verified(scene.world.community, await User.get(display_name="committee-a"))
    before = await snapshot()
    for path, data in [
        (f"/c/yulin/committee/codes/{raw_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{raw_id}/decide", {"decision": "reject", "reason": "x"}),
        (f"/c/yulin/committee/members/{raw_id}/roles", {"role": "volunteer", "granted": "1"}),
        (f"/c/yulin/rounds/{raw_id}/open", {}),
        (f"/c/yulin/rounds/{raw_id}/close", {}),
        (f"/c/yulin/rounds/{raw_id}/publish", {}),
        (f"/c/yulin/rounds/{raw_id}/ballot", {"projects": "1"}),
        (f"/c/yulin/rounds/{raw_id}/paper", {"voter_id": "1", "projects": "1"}),
        (f"/c/yulin/rounds/{raw_id}/edit", {"title": "x"}),
    ]:
        response = await post_form(committee_client, path, data)
        assert response.status_code == 404, path
    for page in ("", "/edit", "/paper", "/ballot/total", "/ballots.pb", "/results.json"):
        response = await committee_client.get(f"/c/yulin/rounds/{raw_id}{page}")
        assert response.status_code == 404, page
    assert await snapshot() == before


async def test_other_communitys_committee_pages_are_403(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    before = await snapshot()
    other_round = f"/c/yulin-other/rounds/{voting.other_id}"
    for path in (
        "/c/yulin-other/committee/members",
        "/c/yulin-other/committee/codes",
        "/c/yulin-other/committee/requests",
        "/c/yulin-other/committee/settings",
        "/c/yulin-other/rounds/new",
        f"{other_round}/edit",
        f"{other_round}/paper",
    ):
        assert (await committee_client.get(path)).status_code == 403, path
    writes: list[tuple[str, dict[str, Any]]] = [
        (f"/c/yulin-other/committee/codes/{scene.other_code_id}/revoke", {}),
        (
            f"/c/yulin-other/committee/requests/{scene.other_request_id}/decide",
            {"decision": "approve"},
        ),
        ("/c/yulin-other/committee/codes", {"labels": "1栋1"}),
        ("/c/yulin-other/committee/settings/proposals", {"support_threshold": "9"}),
        ("/c/yulin-other/rounds", round_form("别人的投票", [voting.other_proposal_id])),
        (f"{other_round}/edit", round_form("别人的投票", [voting.other_proposal_id])),
        (f"{other_round}/open", {}),
        (f"{other_round}/close", {}),
        (f"{other_round}/publish", {}),
        (
            f"{other_round}/paper",
            {"voter_id": str(voting.author.id), "projects": str(voting.other_projects[0])},
        ),
    ]
    for path, data in writes:
        assert (await post_form(committee_client, path, data)).status_code == 403, path
    assert await snapshot() == before


async def test_committee_cannot_grant_roles_to_people_outside_the_community(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    outsider = await Membership.filter(community_id=scene.world.other.id).first()
    assert outsider is not None
    before = await snapshot()
    response = await post_form(
        committee_client,
        f"/c/yulin/committee/members/{outsider.user_id}/roles",
        {"role": "committee", "granted": "1"},
    )
    assert response.status_code == 404
    assert await snapshot() == before


# --- 18. injected form fields --------------------------------------------------------------------


INJECTED = {
    "user_id": "{victim}",
    "membership_id": "{victim_membership}",
    "community_id": "{other}",
    "household_id": "{other_household}",
    "role": "committee",
    "is_committee": "1",
    "is_volunteer": "1",
    "is_admin": "1",
    "verified_at": "2020-01-01T00:00:00Z",
    "status": "approved",
    "decided_by_id": "{victim}",
    "session_version": "99",
    "disabled": "1",
    "id": "{victim}",
    "slug": "hijacked",
    "name": "Hijacked",
}


def _injected(scene: Scene, victim_membership: int, other_household: int) -> dict[str, str]:
    values = {
        "victim": str(scene.target.id),
        "victim_membership": str(victim_membership),
        "other": str(scene.world.other.id),
        "other_household": str(other_household),
    }
    return {key: value.format(**values) for key, value in INJECTED.items()}


async def test_injected_fields_are_ignored_by_resident_forms(
    client: httpx.AsyncClient, scene: Scene
) -> None:
    community, other = scene.world.community, scene.world.other
    victim_membership = await Membership.get(user_id=scene.target.id)
    other_household = await Household.get(community_id=other.id, label="9栋902")
    extra = _injected(scene, victim_membership.id, other_household.id)
    user = await login(client, "injector")

    for path, data in [
        ("/c/yulin/join", {}),
        ("/c/yulin/verify/request", {"household_label": "6栋601", "note": "hi"}),
        ("/profile", {"display_name": "注入者", "locale": "en"}),
        ("/c/yulin/verify/code", {"code": scene.code}),
    ]:
        response = await post_form(client, path, {**extra, **data})
        assert response.status_code == 303, (path, response.text[:300])

    mine = await Membership.get(user_id=user.id).prefetch_related("household")
    assert mine.community_id == community.id
    assert not mine.is_committee and not mine.is_volunteer
    assert mine.household is not None and mine.household.label == "3栋302", "the code's household"
    assert not await Membership.exists(user_id=user.id, community_id=other.id)
    request = await VerificationRequest.get(membership_id=mine.id)
    assert request.household_label == "6栋601"
    assert request.status == "superseded", "redeeming the code superseded the pending request"
    assert request.decided_by_id is None

    me = await User.get(id=user.id)
    assert (me.display_name, me.locale, me.is_admin, me.disabled) == ("注入者", "en", False, False)
    victim = await User.get(id=scene.target.id)
    assert (victim.display_name, victim.is_admin, victim.disabled) == ("邻居小王", False, False)
    victim_after = await Membership.get(id=victim_membership.id)
    assert victim_after.verified_at is None and not victim_after.is_committee
    assert await VerificationRequest.exists(id=scene.request_id, status="pending")
    assert (await Community.get(id=community.id)).slug == "yulin"


async def test_injected_fields_are_ignored_by_committee_forms(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    community, other = scene.world.community, scene.world.other
    victim_membership = await Membership.get(user_id=scene.target.id)
    other_household = await Household.get(community_id=other.id, label="9栋902")
    extra = _injected(scene, victim_membership.id, other_household.id)
    committee = await User.get(display_name="committee-a")

    role = await post_form(
        committee_client,
        f"/c/yulin/committee/members/{scene.target.id}/roles",
        {**extra, "role": "volunteer", "granted": "1"},
    )
    assert role.status_code == 303
    decided = await post_form(
        committee_client,
        f"/c/yulin/committee/requests/{scene.request_id}/decide",
        {**extra, "decision": "reject", "reason": "不是本小区"},
    )
    assert decided.status_code == 303
    saved = await post_form(
        committee_client,
        "/c/yulin/committee/settings",
        {
            **extra,
            "verify_by_code": "1",
            "verify_by_request": "1",
            "household_member_cap": "3",
            "default_locale": "en",
        },
    )
    assert saved.status_code == 303

    target = await Membership.get(id=victim_membership.id)
    assert target.is_volunteer and not target.is_committee
    assert target.verified_at is None
    request = await VerificationRequest.get(id=scene.request_id)
    assert (request.status, request.decided_by_id) == ("rejected", committee.id)
    assert await VerificationRequest.exists(id=scene.other_request_id, status="pending")
    assert not await Membership.exists(user_id=scene.target.id, community_id=other.id)
    saved_community = await Community.get(id=community.id)
    assert (saved_community.slug, saved_community.household_member_cap) == ("yulin", 3)
    assert saved_community.name == scene.world.community.name
    assert (await Community.get(id=other.id)).household_member_cap != 3
    assert not (await User.get(id=scene.target.id)).is_admin


VOTING_INJECTED = {
    "voter_id": "{victim}",
    "voter_key": "user:{victim}",
    "user_id": "{victim}",
    "channel": "paper",
    "entered_by_id": "{victim}",
    "created_by_id": "{victim}",
    "receipt_hash": "0" * 64,
    "total_cost": "1",
    "budget_yuan_override": "1",
    "status": "published",
    "ballot_count": "99",
    "lot": "[1, 2, 3]",
    "pb_sha256": "f" * 64,
    "round_id": "{other_round}",
    "community_id": "{other}",
    "published_at": "2020-01-01T00:00:00Z",
    "funded": "1",
    "id": "1",
}


def _voting_injected(scene: Scene, voting: VotingScene) -> dict[str, Any]:
    values = {
        "victim": str(voting.paper_voter.id),
        "other_round": str(voting.other_id),
        "other": str(scene.world.other.id),
    }
    return {key: value.format(**values) for key, value in VOTING_INJECTED.items()}


async def test_injected_fields_are_ignored_by_the_ballot(
    client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    """The ballot is the signed-in voter's own, online, in the round of the URL, under the
    round's own rules, whatever else the form carries."""
    voter = await login(client, "injecting-voter")
    await make_verified(scene.world.community, voter, household="5栋505")
    rounds = f"/c/yulin/rounds/{voting.open_id}"
    wanted = voting.open_projects[1]  # ¥2,000
    form: dict[str, Any] = {
        **_voting_injected(scene, voting),
        "budget_yuan": "999999999",
        "max_projects": "1",
        "projects": [str(wanted)],
    }
    response = await post_form(client, f"{rounds}/ballot", form)
    assert response.status_code == 303, response.text[:500]

    [ballot] = await Ballot.filter(round_id=voting.open_id)
    assert (ballot.voter_id, ballot.voter_key) == (voter.id, f"user:{voter.id}")
    assert (ballot.channel, ballot.entered_by_id) == ("online", None)
    assert ballot.total_cost == 2000 and ballot.receipt_hash != "0" * 64
    assert await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    ) == [wanted]
    voted = await VotingRound.get(id=voting.open_id)
    assert (voted.status, voted.budget_yuan, voted.ballot_count) == ("open", 5000, 1)
    assert (voted.pb_sha256, voted.published_at, voted.community_id) == (
        "",
        None,
        scene.world.community.id,
    )
    assert not await Ballot.exists(voter_id=voting.paper_voter.id)
    assert not await Ballot.exists(round_id=voting.other_id)
    assert (await VotingRound.get(id=voting.other_id)).ballot_count == 0

    # Injected rules do not loosen the round's: over its budget is over, whatever is posted.
    form = {**form, "max_projects": "9", "projects": [str(p) for p in voting.open_projects]}
    over = await post_form(client, f"{rounds}/ballot", form)
    assert over.status_code == 422
    assert await BallotChoice.filter(ballot_id=ballot.id).values_list(
        "round_project_id", flat=True
    ) == [wanted]


async def test_injected_fields_are_ignored_by_round_and_paper_forms(
    committee_client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    client = committee_client
    committee = await User.get(display_name="committee-a")
    extra = _voting_injected(scene, voting)

    created = await post_form(
        client, "/c/yulin/rounds", {**extra, **round_form("注入的投票", voting.proposal_ids)}
    )
    assert created.status_code == 303, created.text[:500]
    new = await VotingRound.get(title="注入的投票")
    assert (new.community_id, new.created_by_id) == (scene.world.community.id, committee.id)
    assert (new.status, new.ballot_count, new.lot, new.pb_sha256) == ("draft", 0, [], "")
    assert new.published_at is None

    edited = await post_form(
        client,
        f"/c/yulin/rounds/{voting.draft_id}/edit",
        {**extra, **round_form("注入后改的投票", voting.proposal_ids)},
    )
    assert edited.status_code == 303, edited.text[:500]
    draft = await VotingRound.get(id=voting.draft_id)
    assert (draft.title, draft.status, draft.ballot_count) == ("注入后改的投票", "draft", 0)
    assert draft.created_by_id == voting.committee.id

    paper_form: dict[str, Any] = {
        **extra,
        "channel": "online",
        "voter_id": str(voting.paper_voter.id),
        "projects": [str(voting.open_projects[3])],
    }
    paper = await post_form(client, f"/c/yulin/rounds/{voting.open_id}/paper", paper_form)
    assert paper.status_code == 303, paper.text[:500]
    [ballot] = await Ballot.filter(round_id=voting.open_id)
    assert (ballot.voter_id, ballot.channel) == (voting.paper_voter.id, "paper")
    assert ballot.entered_by_id == committee.id and ballot.total_cost == 1000
    assert ballot.receipt_hash != "0" * 64
    assert (await VotingRound.get(id=voting.open_id)).ballot_count == 1
    other = await VotingRound.get(id=voting.other_id)
    assert (other.title, other.status, other.ballot_count) == ("别处的投票", "open", 0)


async def test_unknown_role_is_refused_and_changes_nothing(
    committee_client: httpx.AsyncClient, scene: Scene
) -> None:
    before = await snapshot()
    for role in ("admin", "is_admin", "is_committee", "", "committee "):
        response = await post_form(
            committee_client,
            f"/c/yulin/committee/members/{scene.target.id}/roles",
            {"role": role, "granted": "1"},
        )
        assert response.status_code == 422, role
    assert await snapshot() == before


# --- 20. residents at committee endpoints --------------------------------------------------------


async def test_resident_posting_to_committee_endpoints_is_403(
    client: httpx.AsyncClient, scene: Scene, voting: VotingScene
) -> None:
    user = await make_user("plain-resident")
    await make_verified(scene.world.community, user)
    await login(client, "plain-resident")
    token = await csrf_token(client)
    before = await snapshot()
    rounds = "/c/yulin/rounds"
    committee_writes: list[tuple[str, dict[str, Any]]] = [
        (f"/c/yulin/committee/members/{user.id}/roles", {"role": "committee", "granted": "1"}),
        (f"/c/yulin/committee/members/{scene.target.id}/roles", {"role": "volunteer"}),
        ("/c/yulin/committee/codes", {"labels": "1栋1"}),
        (f"/c/yulin/committee/codes/{scene.code_id}/revoke", {}),
        (f"/c/yulin/committee/requests/{scene.request_id}/decide", {"decision": "approve"}),
        ("/c/yulin/committee/settings", {"verify_by_code": "1", "household_member_cap": "50"}),
        ("/c/yulin/committee/settings/proposals", {"support_threshold": "0"}),
        (rounds, round_form("居民自己的投票", voting.proposal_ids)),
        (f"{rounds}/{voting.draft_id}/edit", round_form("居民改的投票", voting.proposal_ids)),
        (f"{rounds}/{voting.draft_id}/open", {}),
        (f"{rounds}/{voting.ended_id}/close", {}),
        (f"{rounds}/{voting.counted_id}/publish", {}),
        # Entering a paper ballot, even one's own.
        (
            f"{rounds}/{voting.open_id}/paper",
            {"voter_id": str(user.id), "projects": str(voting.open_projects[0])},
        ),
        (
            f"{rounds}/{voting.open_id}/paper",
            {"voter_id": str(voting.paper_voter.id), "projects": str(voting.open_projects[0])},
        ),
    ]
    for path, data in committee_writes:
        plain = await client.post(path, data={"csrf_token": token, **data})
        assert plain.status_code == 403, path
        assert "<html" in plain.text
        partial = await client.post(
            path, data=data, headers={**HTMX_PARTIAL, "X-CSRF-Token": token}
        )
        assert partial.status_code == 403, path
        assert is_fragment(partial.text)
    assert await snapshot() == before
    assert not (await Membership.get(user_id=user.id)).is_committee
