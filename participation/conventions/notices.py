"""The conventions' notices, and the page each one links to."""

from __future__ import annotations

from participation.conventions.queries import convention_slugs
from participation.core.errors import N_
from participation.notifications.kinds import register_kind, register_target

register_kind(
    "conventions.amendment_accepted",
    N_("Amendment %(number)s to %(convention)s was accepted. %(reason)s"),
)
register_kind(
    "conventions.amendment_rejected",
    N_("Amendment %(number)s to %(convention)s was not accepted: %(reason)s"),
)
register_kind(
    "conventions.vote_scheduled",
    N_("Residents vote on %(convention)s: its page says when, and what is needed to adopt it."),
)
register_kind(
    "conventions.vote_closing",
    N_("Voting on %(convention)s closes within a day, and you have not voted yet."),
)
register_kind(
    "conventions.result",
    N_("The vote on %(convention)s has been counted: see the result."),
)

register_target("convention_id", route="conventions:detail", slugs=convention_slugs)
