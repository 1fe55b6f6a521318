"""Access to plots, teams, adoption, care and volunteer hours, and to notices (HOSTILE case 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from participation.communities.models import (
    Community,
)
from participation.moderation.queries import hidden_ids
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
from tests.support import (
    World,
    now,
)
from tests.web.access import (
    ACTORS,
    COMMITTEE_LIKE,
    Case,
    committee_only,
    everyone,
    only,
    plots_of,
    residents_here,
    run_matrix,
    signed_in,
)
from tests.web.helpers import (
    Scene,
    sqlite_only,
)

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
    return await Plot.exists(id=plots_of(scene).free_plot_id, name="改过的花坛", kind="planter")


async def _plot_photo_set(scene: Scene) -> bool:
    return await Plot.exists(id=plots_of(scene).free_plot_id, photo_id__isnull=False)


async def _plot_rested(scene: Scene) -> bool:
    return await Plot.exists(id=plots_of(scene).status_plot_id, status="resting")


async def _plots_from_project(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await Plot.exists(
        source_proposal_id=plots.completed_proposal_id,
        community_id=scene.world.community.id,
        name="项目里的花坛",
    )


async def _adoption_requested(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await Adoption.exists(
        plot_id=plots.free_plot_id, team_id=plots.team_id, status="pending"
    )


async def _task_added(scene: Scene) -> bool:
    return await CareTask.exists(plot_id=plots_of(scene).plot_id, note="矩阵任务", active=True)


async def _rota_saved(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await CareAssignment.exists(task_id=plots.task_id, user_id=plots.member_id)


async def _task_stopped(scene: Scene) -> bool:
    return await CareTask.exists(id=plots_of(scene).stop_task_id, active=False)


async def _care_logged(scene: Scene) -> bool:
    plots = plots_of(scene)
    log = await CareLog.get_or_none(plot_id=plots.plot_id, note="矩阵养护")
    return (
        log is not None
        and log.member_id == plots.actor_id
        and log.team_id == plots.team_id
        and await CareLogPhoto.exists(log_id=log.id)
    )


async def _log_hidden(scene: Scene) -> bool:
    log_id = plots_of(scene).log_id
    return log_id in await hidden_ids("care_log", [log_id])


async def _adoption_approved(scene: Scene) -> bool:
    return await Adoption.exists(id=plots_of(scene).pending_id, status="active")


async def _request_withdrawn(scene: Scene) -> bool:
    return await Adoption.exists(id=plots_of(scene).request_id, status="withdrawn")


async def _nicknamed(scene: Scene) -> bool:
    return await Adoption.exists(id=plots_of(scene).adoption_id, nickname="小花园")


async def _renewed(scene: Scene) -> bool:
    plots = plots_of(scene)
    ends = (await Adoption.get(id=plots.adoption_id)).ends_at
    return ends is not None and ends > plots.adoption_ends


async def _handed_over(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await Adoption.exists(
        plot_id=plots.hand_over_plot_id, team_id=plots.other_team_id, status="active"
    ) and await Adoption.exists(id=plots.hand_over_id, status="ended")


async def _released(scene: Scene) -> bool:
    return await Adoption.exists(id=plots_of(scene).release_id, status="ended")


async def _team_founded(scene: Scene) -> bool:
    plots = plots_of(scene)
    team = await Team.get_or_none(community_id=scene.world.community.id, name="矩阵新队伍")
    return team is not None and await TeamMember.exists(
        team_id=team.id, user_id=plots.actor_id, role="leader", status="active"
    )


async def _team_edited(scene: Scene) -> bool:
    return await Team.exists(id=plots_of(scene).team_id, name="改过的队伍")


async def _joined(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await TeamMember.exists(team_id=plots.team_id, user_id=plots.actor_id)


async def _applicant_let_in(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await TeamMember.exists(
        team_id=plots.team_id, user_id=plots.applicant_id, status="active"
    )


async def _member_leads(scene: Scene) -> bool:
    plots = plots_of(scene)
    return await TeamMember.exists(team_id=plots.team_id, user_id=plots.member_id, role="leader")


async def _left(scene: Scene) -> bool:
    plots = plots_of(scene)
    return not await TeamMember.exists(team_id=plots.team_id, user_id=plots.actor_id)


async def _notices_read(scene: Scene) -> bool:
    user_id = plots_of(scene).actor_id
    return not await Notification.exists(user_id=user_id, read_at__isnull=True)


def _adopt_form(scene: Scene) -> dict[str, Any]:
    return {"team_id": str(plots_of(scene).team_id), "term_months": "6"}


def _hand_over_form(scene: Scene) -> dict[str, Any]:
    return {"team_id": str(plots_of(scene).other_team_id)}


def _rota_form(scene: Scene) -> dict[str, Any]:
    return {"week": now().date().isoformat(), "members": [str(plots_of(scene).member_id)]}


# In request order: reads first, then writes.
MATRIX = (
    # Plots, teams and volunteer hours: reads.
    Case("GET", "/notices", signed_in(200)),
    Case("GET", "/c/{slug}/plots", everyone(200)),
    Case("GET", "/c/{slug}/plots/map.json", everyone(200)),
    Case("GET", "/c/{slug}/plots/new", committee_only(200)),
    Case("GET", "/c/{slug}/plots/import", committee_only(200)),
    Case("GET", "/c/{slug}/plots/adoptions", committee_only(200)),
    Case("GET", "/c/{slug}/plots/{plot_id}", everyone(200)),
    Case("GET", "/c/{slug}/plots/{plot_id}/care.atom", everyone(200)),
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
)


# The rules are the same code on either backend, and the services' rules matrices run on
# both: the routes' matrix runs once, on SQLite, to keep the tier within its time.
@sqlite_only
@pytest.mark.parametrize("actor", ACTORS)
async def test_access_matrix(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    await run_matrix(MATRIX, app, client, world, actor, needs=("plots",))
