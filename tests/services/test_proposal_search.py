"""Searching proposals in Chinese: one- and two-character queries, case, and on PostgreSQL
an index that serves the search (migration 0004)."""

from __future__ import annotations

import pytest

from participation.core.db import is_postgres, transaction
from participation.core.permissions import Actor
from participation.proposals import queries, services
from participation.proposals.rules import Status
from tests.support import World, make_user, make_verified, now

TITLES = {
    "把拐角空地变成口袋花园": "在3栋北侧种月季。",
    "楼道照明": "给2栋楼道装感应灯，晚上回家不再摸黑。",
    "Balcony Garden Day": "点亮我家小阳台：every balcony gets flowers.",
    "长椅": "在花坛边放两把长椅，老人可以歇脚。",
}


def search(query: str) -> queries.ListFilters:
    return queries.normalise_filters(
        category="", status="", query=query, sort="newest", page="1", categories=()
    )


@pytest.fixture
async def proposals(world: World) -> World:
    user = await make_user("searcher")
    await make_verified(world.community, user)
    author = Actor(user_id=user.id)
    for title, body in TITLES.items():
        data = services.ProposalInput(title=title, body=body, category="greening", cost_yuan="100")
        proposal = await services.create_proposal(author, world.community.id, data, now=now())
        await services.move_as_author(
            author, world.community.id, proposal.id, Status.SUBMITTED, now=now()
        )
    return world


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("花园", {"把拐角空地变成口袋花园"}),
        ("花", {"把拐角空地变成口袋花园", "长椅"}),  # 花坛 is in 长椅's description
        ("楼道", {"楼道照明"}),
        ("感应灯", {"楼道照明"}),
        ("garden", {"Balcony Garden Day"}),
        ("BALCONY", {"Balcony Garden Day"}),
        ("小阳台", {"Balcony Garden Day"}),
        ("花园 月季", set()),  # a substring, not a set of words
        ("空地变成口袋", {"把拐角空地变成口袋花园"}),
        ("%", set()),
        ("_", set()),
        ("园口", set()),  # both characters are there, not next to each other
    ],
)
async def test_substring_search(proposals: World, query: str, found: set[str]) -> None:
    page = await queries.list_proposals(proposals.community.id, search(query))
    assert {card.title for card in page.items} == found


def test_search_grams_are_the_querys_pairs() -> None:
    assert queries.search_grams("口袋花园") == ["口袋", "花园", "袋花"]
    assert queries.search_grams("花") == ["花"]
    assert queries.search_grams("Ab") == ["ab"]


async def test_postgres_serves_the_search_from_an_index(proposals: World) -> None:
    if not is_postgres():
        pytest.skip("the index exists on PostgreSQL only")
    # Four rows are cheaper to scan; forbid that to see whether the index can serve the query.
    async with transaction() as tx:
        await tx.execute_script("SET LOCAL enable_seqscan = off")
        rows = await tx.execute_query_dict(
            f"EXPLAIN SELECT id FROM proposal WHERE {queries.SEARCH_GRAMS_SQL} "
            "@> CAST($1 AS text[])",
            [queries.search_grams("花园")],
        )
    plan = "\n".join(row["QUERY PLAN"] for row in rows)
    assert "proposal_search_grams" in plan, plan
