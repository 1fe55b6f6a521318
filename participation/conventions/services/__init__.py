"""Convention use cases: opening a draft and moving it through its phases (drafting.py),
amendments and the committee's decisions on them (amendments.py), and the ratification vote
(ratify.py)."""

from participation.conventions.services.amendments import (
    Decision,
    decide_amendments,
    propose_amendment,
    support_amendment,
    withdraw_amendment,
)
from participation.conventions.services.drafting import move_phase, open_draft, start_revision
from participation.conventions.services.ratify import (
    VoteRules,
    cast_vote,
    count_ratification,
    due_ratifications,
    enter_paper_vote,
    remind_closing,
    schedule_ratification,
)

__all__ = [
    "Decision",
    "VoteRules",
    "cast_vote",
    "count_ratification",
    "decide_amendments",
    "due_ratifications",
    "enter_paper_vote",
    "move_phase",
    "open_draft",
    "propose_amendment",
    "remind_closing",
    "schedule_ratification",
    "start_revision",
    "support_amendment",
    "withdraw_amendment",
]
