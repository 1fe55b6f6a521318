"""Voting under attack, over real HTTP on SQLite and PostgreSQL: parallel and repeated ballots
(HOSTILE 21-23), the server clock (24), the same rules in the form, the htmx request and the
running total (25), the committee's audit trail (34), hostile text (13), bad input, and the
privacy of the receipt code."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import html
import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise

from participation.accounts.models import User
from participation.accounts.services import set_user_access
from participation.audit.models import AuditEntry
from participation.voting.models import Ballot, BallotChoice, RoundProject, VotingRound
from participation.voting.services import ballots as voting_ballots
from participation.voting.services import results as voting_results
from participation.voting.services import rounds as voting_rounds
from tests.support import (
    HOSTILE,
    HOSTILE_HTMX,
    World,
    csrf_token,
    followed,
    hx_location,
    login,
    make_committee,
    make_user,
    make_verified,
    now,
    post_form,
)
from tests.web.helpers import (
    ENGLISH,
    HTMX_PARTIAL,
    VOTING_COSTS,
    accept_proposals,
    assert_inert,
    client_for,
    end_voting,
    is_fragment,
    open_voting_round,
    read_session,
    round_form,
    snapshot,
    sqlite_only,
)
from web.core.app import SESSION_COOKIE

# Parallel requests racing for one row, or SQL that differs per backend: on both.
pytestmark = pytest.mark.both_backends

RECEIPT = re.compile(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>")


@dataclass
class Vote:
    """An open round of ¥5,000 in the first community: four projects costing VOTING_COSTS."""

    world: World
    committee: User
    author: User  # wrote the proposals; a verified resident
    proposal_ids: list[int]
    round_id: int
    projects: list[int]  # round_project ids, in ballot order

    @property
    def url(self) -> str:
        return f"/c/yulin/rounds/{self.round_id}"


@pytest.fixture
async def vote(world: World) -> Vote:
    committee = await make_user("hostile-committee", "投票委员")
    await make_committee(world.community, committee)
    author = await make_user("hostile-author", "项目作者")
    await make_verified(world.community, author, household="8栋801")
    proposal_ids = await accept_proposals(
        world.community.id, author, committee, VOTING_COSTS, "口袋花园"
    )
    round_id, projects = await open_voting_round(world.community.id, committee, proposal_ids)
    return Vote(world, committee, author, proposal_ids, round_id, projects)


async def sign_in_voter(client: httpx.AsyncClient, vote: Vote, subject: str) -> User:
    """A verified resident of the round's community, signed in on ``client``, reading English."""
    user = await login(client, subject)
    await make_verified(vote.world.community, user, household=f"5栋{user.id}")
    client.headers.update(ENGLISH)
    return user


async def sign_in_committee(client: httpx.AsyncClient) -> None:
    """The fixture round's committee member, signed in on ``client``, reading English."""
    await login(client, "hostile-committee")
    client.headers.update(ENGLISH)


