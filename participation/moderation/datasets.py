"""Moderation's open data: the public log, as its page shows it (never the content, nor who
reported it or who acted: only the role)."""

from __future__ import annotations

from participation.core.errors import N_
from participation.moderation.queries import public_log
from participation.moderation.rules import ACTIONS, REASONS, ROLES
from participation.opendata.datasets import Column, Dataset, Row, register_dataset

COLUMNS = (
    Column("id", "integer", N_("The log entry's number")),
    Column("created_at", "datetime", N_("When it was done")),
    Column(
        "kind",
        "string",
        N_("The kind of content (empty: about a member)"),
    ),
    Column(
        "action",
        "string",
        N_("What was done"),
        values=tuple(ACTIONS),
    ),
    Column("reason", "string", N_("The reason's category"), values=tuple(REASONS)),
    Column("role", "string", N_("Who decided"), values=tuple(ROLES)),
    Column("days", "integer", N_("A suspension's length in days")),
    Column("public_reason", "string", N_("The reason given in public for an appeal's outcome")),
)


async def log_rows(community_id: int) -> list[Row]:
    return [
        {
            "id": e.id,
            "created_at": e.created_at,
            "kind": e.kind,
            "action": e.action,
            "reason": e.reason,
            "role": e.role,
            "days": e.days,
            "public_reason": e.public_reason,
        }
        for e in sorted(await public_log(community_id, limit=100_000), key=lambda e: e.id)
    ]


register_dataset(
    Dataset(
        "moderation_log",
        N_("Moderation log"),
        N_("Everything the committee and residents' reports hid, showed again or cut."),
        COLUMNS,
        rows=log_rows,
    )
)
