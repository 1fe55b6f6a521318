"""Open data names the proposals the site shows (issue 12, item 7): a project's id in a round's
results is the round's own; beside it each file gives the proposal's id (the one in the
proposal's address) and its page, which opens on the site with that proposal's title. The
ballots file downloaded is the one whose SHA-256 the results page shows."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from participation.proposals.models import Proposal
from participation.voting.models import RoundProject
from tests.support import BASE_URL, World, login, post_form
from tests.web.helpers import build_voting_scene, client_for


def _pb_sections(text: str) -> dict[str, list[list[str]]]:
    parts = re.split(r"^(META|PROJECTS|VOTES)\n", text, flags=re.M)
    return {
        name: list(csv.reader(io.StringIO(body), delimiter=";"))
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


async def _opens_with_title(browser: httpx.AsyncClient, url: str, title: str) -> None:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, f"{url} is not on the site"
    page = await browser.get(parts.path)
    assert page.status_code == 200, (url, page.status_code)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.text, re.S)
    assert heading and html.unescape(heading.group(1)).strip() == title, (url, title)


async def test_each_file_gives_the_proposal_id_and_page_beside_the_rounds_own_id(
    app: Starlette, client: httpx.AsyncClient, world: World
) -> None:
    voting = await build_voting_scene(world)
    round_url = f"/c/yulin/rounds/{voting.counted_id}"
    await login(client, "voting-committee")
    previewed = await client.get(f"{round_url}/ballots.pb")  # counted, not yet published
    assert previewed.status_code == 200
    assert (await post_form(client, f"{round_url}/publish", {})).status_code == 303

    projects = dict(
        await RoundProject.filter(round_id=voting.counted_id).values_list("id", "proposal_id")
    )
    titles = dict(await Proposal.filter(id__in=projects.values()).values_list("id", "title"))
    assert any(project != proposal for project, proposal in projects.items()), "ids differ"

    async with client_for(app, "198.51.100.60") as anonymous:
        results_page = (await anonymous.get(round_url)).text
        pb = await anonymous.get(f"{round_url}/ballots.pb")
        results_csv = await anonymous.get(f"{round_url}/results.csv")
        results_json = await anonymous.get(f"{round_url}/results.json")
        assert pb.status_code == results_csv.status_code == results_json.status_code == 200

        # CSV: the round's id first as before, the proposal's id and page last.
        header, *rows = list(csv.reader(io.StringIO(results_csv.text)))
        assert header[-2:] == ["proposal_id", "url"] and header[0] == "project_id"
        assert {int(r[0]): int(r[-2]) for r in rows} == projects
        for row in rows:
            await _opens_with_title(anonymous, row[-1], titles[int(row[-2])])

        data = json.loads(results_json.text)
        assert {p["project_id"]: p["proposal_id"] for p in data["projects"]} == projects
        for project in data["projects"]:
            await _opens_with_title(anonymous, project["url"], titles[project["proposal_id"]])

        # .pb: pabulib's public_id column, and the pages in META comment #3, in PROJECTS order.
        parts = _pb_sections(pb.text)
        pb_header, *pb_rows = parts["PROJECTS"]
        assert pb_header == ["project_id", "cost", "votes", "name", "selected", "public_id"]
        assert {int(r[0]): int(r[5]) for r in pb_rows} == projects
        comment = dict(parts["META"][1:])["comment"]
        pages = comment.split("The proposals' pages: ", 1)[1].split(" ")
        assert len(pages) == len(pb_rows)
        for row, page in zip(pb_rows, pages, strict=True):
            assert urlsplit(page).path == f"/c/yulin/proposals/{row[5]}"
            await _opens_with_title(anonymous, page, titles[int(row[5])])

    # The file is the one previewed, and the one whose SHA-256 the results show and the JSON.
    digest = hashlib.sha256(pb.content).hexdigest()
    assert pb.content == previewed.content
    shown = re.search(r'<code class="hash">([0-9a-f]{64})</code>', results_page)
    assert shown and shown.group(1) == digest
    assert data["pb_sha256"] == digest
