"""Voting round use cases: prepare and open a round (rounds.py), cast ballots online and on
paper (ballots.py), close and count, publish (results.py).

Every use case takes the acting user and ``now`` (the server clock decides when ballots
count); committee actions write an audit row in the same transaction as the change.
"""

from participation.voting.services.ballots import (
    RECEIPT_KIND,
    Receipt,
    Seal,
    ballot_costs,
    ballot_rules,
    cast_ballot,
    enter_paper_ballot,
)
from participation.voting.services.results import (
    close_round,
    explanation_json,
    publish_round,
    round_instance,
)
from participation.voting.services.rounds import (
    RoundInput,
    create_round,
    edit_round,
    open_round,
    require_manager,
)

__all__ = [
    "RECEIPT_KIND",
    "Receipt",
    "RoundInput",
    "Seal",
    "ballot_costs",
    "ballot_rules",
    "cast_ballot",
    "close_round",
    "create_round",
    "edit_round",
    "enter_paper_ballot",
    "explanation_json",
    "open_round",
    "publish_round",
    "require_manager",
    "round_instance",
]
