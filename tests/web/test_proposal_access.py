"""Access to proposals beyond the matrix in test_access_proposals.py: drafts are hidden from
everyone but their author, and another community's proposals, comments and updates are not
found through this community's URLs -- for every proposal route and every kind of visitor."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from participation.comments.models import Comment
from participation.proposals.models import ProgressUpdate, Proposal
from tests.support import World, csrf_token, login
from tests.web.access import ACTORS, sign_in_as
from tests.web.helpers import (
    PROPOSAL_AUTHOR,
    ProposalScene,
    build_proposal_scene,
    snapshot,
    sqlite_only,
    tiny_png,
)

FORM = {"title": "偷偷改标题", "body": "改", "category": "greening", "cost_yuan": "1"}


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    path: str  # {p}: the proposal, {c}: a comment on it, {u}: a progress update
    data: dict[str, str]
    upload: bool = False


PROBES = (
    Probe("detail", "GET", "/c/yulin/proposals/{p}", {}),
    Probe("edit form", "GET", "/c/yulin/proposals/{p}/edit", {}),
    Probe("comment edit form", "GET", "/c/yulin/proposals/{p}/comments/{c}/edit", {}),
    Probe("update", "POST", "/c/yulin/proposals/{p}/edit", FORM),
    Probe("add photo", "POST", "/c/yulin/proposals/{p}/photos", {"alt_text": "x"}, upload=True),
    Probe("support", "POST", "/c/yulin/proposals/{p}/support", {"action": "add"}),
    Probe("unsupport", "POST", "/c/yulin/proposals/{p}/support", {"action": "remove"}),
    Probe("review", "POST", "/c/yulin/proposals/{p}/review", {"decision": "accept"}),
    Probe("comment", "POST", "/c/yulin/proposals/{p}/comments", {"body": "看看"}),
    Probe("comment edit", "POST", "/c/yulin/proposals/{p}/comments/{c}/edit", {"body": "改"}),
    Probe("comment delete", "POST", "/c/yulin/proposals/{p}/comments/{c}/delete", {}),
    Probe("progress update", "POST", "/c/yulin/proposals/{p}/updates", {"body": "进展"}),
    Probe("submit", "POST", "/c/yulin/proposals/{p}/submit", {}),
    Probe("withdraw", "POST", "/c/yulin/proposals/{p}/withdraw", {}),
)
DECIDE = Probe(
    "decide update", "POST", "/c/yulin/proposals/{p}/updates/{u}/decide", {"decision": "approve"}
)
CHILD_PROBES = (*[p for p in PROBES if "{c}" in p.path], DECIDE)
BY_NAME = {probe.name: probe for probe in (*PROBES, DECIDE)}


def _foreign(s: ProposalScene) -> dict[str, int]:
    """The author's own proposal, comment and a pending update of the OTHER community."""
    return {"p": s.other_id, "c": s.other_comment_id, "u": s.other_update_id}


def _foreign_children(s: ProposalScene) -> dict[str, int]:
    """This community's proposal, with the other community's comment and update ids."""
    return {"p": s.selected_id, "c": s.other_comment_id, "u": s.other_update_id}


def _draft(s: ProposalScene) -> dict[str, int]:
    return {"p": s.draft_id, "c": s.draft_comment_id, "u": s.update_id}


async def _probe(
    client: httpx.AsyncClient, token: str, probe: Probe, ids: dict[str, int]
) -> httpx.Response:
    url = probe.path.format(**ids)
    if probe.method == "GET":
        return await client.get(url)
    files = {"photo": ("p.png", tiny_png(), "image/png")} if probe.upload else None
    return await client.post(url, data={"csrf_token": token, **probe.data}, files=files)


def _hidden(actor: str, probe: Probe, response: httpx.Response) -> str | None:
    """Why the answer gives the object away, or None when it is "not found" (or "sign in")."""
    if actor == "anonymous" and probe.name != "detail":
        # Signing in comes first, before anything is looked up.
        if response.status_code == 303 and response.headers["location"].startswith("/login?"):
            return None
        return f"{response.status_code}, expected 303 to /login"
    if response.status_code != 404:
        return f"{response.status_code}, expected 404"
    return None


async def _signed_in_as(
    actor: str, app: Starlette, client: httpx.AsyncClient, world: World
) -> tuple[ProposalScene, str]:
    proposals = await build_proposal_scene(world, app.state.storage)
    await sign_in_as(actor, client, world)
    return proposals, await csrf_token(client)


# --- Another community's proposals through this community's URLs ---------------------------------


