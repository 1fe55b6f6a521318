"""Proposals' open data: every public micro-project (drafts and what moderation hides are
not), without its author."""

from __future__ import annotations

from participation.core.errors import N_
from participation.moderation.personal_data import mask
from participation.opendata.datasets import Column, Dataset, Row, register_dataset
from participation.proposals.queries import LISTED, public_proposals

COLUMNS = (
    Column("id", "integer", N_("The proposal's number, as in the address of its page")),
    Column("title", "string", N_("Its title (phone and room numbers masked)")),
    Column("category", "string", N_("Its category")),
    Column(
        "status",
        "string",
        N_("Where it stands"),
        values=tuple(s.value for s in LISTED),
    ),
    Column("cost_yuan", "integer", N_("The cost its authors estimated, in yuan")),
    Column(
        "committee_cost_yuan", "integer", N_("The committee's estimate, in yuan, when it made one")
    ),
    Column("support_count", "integer", N_("How many residents support it")),
    Column("created_at", "datetime", N_("When it was written")),
)


async def proposal_rows(community_id: int) -> list[Row]:
    rows = await public_proposals(community_id).order_by("id")
    return [
        {
            "id": p.id,
            "title": mask(p.title),
            "category": p.category,
            "status": p.status,
            "cost_yuan": p.cost_yuan,
            "committee_cost_yuan": p.committee_cost_yuan,
            "support_count": p.support_count,
            "created_at": p.created_at,
        }
        for p in rows
    ]


register_dataset(
    Dataset(
        "proposals",
        N_("Micro-projects"),
        N_("Every public proposal with its status, cost and supports."),
        COLUMNS,
        rows=proposal_rows,
    )
)
