"""The access matrix (HOSTILE case 17): every route × every kind of visitor, declared per
capability in tests/web/test_access_<capability>.py and run here the same way for each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from participation.accounts.models import User
from participation.accounts.services import set_user_access
from participation.communities import services as communities
from participation.core.permissions import Actor
from tests.support import (
    World,
    csrf_token,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
)
from tests.web.convention_scene import ConventionScene, build_convention_scene
from tests.web.helpers import (
    PROPOSAL_AUTHOR,
    ProposalScene,
    Scene,
    VotingScene,
    build_proposal_scene,
    build_scene,
    build_voting_scene,
    tiny_png,
)
from tests.web.moderation_scene import ModerationScene, build_moderation_scene
from tests.web.plot_scene import (
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


def proposals_of(scene: Scene) -> ProposalScene:
    assert scene.proposals is not None
    return scene.proposals


def voting_of(scene: Scene) -> VotingScene:
    assert scene.voting is not None
    return scene.voting


def managers(status: int, *, others: int = 403) -> dict[str, int]:
    """voting.manage: the committee and platform admins (anonymous visitors sign in first)."""
    return only(COMMITTEE_LIKE, status, others=others)


def seen_by_managers(status: int) -> dict[str, int]:
    """A draft round, or a counted round before publishing: those who manage rounds see it;
    to everyone else, signed in or not, it is the same 404 as a missing round."""
    return {actor: status if actor in COMMITTEE_LIKE else 404 for actor in ACTORS}


@dataclass
class MatrixScene(Scene):
    plots: PlotScene | None = None
    conventions: ConventionScene | None = None
    moderation: ModerationScene | None = None


def conventions_of(scene: Scene) -> ConventionScene:
    assert isinstance(scene, MatrixScene) and scene.conventions is not None
    return scene.conventions


def moderation_of(scene: Scene) -> ModerationScene:
    assert isinstance(scene, MatrixScene) and scene.moderation is not None
    return scene.moderation


def plots_of(scene: Scene) -> PlotScene:
    assert isinstance(scene, MatrixScene) and scene.plots is not None
    return scene.plots


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
    # Which of the ConventionScene's conventions {convention_id} is, and which vote
    # {ratification_id}.
    convention: str = "drafting_id"
    vote: str = "vote_id"

    def fields(self, scene: Scene) -> dict[str, Any]:
        return {**self.data, **(self.form(scene) if self.form else {})}

    def url(self, scene: Scene) -> str:
        """The route's path with this row's objects of the scene: only those it names are
        looked up, so a capability's matrix builds only the scenes it needs."""
        template = self.path or self.route
        names = {name for _, name, _, _ in Formatter().parse(template) if name}
        return template.format(**{name: _URL_PARTS[name](self, scene) for name in names})


def _proposal_id(case: Case, scene: Scene) -> int:
    plots = scene.plots if isinstance(scene, MatrixScene) else None
    if plots is not None and hasattr(plots, case.proposal):
        return int(getattr(plots, case.proposal))
    return int(getattr(proposals_of(scene), case.proposal))


_URL_PARTS: dict[str, Callable[[Case, Scene], object]] = {
    "slug": lambda case, scene: "yulin",
    "provider": lambda case, scene: "demo",
    "user_id": lambda case, scene: (
        getattr(plots_of(scene), case.user) if case.user else scene.target.id
    ),
    "code_id": lambda case, scene: scene.code_id,
    "request_id": lambda case, scene: scene.request_id,
    "proposal_id": _proposal_id,
    "comment_id": lambda case, scene: (
        conventions_of(scene).comment_id
        if case.route.startswith("/c/{slug}/conventions")
        else proposals_of(scene).comment_id
    ),
    "update_id": lambda case, scene: proposals_of(scene).update_id,
    "milestone_id": lambda case, scene: proposals_of(scene).milestone_id,
    "key": lambda case, scene: proposals_of(scene).photo_key,
    "variant": lambda case, scene: "original",
    "round_id": lambda case, scene: getattr(voting_of(scene), case.voting_round),
    "plot_id": lambda case, scene: getattr(plots_of(scene), case.plot),
    "adoption_id": lambda case, scene: getattr(plots_of(scene), case.adoption),
    "task_id": lambda case, scene: getattr(plots_of(scene), case.task),
    "team_id": lambda case, scene: getattr(plots_of(scene), case.team),
    "log_id": lambda case, scene: plots_of(scene).log_id,
    "convention_id": lambda case, scene: getattr(conventions_of(scene), case.convention),
    "amendment_id": lambda case, scene: conventions_of(scene).amendment_id,
    "ratification_id": lambda case, scene: getattr(conventions_of(scene), case.vote),
    "number": lambda case, scene: 1,
    "kind": lambda case, scene: "proposal_comment",
    "item_id": lambda case, scene: proposals_of(scene).comment_id,
    "entry_id": lambda case, scene: moderation_of(scene).entry_id,
    "moderated_id": lambda case, scene: moderation_of(scene).moderated_id,
    "appeal_id": lambda case, scene: moderation_of(scene).appeal_id,
    "dataset": lambda case, scene: "proposals",  # an open data set
}


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


async def sign_in_as(kind: str, client: httpx.AsyncClient, world: World) -> User | None:
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


# The actors whose accounts a scene makes: the author's with the proposal scene, the teams'
# with the plot scene.
ACTOR_SCENES = {"author": "proposals", **dict.fromkeys(TEAM_SUBJECTS, "plots")}


async def run_matrix(
    matrix: tuple[Case, ...],
    app: Starlette,
    client: httpx.AsyncClient,
    world: World,
    actor: str,
    *,
    needs: tuple[str, ...],
) -> None:
    """``actor`` makes every request of ``matrix`` in order, in a scene of ``needs`` (and of
    what the actor's own account needs), and gets each row's status for them."""
    scene = MatrixScene(**vars(await build_scene(world)))
    wanted = {*needs, ACTOR_SCENES.get(actor, "")}
    if "proposals" in wanted:
        scene.proposals = await build_proposal_scene(world, app.state.storage)
    if "voting" in wanted:
        scene.voting = await build_voting_scene(world)
    if "plots" in wanted:
        scene.plots = await build_plot_scene(world)
    if "conventions" in wanted:
        scene.conventions = await build_convention_scene(world)
    if "moderation" in wanted:
        scene.moderation = await build_moderation_scene(world, proposals_of(scene))
    user = await sign_in_as(actor, client, world)
    if scene.plots is not None:
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

    for case in matrix:
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
