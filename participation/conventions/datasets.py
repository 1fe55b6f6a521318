"""Conventions' open data: each convention with its versions and the result of each vote on
it (each convention's whole text, version by version, is convention.json on its page)."""

from __future__ import annotations

from participation.conventions.models import Convention, ConventionVersion, Ratification
from participation.conventions.rules import Phase
from participation.core.errors import N_
from participation.opendata.datasets import Column, Dataset, Row, register_dataset

COLUMNS = (
    Column(
        "convention_id",
        "integer",
        N_("The convention's number, as in the address of its page"),
    ),
    Column("title", "string", N_("Its title")),
    Column(
        "status",
        "string",
        N_("Where it stands"),
        values=tuple(Phase),
    ),
    Column("versions", "integer", N_("How many versions its text has had")),
    Column("vote_id", "integer", N_("The vote's number (empty: never voted on)")),
    Column("vote_version", "integer", N_("The version voted on")),
    Column(
        "vote_mode",
        "string",
        N_("Who voted: one vote per household, or per verified resident"),
        values=("household", "resident"),
    ),
    Column(
        "outcome",
        "string",
        N_("The result (empty: not counted yet)"),
        values=("adopted", "rejected", "no_quorum"),
    ),
    Column("eligible", "integer", N_("How many could vote")),
    Column("yes", "integer", N_("Votes for")),
    Column("no", "integer", N_("Votes against")),
    Column("abstain", "integer", N_("Abstentions")),
    Column("counted_at", "datetime", N_("When the vote was counted")),
)


async def convention_rows(community_id: int) -> list[Row]:
    conventions = await Convention.filter(community_id=community_id).order_by("id")
    ids = [c.id for c in conventions]
    versions: dict[int, dict[int, int]] = {}  # convention -> version id -> number
    for convention_id, version_id, number in await ConventionVersion.filter(
        convention_id__in=ids
    ).values_list("convention_id", "id", "number"):
        versions.setdefault(convention_id, {})[version_id] = number
    votes: dict[int, list[Ratification]] = {}
    for ratification in await Ratification.filter(convention_id__in=ids).order_by("id"):
        votes.setdefault(ratification.convention_id, []).append(ratification)
    rows: list[Row] = []
    for c in conventions:
        shared: Row = {
            "convention_id": c.id,
            "title": c.title,
            "status": c.status,
            "versions": len(versions.get(c.id, {})),
        }
        held: list[Ratification | None] = [*votes.get(c.id, [])] or [None]
        for vote in held:
            rows.append(
                {
                    **shared,
                    "vote_id": vote.id if vote else None,
                    "vote_version": versions[c.id].get(vote.version_id) if vote else None,
                    "vote_mode": vote.mode if vote else None,
                    "outcome": (vote.outcome or None) if vote else None,
                    "eligible": vote.eligible if vote and vote.counted_at else None,
                    "yes": vote.yes if vote and vote.counted_at else None,
                    "no": vote.no if vote and vote.counted_at else None,
                    "abstain": vote.abstain if vote and vote.counted_at else None,
                    "counted_at": vote.counted_at if vote else None,
                }
            )
    return rows


register_dataset(
    Dataset(
        "conventions",
        N_("Neighbourhood conventions"),
        N_("Each convention, its versions and the result of each vote on it: one row per vote."),
        COLUMNS,
        rows=convention_rows,
    )
)
