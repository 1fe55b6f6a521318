"""The proposals' notices, and the page each one links to."""

from __future__ import annotations

from participation.core.errors import N_
from participation.moderation.queries import hidden_ids
from participation.notifications.kinds import register_kind, register_target
from participation.proposals.queries import community_slugs

register_kind(
    "proposal.status",
    N_("Your proposal has a new status."),
)
register_kind(
    "proposal.co_author_invited",
    N_("You are invited to co-author a proposal."),
)


async def _hidden_proposals(ids: set[int]) -> set[int]:
    return await hidden_ids("proposal", ids)


register_target(
    "proposal_id", route="proposals:detail", slugs=community_slugs, hidden=_hidden_proposals
)
# Notices from before proposal_id: the same page.
register_target(
    "proposal",
    route="proposals:detail",
    param="proposal_id",
    slugs=community_slugs,
    hidden=_hidden_proposals,
)