@pytest.mark.parametrize("actor", ACTORS)
async def test_other_communitys_proposals_are_404_here(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    """Even for their author (verified in both communities) and the other community's
    committee: an id from elsewhere is not found, and nothing changes."""
    proposals, token = await _signed_in_as(actor, app, client, world)
    before = await snapshot()
    failures: list[str] = []
    for kind, ids, probes in [
        ("foreign proposal", _foreign(proposals), (*PROBES, DECIDE)),
        ("foreign comment/update", _foreign_children(proposals), CHILD_PROBES),
    ]:
        for probe in probes:
            response = await _probe(client, token, probe, ids)
            if probe is DECIDE and actor not in ("anonymous", "committee", "admin"):
                # Deciding is for this community's committee: refused before any look-up.
                problem = None if response.status_code == 403 else f"{response.status_code}"
            else:
                problem = _hidden(actor, probe, response)
            if problem:
                failures.append(f"{probe.name} on a {kind} as {actor}: {problem}")
    assert not failures, "\n".join(failures)
    assert await snapshot() == before
    assert await Proposal.exists(id=proposals.other_id, status="submitted", title="别处的花墙")
    assert await ProgressUpdate.exists(id=proposals.other_update_id, status="pending")


# --- Drafts: hidden from everyone but their author --------------------------------------------

# Draft routes that used to answer 403/422/303 to non-authors; each is now a 404 like any
# missing id, and is also checked one by one below.
LEAKY_ON_DRAFTS = frozenset(
    {
        "comment edit form",
        "update",
        "add photo",
        "support",
        "unsupport",
        "review",
        "comment edit",
        "comment delete",
        "submit",
        "withdraw",
    }
)
NOT_AUTHORS = tuple(actor for actor in ACTORS if actor != "author")


@pytest.mark.parametrize("actor", NOT_AUTHORS)
async def test_drafts_are_hidden_from_everyone_but_their_author(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str
) -> None:
    proposals, token = await _signed_in_as(actor, app, client, world)
    before = await snapshot()
    failures: list[str] = []
    for probe in PROBES:
        response = await _probe(client, token, probe, _draft(proposals))
        if problem := _hidden(actor, probe, response):
            failures.append(f"{probe.name} on someone else's draft as {actor}: {problem}")
    assert not failures, "\n".join(failures)
    assert await snapshot() == before, "a request about someone else's draft changed something"
    listing = await client.get("/c/yulin/proposals", params={"q": "还没想好"})
    assert listing.status_code == 200 and "还没想好的草稿" not in listing.text


@sqlite_only
@pytest.mark.parametrize(
    ("actor", "name"),
    [
        *[("resident", name) for name in sorted(LEAKY_ON_DRAFTS)],
        ("committee", "review"),
    ],
)
async def test_writes_on_someone_elses_draft_are_404_like_a_missing_id(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str, name: str
) -> None:
    proposals, token = await _signed_in_as(actor, app, client, world)
    probe = BY_NAME[name]
    missing = await _probe(client, token, probe, {"p": 987654321, "c": 987654321, "u": 1})
    assert missing.status_code == 404
    before = await snapshot()
    response = await _probe(client, token, probe, _draft(proposals))
    assert await snapshot() == before
    assert response.status_code == 404, f"{name} on a draft as {actor}: {response.status_code}"


async def test_the_author_works_on_their_draft(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    proposals = await build_proposal_scene(world, app.state.storage)
    await login(client, PROPOSAL_AUTHOR)
    token = await csrf_token(client)
    ids = _draft(proposals)
    for name in ("detail", "edit form", "comment edit form"):
        response = await _probe(client, token, BY_NAME[name], ids)
        assert response.status_code == 200, name
    for name in ("update", "add photo", "comment", "comment edit", "comment delete", "submit"):
        response = await _probe(client, token, BY_NAME[name], ids)
        assert response.status_code == 303, (name, response.text[:300])
    draft = await Proposal.get(id=proposals.draft_id)
    assert (draft.title, draft.status) == ("偷偷改标题", "submitted")
    comment = await Comment.get(id=proposals.draft_comment_id)
    assert comment.deleted_at is not None


# --- Comment and update ids must belong to the proposal in the URL ----------------------------


@sqlite_only
@pytest.mark.parametrize(
    ("actor", "name"),
    [
        ("committee", "decide update"),
        ("author", "comment edit"),
    ],
)
async def test_child_ids_under_another_proposals_url_are_404(
    app: Starlette, client: httpx.AsyncClient, world: World, actor: str, name: str
) -> None:
    proposals, token = await _signed_in_as(actor, app, client, world)
    # The update belongs to the selected proposal, the comment to the submitted one.
    ids = {"p": proposals.draft_id, "c": proposals.comment_id, "u": proposals.update_id}
    before = await snapshot()
    response = await _probe(client, token, BY_NAME[name], ids)
    assert response.status_code == 404, f"{name} as {actor}: {response.status_code}"
    assert await snapshot() == before
