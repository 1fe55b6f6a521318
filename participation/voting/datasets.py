"""Voting's open data: every round past its preparation (each counted round also has its
results and its anonymous ballots as files of their own, linked from the data page)."""

from __future__ import annotations

from participation.core.errors import N_
from participation.opendata.datasets import Column, Dataset, Row, register_dataset
from participation.voting.models import VotingRound
from participation.voting.rules import RoundStatus

COLUMNS = (
    Column("id", "integer", N_("The vote's number, as in the address of its page")),
    Column("title", "string", N_("Its title")),
    Column(
        "status",
        "string",
        N_("Where it stands"),
        values=tuple(s for s in RoundStatus if s is not RoundStatus.DRAFT),
    ),
    Column("budget_yuan", "integer", N_("The budget shared out, in yuan")),
    Column(
        "result_rule",
        "string",
        N_("How the projects were chosen: the Method of Equal Shares, or by votes in turn"),
        values=("equal_shares", "greedy"),
    ),
    Column("opens_at", "datetime", N_("When voting opened")),
    Column("closes_at", "datetime", N_("When voting closed, or closes")),
    Column("ballots", "integer", N_("How many ballots were cast")),
    Column("published_at", "datetime", N_("When the results were published")),
)


async def round_rows(community_id: int) -> list[Row]:
    rounds = (
        await VotingRound.filter(community_id=community_id)
        .exclude(status=RoundStatus.DRAFT.value)
        .order_by("id")
    )
    return [
        {
            "id": r.id,
            "title": r.title,
            "status": r.status,
            "budget_yuan": r.budget_yuan,
            "result_rule": r.result_rule,
            "opens_at": r.opens_at,
            "closes_at": r.closes_at,
            "ballots": r.ballot_count,
            "published_at": r.published_at,
        }
        for r in rounds
    ]


register_dataset(
    Dataset(
        "rounds",
        N_("Participatory budget votes"),
        N_("Every vote with its budget, its rule and how many took part."),
        COLUMNS,
        rows=round_rows,
    )
)
