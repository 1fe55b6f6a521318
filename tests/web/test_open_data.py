"""Open data over HTTP: every dataset parses as CSV and as JSON, holds exactly the columns
listed here (a new column is a decision about what to publish, and nothing personal is in
any: no resident's name, household or contact), matches the data page's figures and the pages
it comes from, leaves out what moderation hides, and cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import httpx

from participation.moderation.services import actions
from tests.factories import (
    ACCEPTED,
    COMMUNITY_SLUG,
    RESIDENTS,
    adopt,
    log_care,
    make_neighbourhood,
    make_plot,
    make_proposal,
    make_published_round,
    make_team,
)
from tests.support import BASE_URL, now
from tests.web.helpers import sqlite_only

SLUG = COMMUNITY_SLUG
COLUMNS = {
    "proposals": [
        "id", "title", "category", "status", "cost_yuan", "committee_cost_yuan",
        "support_count", "created_at",
    ],
    "rounds": [
        "id", "title", "status", "budget_yuan", "result_rule", "opens_at", "closes_at",
        "ballots", "published_at",
    ],
    "plots": [
        "id", "name", "kind", "status", "location", "latitude", "longitude", "care_minutes",
        "last_care_at", "team",
    ],
    "adoptions": [
        "id", "plot_id", "team", "status", "term_months", "starts_at", "ends_at", "ended_at",
    ],
    "care_hours": ["team", "month", "minutes", "logs"],
    "conventions": [
        "convention_id", "title", "status", "versions", "vote_id", "vote_version", "vote_mode",
        "outcome", "eligible", "yes", "no", "abstain", "counted_at",
    ],
    "moderation_log": [
        "id", "created_at", "kind", "action", "reason", "role", "days", "public_reason",
    ],
}  # fmt: skip


def url(slug: str, proposal_id: int) -> str:
    return f"{BASE_URL}/c/{slug}/proposals/{proposal_id}"


async def files(
    client: httpx.AsyncClient, name: str
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    as_csv = await client.get(f"/c/{SLUG}/data/{name}.csv")
    as_json = await client.get(f"/c/{SLUG}/data/{name}.json")
    assert as_csv.status_code == as_json.status_code == 200
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    text = as_csv.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read the Chinese
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    document = json.loads(as_json.content)
    assert [c["name"] for c in document["columns"]] == COLUMNS[name]
    assert next(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == COLUMNS[name]
    assert len(rows) == len(document["rows"])
    assert all(list(row) == COLUMNS[name] for row in document["rows"])
    return rows, document


@sqlite_only
async def test_every_dataset_parses_matches_its_pages_and_holds_nothing_personal(
    client: httpx.AsyncClient,
) -> None:
    hood = await make_neighbourhood()
    tian, li = hood.residents[0], hood.residents[1]
    garden = await make_proposal(hood, tian, "东门口袋花园", path=ACCEPTED, cost_yuan=3000)
    hidden = await make_proposal(hood, li, "被隐藏的提案", path=ACCEPTED)
    await make_proposal(hood, li, '=HYPERLINK("http://evil.example")', path=ACCEPTED)
    await make_published_round(
        hood,
        "2026年春季微更新",
        [garden, hidden],
        budget_yuan=10_000,
        ballots=[[garden], [garden, hidden]],
        proposal_url=url,
        closed_at=now() - timedelta(days=1),
    )
    plot_id = await make_plot(hood, "银杏树下花坛")
    team_id = await make_team(hood, tian, "护花使者")
    await adopt(hood, tian, team_id, plot_id)
    await log_care(hood, tian, plot_id, "watering", 30, note="浇透了")
    await log_care(hood, tian, plot_id, "weeding", 25)
    await actions.hide_directly(
        hood.committee,
        hood.community_id,
        "proposal",
        hidden,
        hidden=True,
        reason="spam",
        now=now(),
    )

    page = (await client.get(f"/c/{SLUG}/data")).text
    everything = ""
    for name in COLUMNS:
        rows, document = await files(client, name)
        assert document["licence"] == "CC-BY-4.0" and document["dataset"] == name
        # The page's figure for the set is its number of rows.
        section = page.split(f'id="dataset-{name}"', 1)[1].split("</section>", 1)[0]
        assert f"{len(rows)} 行" in section, name
        everything += json.dumps(document, ensure_ascii=False) + str(rows)

    proposals, _ = await files(client, "proposals")
    assert [int(r["id"]) for r in proposals if r["title"] == "东门口袋花园"] == [garden]
    assert str(hidden) not in [r["id"] for r in proposals]
    (formula,) = [r for r in proposals if "HYPERLINK" in r["title"]]
    assert formula["title"].startswith("'=")  # text, never a formula
    detail = (await client.get(f"/c/{SLUG}/proposals/{garden}")).text
    (garden_row,) = [r for r in proposals if r["id"] == str(garden)]
    assert garden_row["cost_yuan"] == "3000" and "¥3,000" in detail
    rounds, _ = await files(client, "rounds")
    assert [(r["status"], r["ballots"]) for r in rounds] == [("published", "2")]
    plots, _ = await files(client, "plots")
    assert [(r["name"], r["care_minutes"], r["team"]) for r in plots] == [
        ("银杏树下花坛", "55", "护花使者")
    ]
    hours, _ = await files(client, "care_hours")
    assert [(r["team"], r["minutes"], r["logs"]) for r in hours] == [("护花使者", "55", "2")]
    log, _ = await files(client, "moderation_log")
    assert [(r["kind"], r["action"], r["reason"]) for r in log] == [("proposal", "hide", "spam")]
    # Nobody's name, and nothing hidden.
    for person in RESIDENTS:
        assert person.name not in everything
    assert "被隐藏的提案" not in everything and "浇透了" not in everything
    assert (await client.get(f"/c/{SLUG}/data/users.csv")).status_code == 404