@pytest.fixture
async def lenient(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that gets a crash as the 500 page a visitor sees, not as an exception."""
    async with client_for(app, "203.0.113.9", raise_app_exceptions=False) as browser:
        yield browser


def ballot(token: str, *projects: int | str) -> dict[str, Any]:
    return {"csrf_token": token, "projects": [str(p) for p in projects]}


def text_of(response: httpx.Response) -> str:
    return html.unescape(response.text)


async def ballots_of(round_id: int) -> list[tuple[Ballot, frozenset[int]]]:
    found = []
    for stored in await Ballot.filter(round_id=round_id).order_by("id"):
        choices = await BallotChoice.filter(ballot_id=stored.id).values_list(
            "round_project_id", flat=True
        )
        found.append((stored, frozenset(cast(list[int], choices))))
    return found


def receipt_code(response: httpx.Response) -> str:
    match = RECEIPT.search(response.text)
    assert match, response.text[:800]
    return match.group(1)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- 21, 23: parallel, repeated and retried ballots ----------------------------------------------


async def test_fifty_identical_ballots_in_parallel_and_a_double_submit_make_one_ballot(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    voter = await sign_in_voter(client, vote, "eager-voter")
    token = await csrf_token(client, vote.url)
    form = ballot(token, vote.projects[1])

    responses = await asyncio.gather(
        *(client.post(f"{vote.url}/ballot", data=form) for _ in range(50))
    )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {303, 503}, statuses
    assert all(r.headers.get("retry-after") for r in responses if r.status_code == 503)
    accepted = [await followed(client, r) for r in responses if r.status_code == 303]
    assert accepted
    [(stored, choices)] = await ballots_of(vote.round_id)
    assert (stored.voter_id, stored.channel, choices) == (voter.id, "online", {vote.projects[1]})
    assert stored.total_cost == VOTING_COSTS[1]
    assert (await VotingRound.get(id=vote.round_id)).ballot_count == 1
    # The receipt that counts is one of those shown: the last one written.
    assert stored.receipt_hash in {sha256(receipt_code(r)) for r in accepted}

    # A double click: the same ballot twice in a row, then a retry after a lost answer.
    for _ in range(3):
        again = await followed(client, await client.post(f"{vote.url}/ballot", data=form))
        assert again.status_code == 200
        assert "replaces the earlier ballot" in text_of(again)
    [(stored, choices)] = await ballots_of(vote.round_id)
    assert choices == {vote.projects[1]}
    assert stored.receipt_hash == sha256(receipt_code(again))
    assert (await VotingRound.get(id=vote.round_id)).ballot_count == 1


async def test_a_first_ballot_submitted_twice_at_once_counts_once(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    await sign_in_voter(client, vote, "double-clicker")
    token = await csrf_token(client, vote.url)
    form = ballot(token, vote.projects[0], vote.projects[3])
    first, second = await asyncio.gather(
        client.post(f"{vote.url}/ballot", data=form), client.post(f"{vote.url}/ballot", data=form)
    )
    assert (first.status_code, second.status_code) == (303, 303)
    [(_stored, choices)] = await ballots_of(vote.round_id)
    assert choices == {vote.projects[0], vote.projects[3]}
    assert (await VotingRound.get(id=vote.round_id)).ballot_count == 1


# --- 22: parallel ballots that together exceed the budget ----------------------------------------


async def test_parallel_ballots_each_within_budget_leave_one_within_budget(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    voter = await sign_in_voter(client, vote, "indecisive-voter")
    token = await csrf_token(client, vote.url)
    p = vote.projects  # ¥3,000, ¥2,000, ¥1,500, ¥1,000 of ¥5,000; all four cost ¥7,500
    choices = [{p[0], p[1]}, {p[0], p[3]}, {p[1], p[2], p[3]}, {p[2]}, {p[0]}]
    requests = [
        client.post(f"{vote.url}/ballot", data=ballot(token, *chosen))
        for _ in range(6)
        for chosen in choices
    ]
    responses = await asyncio.gather(*requests)
    statuses = {r.status_code for r in responses}
    assert statuses <= {303, 503}, statuses

    [(stored, chosen)] = await ballots_of(vote.round_id)
    costs = dict(zip(p, VOTING_COSTS, strict=True))
    assert chosen in [frozenset(c) for c in choices], chosen
    assert stored.total_cost == sum(costs[i] for i in chosen) <= 5000
    assert stored.voter_id == voter.id
    assert (await VotingRound.get(id=vote.round_id)).ballot_count == 1


# --- 24: the server clock decides ----------------------------------------------------------------


async def test_a_ballot_a_second_before_opening_or_after_closing_is_refused(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, vote: Vote
) -> None:
    voter = await sign_in_voter(client, vote, "early-bird")
    await sign_in_committee(other_client)
    token = await csrf_token(client, vote.url)
    paper_token = await csrf_token(other_client, f"{vote.url}/paper")
    before = await snapshot()

    await VotingRound.filter(id=vote.round_id).update(opens_at=now() + timedelta(seconds=1))
    early = await client.post(f"{vote.url}/ballot", data=ballot(token, vote.projects[1]))
    assert early.status_code == 422
    assert 'role="alert"' in early.text and "Voting has not opened yet." in text_of(early)

    await VotingRound.filter(id=vote.round_id).update(
        opens_at=now() - timedelta(hours=1), closes_at=now() - timedelta(seconds=1)
    )
    late = await client.post(f"{vote.url}/ballot", data=ballot(token, vote.projects[1]))
    assert late.status_code == 422
    assert 'role="alert"' in late.text and "Voting has closed." in text_of(late)
    # A paper ballot typed in after closing does not count either.
    paper = await other_client.post(
        f"{vote.url}/paper",
        data={**ballot(paper_token, vote.projects[1]), "voter_id": str(voter.id)},
    )
    assert paper.status_code == 422 and "Voting has closed." in text_of(paper)

    after = await snapshot()
    assert {k: v for k, v in after.items() if k != "voting_round"} == {
        k: v for k, v in before.items() if k != "voting_round"
    }
    assert not await Ballot.exists(round_id=vote.round_id)
    assert (await VotingRound.get(id=vote.round_id)).ballot_count == 0


# --- 25: the no-JS form, the htmx request and the running total agree ----------------------------

RULED_COSTS = (1000, 800, 600, 400, 200)
RULES_BROKEN = {
    # ticked positions: the message each of the three ways must show
    "over budget": (
        (0, 1, 2, 3, 4),
        "Your choices cost ¥3,000, more than the budget of ¥2,500. Please untick a project.",
    ),
    "too few": ((0,), "Please tick at least 2 of the projects."),
    "too many": ((1, 2, 3, 4), "Please tick at most 3 of the projects."),
    "too little spent": (
        (3, 4),
        "Your choices cost ¥600; please choose projects worth at least ¥1,250 (50% of the budget).",
    ),
}


async def test_the_form_the_htmx_request_and_the_running_total_enforce_the_same_rules(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    proposal_ids = await accept_proposals(
        vote.world.community.id, vote.author, vote.committee, RULED_COSTS, "小项目"
    )
    round_id, projects = await open_voting_round(
        vote.world.community.id,
        vote.committee,
        proposal_ids,
        budget_yuan=2500,
        min_projects=2,
        max_projects=3,
        min_spend_percent=50,
    )
    url = f"/c/yulin/rounds/{round_id}"
    await sign_in_voter(client, vote, "rule-tester")
    token = await csrf_token(client, url)
    htmx = {**HTMX_PARTIAL, "X-CSRF-Token": token}

    for case, (positions, message) in RULES_BROKEN.items():
        ticked = [str(projects[i]) for i in positions]
        plain = await client.post(f"{url}/ballot", data={"csrf_token": token, "projects": ticked})
        assert plain.status_code == 422, case
        assert "<html" in plain.text and message in text_of(plain), case
        partial = await client.post(f"{url}/ballot", data={"projects": ticked}, headers=htmx)
        assert partial.status_code == 422, case
        assert message in text_of(partial), case
        total = await client.get(
            f"{url}/ballot/total", params={"projects": ticked}, headers=HTMX_PARTIAL
        )
        assert total.status_code == 200 and is_fragment(total.text), case
        assert message in text_of(total), case
        assert not await Ballot.exists(round_id=round_id), case

    fine = [str(projects[0]), str(projects[2])]  # ¥1,600: two projects, over half the budget
    total = await client.get(f"{url}/ballot/total", params={"projects": fine}, headers=HTMX_PARTIAL)
    assert "error-text" not in total.text and "¥1,600 of ¥2,500" in text_of(total)
    cast = await client.post(f"{url}/ballot", data={"projects": fine}, headers=htmx)
    assert hx_location(cast).startswith(f"{url}/receipt/"), cast.text[:500]
    [(_stored, chosen)] = await ballots_of(round_id)
    assert chosen == {projects[0], projects[2]}


@sqlite_only
async def test_the_running_total_judges_ticked_ids_as_the_ballot_does(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    """A project id sent twice is one project on the ballot, and a project from another round
    is refused on the ballot: the running total must say the same."""
    round_id, projects = await open_voting_round(
        vote.world.community.id, vote.committee, vote.proposal_ids, max_projects=1
    )
    url = f"/c/yulin/rounds/{round_id}"
    await sign_in_voter(client, vote, "repeater")
    token = await csrf_token(client, url)
    failures = []

    twice = [str(projects[3]), str(projects[3])]
    total = await client.get(f"{url}/ballot/total", params={"projects": twice})
    cast = await client.post(f"{url}/ballot", data={"csrf_token": token, "projects": twice})
    assert cast.status_code == 303, "the ballot takes the project once"
    if "error-text" in total.text or "¥1,000 of ¥5,000" not in text_of(total):
        failures.append(f"one project sent twice: the running total says {text_of(total)!r}")

    foreign = [str(vote.projects[3])]  # the same proposal, on the fixture's other round
    total = await client.get(f"{url}/ballot/total", params={"projects": foreign})
    refused = await client.post(f"{url}/ballot", data={"csrf_token": token, "projects": foreign})
    assert refused.status_code == 422
    assert "Please choose projects from this ballot." in text_of(refused)
    if "Please choose projects from this ballot." not in text_of(total):
        failures.append(f"another round's project: the running total says {text_of(total)!r}")
    assert not failures, "\n".join(failures)


# --- 34: the committee's audit trail -------------------------------------------------------------


async def test_each_committee_action_writes_one_audit_row_in_its_transaction(
    lenient: httpx.AsyncClient, vote: Vote, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each action, first with the audit write failing (the change must roll back with it),
    then for real (exactly one row: who, what, which round, when in UTC). A paper ballot's row
    says whose ballot was entered, never what it chose."""
    client = lenient
    await sign_in_committee(client)
    committee_id, community_id = vote.committee.id, vote.world.community.id
    created_id = 0

    async def failing_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit write failed")

    def failing_row(*args: object, **kwargs: object) -> None:  # in a transaction run as steps
        raise RuntimeError("the audit write failed")

    async def act(action: str) -> httpx.Response:
        url = f"/c/yulin/rounds/{created_id}"
        if action == "create":
            return await post_form(client, "/c/yulin/rounds", round_form("审计", vote.proposal_ids))
        if action == "edit":
            return await post_form(client, f"{url}/edit", round_form("审计后", vote.proposal_ids))
        if action == "paper":
            first = await RoundProject.filter(round_id=created_id).order_by("position").first()
            assert first is not None
            data: dict[str, Any] = {"voter_id": str(vote.author.id), "projects": [str(first.id)]}
            return await post_form(client, f"{url}/paper", data)
        return await post_form(client, f"{url}/{action}", {})

    failures: list[str] = []
    steps = [
        ("create", "voting.create_round", 303),
        ("edit", "voting.edit_round", 303),
        ("open", "voting.open_round", 303),
        ("paper", "voting.enter_paper_ballot", 303),
        ("close", "voting.close_round", 303),
        ("publish", "voting.publish_round", 303),
    ]
    for action, name, status in steps:
        if action == "close":
            await end_voting(created_id)
        before = await snapshot()
        with monkeypatch.context() as patched:
            for module in (voting_rounds, voting_results):
                patched.setattr(module, "record", failing_record)
            patched.setattr(voting_ballots, "audit_row", failing_row)
            crashed = await act(action)
        if crashed.status_code != 500 or await snapshot() != before:
            failures.append(f"{action}: a failed audit write did not undo the change")
            continue

        last = await AuditEntry.all().order_by("-id").first()
        response = await act(action)
        assert response.status_code == status, (action, response.text[:500])
        if action == "create":
            created_id = int(response.headers["location"].rsplit("/", 1)[1])
        rows = await AuditEntry.filter(id__gt=last.id if last else 0).order_by("id")
        if [row.action for row in rows] != [name]:
            failures.append(f"{action}: audit rows {[row.action for row in rows]}, not [{name!r}]")
        for row in rows:
            assert (row.actor_id, row.community_id) == (committee_id, community_id), action
            assert row.target == f"round:{created_id}", action
            assert row.at.utcoffset() == timedelta(0)
            assert abs(row.at - datetime.now(UTC)) < timedelta(minutes=1)
        if action == "paper":
            [row] = [row for row in rows if row.action == name]
            trail = json.dumps([row.before, row.after])
            assert "projects" not in trail and "choices" not in trail
            assert not any(isinstance(v, list) for v in (row.after or {}).values()), row.after
    assert (await VotingRound.get(id=created_id)).status == "published"
    assert not failures, "\n".join(failures)


# --- 13: hostile text ----------------------------------------------------------------------------


async def test_hostile_round_and_project_text_renders_inert_everywhere(
    app: Starlette, client: httpx.AsyncClient, other_client: httpx.AsyncClient, vote: Vote
) -> None:
    description = f"{HOSTILE}\n\n{HOSTILE_HTMX}"
    hostile_projects = await accept_proposals(
        vote.world.community.id, vote.author, vote.committee, (1000, 2000), HOSTILE_HTMX
    )
    project_titles = [f"{HOSTILE_HTMX} 0", f"{HOSTILE_HTMX} 1"]
    await sign_in_committee(other_client)
    created = await post_form(
        other_client,
        "/c/yulin/rounds",
        round_form(HOSTILE, hostile_projects, description=description),
    )
    assert created.status_code == 303, created.text[:500]
    url = created.headers["location"]
    stored = await VotingRound.get(title=HOSTILE)
    assert stored.description == description

    assert_inert((await other_client.get(url)).text, HOSTILE, HOSTILE_HTMX)
    assert_inert((await other_client.get(f"{url}/edit")).text)
    assert (await post_form(other_client, f"{url}/open", {})).status_code == 303
    assert_inert((await other_client.get(f"{url}/paper")).text, HOSTILE, *project_titles)

    await sign_in_voter(client, vote, "hostile-reader")
    page = await client.get(url)
    # The ballot's own htmx: ticking a box asks for the running total.
    running_total = (("hx-get", f"{url}/ballot/total"), ("hx-trigger", "change"))
    assert 'name="projects"' in page.text
    assert_inert(page.text, HOSTILE, HOSTILE_HTMX, *project_titles, own=running_total)
    assert_inert((await client.get("/c/yulin/rounds")).text, HOSTILE)
    token = await csrf_token(client, url)
    [first, _second] = [
        p.id for p in await RoundProject.filter(round_id=stored.id).order_by("position")
    ]
    receipt = await followed(client, await client.post(f"{url}/ballot", data=ballot(token, first)))
    assert receipt.status_code == 200
    assert_inert(receipt.text, HOSTILE)
    code = receipt_code(receipt)

    await end_voting(stored.id)
    assert (await post_form(other_client, f"{url}/close", {})).status_code == 303
    assert (await post_form(other_client, f"{url}/publish", {})).status_code == 303
    async with client_for(app, "198.51.100.77") as anonymous:
        anonymous.headers.update(ENGLISH)
        results = await anonymous.get(url)
        assert 'id="results"' in results.text
        # The results' bar chart is the page's own <svg>; nothing inside it may be live.
        assert_inert(results.text, HOSTILE, HOSTILE_HTMX, *project_titles, allowed_tags=("svg",))
        assert_inert((await anonymous.get("/c/yulin/rounds")).text, HOSTILE)
        found = await post_form(anonymous, f"{url}/find-my-ballot", {"code": code})
        assert_inert(found.text, HOSTILE, project_titles[0])

        pb = await anonymous.get(f"{url}/ballots.pb")
        csv_file = await anonymous.get(f"{url}/results.csv")
        json_file = await anonymous.get(f"{url}/results.json")
    for download in (pb, csv_file, json_file):
        assert download.status_code == 200
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["content-disposition"].startswith("attachment;")
    assert pb.headers["content-type"] == "text/plain; charset=utf-8"
    # The .pb file is semicolon-separated text: the title and names come back exactly.
    sections = re.split(r"^(META|PROJECTS|VOTES)\n", pb.text, flags=re.M)
    parsed = {
        name: list(csv.reader(io.StringIO(body), delimiter=";"))
        for name, body in zip(sections[1::2], sections[2::2], strict=True)
    }
    meta = dict(row for row in parsed["META"][1:])
    assert meta["description"] == HOSTILE
    assert sorted(row[3] for row in parsed["PROJECTS"][1:]) == project_titles
    assert sorted(row[1] for row in list(csv.reader(io.StringIO(csv_file.text)))[1:]) == (
        project_titles
    )
    data = json.loads(json_file.text)
    assert data["title"] == HOSTILE
    assert sorted(p["name"] for p in data["projects"]) == project_titles


# --- Bad input: 4xx with the error shown, nothing written, never 500 ------------------------------

BAD_ROUND_FIELDS: list[tuple[str, str, str]] = [
    ("budget_yuan", "²", "Please enter a whole number."),
    ("budget_yuan", "abc", "Please enter a whole number."),
    ("budget_yuan", "-5", "Please enter a whole number."),
    ("budget_yuan", "1.5", "Please enter a whole number."),
    ("budget_yuan", "5e3", "Please enter a whole number."),
    ("budget_yuan", "١٢٣", "Please enter a whole number."),
    ("budget_yuan", str(10**12), "Please enter a whole number."),
    ("budget_yuan", "100000001", "Please give the budget in whole yuan."),
    ("budget_yuan", "0", "Please give the budget in whole yuan."),
    ("opens_at", "tomorrow", "Please give a date and time."),
    ("opens_at", "2026-02-30T10:00", "Please give a date and time."),
    ("opens_at", "2026-01-01T25:00", "Please give a date and time."),
    ("opens_at", "", "Please give a date and time."),
    ("opens_at", "2026-01-01T10:00+99:00", "Please give a date and time."),
    ("closes_at", "2026-13-01T10:00", "Please give a date and time."),
    ("closes_at", "2000-01-01T10:00", "Voting must close after it opens."),
    ("vote_unit", "admin", "Please choose who votes from the list."),
    ("vote_unit", "", "Please choose who votes from the list."),
    ("vote_unit", "RESIDENT", "Please choose who votes from the list."),
    ("result_rule", "borda", "Please choose how results are counted."),
    ("result_rule", "", "Please choose how results are counted."),
    ("min_projects", "-1", "Please enter a whole number."),
    ("min_spend_percent", "101", "The share of the budget to spend is a percentage"),
    ("min_spend_percent", "50%", "Please enter a whole number."),
    ("title", "", "Please give the round a title"),
    ("title", "x" * 121, "Please give the round a title"),
]


async def test_bad_round_input_is_422_with_the_error_and_writes_nothing(
    lenient: httpx.AsyncClient, vote: Vote
) -> None:
    client = lenient
    await sign_in_committee(client)
    draft_id, _ = await open_voting_round(
        vote.world.community.id, vote.committee, vote.proposal_ids, open_it=False
    )
    token = await csrf_token(client, "/c/yulin/rounds/new")
    before = await snapshot()
    failures = []
    above = ("min_projects", "3", "The least number of projects cannot be above the most.")
    for name, value, message in [*BAD_ROUND_FIELDS, above]:
        changes = {name: value, **({"max_projects": "2"} if name == "min_projects" else {})}
        for path in ("/c/yulin/rounds", f"/c/yulin/rounds/{draft_id}/edit"):
            form = {"csrf_token": token, **round_form("坏输入", vote.proposal_ids), **changes}
            response = await client.post(path, data=form)
            where = f"{path} with {name}={value!r}"
            if response.status_code != 422:
                failures.append(f"{where}: {response.status_code}")
            elif 'role="alert"' not in response.text or message not in text_of(response):
                failures.append(f"{where}: the error is not shown")
    assert not failures, "\n".join(failures)
    assert await snapshot() == before


async def test_a_date_outside_the_calendar_is_422_not_500(
    lenient: httpx.AsyncClient, vote: Vote
) -> None:
    """Year 1 in the community's time zone (UTC+8) is before the first moment datetime can
    hold in UTC."""
    await sign_in_committee(lenient)
    before = await snapshot()
    response = await post_form(
        lenient,
        "/c/yulin/rounds",
        round_form("公元元年", vote.proposal_ids, opens_at="0001-01-01T00:00"),
    )
    assert response.status_code == 422, response.status_code
    assert "Please give a date and time." in text_of(response)
    assert await snapshot() == before


async def test_bad_project_and_voter_ids_are_4xx_and_write_nothing(
    lenient: httpx.AsyncClient, other_client: httpx.AsyncClient, vote: Vote
) -> None:
    world = vote.world
    # Another round here over the same proposals, and a round in the other community.
    _here, here_projects = await open_voting_round(
        world.community.id, vote.committee, vote.proposal_ids, title="另一轮"
    )
    await make_verified(world.other, vote.author, household="9栋909")
    await make_committee(world.other, vote.committee)
    [elsewhere] = await accept_proposals(
        world.other.id, vote.author, vote.committee, (500,), "别处"
    )
    _there, there_projects = await open_voting_round(world.other.id, vote.committee, [elsewhere])
    outsider = await make_user("outsider", "别处的人")
    await make_verified(world.other, outsider, household="9栋910")

    await sign_in_voter(lenient, vote, "bad-ids")
    await sign_in_committee(other_client)
    token = await csrf_token(lenient, vote.url)
    paper_token = await csrf_token(other_client, f"{vote.url}/paper")
    before = await snapshot()
    failures = []

    def check(where: str, response: httpx.Response, status: int, message: str) -> None:
        if response.status_code != status:
            failures.append(f"{where}: {response.status_code}, expected {status}")
        elif 'role="alert"' not in response.text or message not in text_of(response):
            failures.append(f"{where}: the error is not shown")

    not_ids = ["abc", "-1", "1e3", "1.0", "0x10", "1234567890123", ""]
    for raw in not_ids:
        response = await lenient.post(f"{vote.url}/ballot", data=ballot(token, raw))
        check(f"ballot with {raw!r}", response, 404, "We could not find that page.")
        total = await lenient.get(f"{vote.url}/ballot/total", params={"projects": raw})
        if total.status_code != 404:
            failures.append(f"running total with {raw!r}: {total.status_code}")
    foreign = {
        "another round's": here_projects[0],
        "another community's": there_projects[0],
        "a missing": 987654321,
    }
    for kind, project in foreign.items():
        response = await lenient.post(f"{vote.url}/ballot", data=ballot(token, project))
        check(
            f"ballot with {kind} project", response, 422, "Please choose projects from this ballot."
        )
        paper = await other_client.post(
            f"{vote.url}/paper",
            data={**ballot(paper_token, project), "voter_id": str(vote.author.id)},
        )
        check(f"paper with {kind} project", paper, 422, "Please choose projects from this ballot.")
    for raw, message in [
        ("abc", "Please choose the resident."),
        ("", "Please choose the resident."),
        (str(outsider.id), "Paper ballots are for verified residents of this community."),
        ("987654321", "Paper ballots are for verified residents of this community."),
    ]:
        paper = await other_client.post(
            f"{vote.url}/paper", data={**ballot(paper_token, vote.projects[0]), "voter_id": raw}
        )
        check(f"paper for voter {raw!r}", paper, 422, message)
    for raw in ("abc", "-1", "1.5"):
        created = await post_form(
            other_client, "/c/yulin/rounds", round_form("坏项目", [], proposals=[raw])
        )
        check(f"new round with proposal {raw!r}", created, 404, "We could not find that page.")
    assert not failures, "\n".join(failures)
    assert await snapshot() == before


async def test_a_round_with_another_communitys_proposal_is_refused_whole(
    other_client: httpx.AsyncClient, vote: Vote
) -> None:
    """Preparing or editing a round with a proposal that cannot go on its ballot is refused
    with the error shown, and neither the round nor its settings are saved."""
    world = vote.world
    await make_committee(world.other, vote.committee)
    await make_verified(world.other, vote.author, household="9栋909")
    [elsewhere] = await accept_proposals(
        world.other.id, vote.author, vote.committee, (500,), "别处"
    )
    draft_id, _ = await open_voting_round(
        world.community.id, vote.committee, vote.proposal_ids, title="草稿", open_it=False
    )
    await sign_in_committee(other_client)
    message = "Only proposals of this community accepted for the ballot can be put on it."
    before = await snapshot()
    failures = []
    for path, title in (
        ("/c/yulin/rounds", "带别处提案的新投票"),
        (f"/c/yulin/rounds/{draft_id}/edit", "改名"),
    ):
        response = await post_form(
            other_client, path, round_form(title, [*vote.proposal_ids[:1], elsewhere])
        )
        if response.status_code != 422 or message not in text_of(response):
            failures.append(f"{path}: {response.status_code} {response.headers.get('location')}")
        if await snapshot() != before:
            written = await VotingRound.filter(title=title).values_list("id", "status")
            failures.append(f"{path}: the database changed; rounds titled {title!r}: {written}")
            before = await snapshot()
    assert not failures, "\n".join(failures)


# --- Those who manage rounds see them -------------------------------------------------------------


@sqlite_only
async def test_an_admin_who_prepares_a_round_can_see_it(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    """voting.manage is the committee or a platform admin: an admin may create, edit, open,
    close and publish a round, so the round page (and a counted round's results) must not be
    a 404 for them."""
    admin = await make_user("platform-admin")
    await set_user_access(None, admin.id, admin=True, now=now())
    await login(client, "platform-admin")
    created = await post_form(
        client, "/c/yulin/rounds", round_form("管理员的投票", vote.proposal_ids)
    )
    assert created.status_code == 303, created.text[:300]
    url = created.headers["location"]
    assert url.startswith("/c/yulin/rounds/")
    assert (await client.get(f"{url}/edit")).status_code == 200
    page = await client.get(url)
    assert page.status_code == 200, "the round just created is a 404 for the admin who made it"
    assert "管理员的投票" in page.text


@sqlite_only
async def test_closing_a_round_that_was_never_opened_is_refused(
    client: httpx.AsyncClient, vote: Vote
) -> None:
    """Closing a draft does nothing, so it must say so (4xx), not report the vote counted."""
    draft_id, _ = await open_voting_round(
        vote.world.community.id, vote.committee, vote.proposal_ids, open_it=False
    )
    await sign_in_committee(client)
    before = await snapshot()
    response = await post_form(client, f"/c/yulin/rounds/{draft_id}/close", {})
    assert await snapshot() == before
    shown = text_of(await client.get(f"/c/yulin/rounds/{draft_id}"))
    assert "Voting is closed and counted." not in shown, "a draft was reported counted"
    assert 400 <= response.status_code < 500, response.status_code


# --- The receipt code: shown once, kept nowhere ---------------------------------------------------


async def all_stored_text() -> str:
    """Every row of every table, as text."""
    apps = Tortoise.apps
    assert apps is not None
    rows = [await model.all().values() for model in apps.get_models_iterable()]
    return repr(rows)


async def test_the_receipt_is_private_and_its_code_is_kept_nowhere(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, vote: Vote
) -> None:
    voter = await sign_in_voter(client, vote, "private-voter")
    await sign_in_committee(other_client)
    token = await csrf_token(client, vote.url)
    first = await client.post(f"{vote.url}/ballot", data=ballot(token, vote.projects[2]))
    changed = await client.post(f"{vote.url}/ballot", data=ballot(token, vote.projects[3]))
    paper = await other_client.post(
        f"{vote.url}/paper",
        data={
            **ballot(await csrf_token(other_client, f"{vote.url}/paper"), vote.projects[0]),
            "voter_id": str(vote.author.id),
        },
    )
    codes = []
    for posted, who in ((first, client), (changed, client), (paper, other_client)):
        receipt = await followed(who, posted)
        assert receipt.status_code == 200
        assert receipt.headers["cache-control"] == "no-store"
        codes.append(receipt_code(receipt))

    stored = await all_stored_text()
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    hashes = set(await Ballot.filter(round_id=vote.round_id).values_list("receipt_hash", flat=True))
    assert hashes == {sha256(codes[1]), sha256(codes[2])}
    assert sha256(codes[0]) not in stored, "a replaced ballot's receipt no longer counts"

    cookies = [c.cookies.get(SESSION_COOKIE) for c in (client, other_client)]
    sessions = json.dumps([read_session(c) for c in cookies if c])
    later = [
        await client.get(path)
        for path in (vote.url, "/c/yulin/rounds", "/", "/profile", "/c/yulin")
    ]
    later.append(await other_client.get(vote.url))
    later.append(await other_client.get(f"{vote.url}/paper"))
    for code in codes:
        assert code not in sessions
        for page in later:
            assert page.status_code == 200
            assert code not in page.text, page.url
    # The voter's own round page says that they voted, and which projects, never the code.
    assert "You have voted." in text_of(later[0])
    assert (await Ballot.get(receipt_hash=sha256(codes[1]))).voter_id == voter.id
