"""The votes' notices, and the page each one links to."""

from __future__ import annotations

from participation.core.errors import N_
from participation.notifications.kinds import register_kind, register_target
from participation.voting.queries import community_slugs

register_kind(
    "voting.funded",
    N_("Your project was funded by the neighbourhood vote."),
)

register_target("round_id", route="voting:round", slugs=community_slugs)
