"""Counting the residents' vote that ratifies a convention: quorum, majority, ballot keys.
Pure and exact: every comparison is on integers or ``fractions.Fraction``, never floats, so
a vote at the boundary is decided the same way everywhere."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

Majority = Literal["simple", "two_thirds", "three_quarters"]
Mode = Literal["resident", "household"]
Choice = Literal["yes", "no", "abstain"]
Status = Literal["adopted", "rejected", "no_quorum"]

MAJORITIES: tuple[Majority, ...] = get_args(Majority)
MODES: tuple[Mode, ...] = get_args(Mode)
CHOICES: tuple[Choice, ...] = get_args(Choice)


@dataclass(frozen=True)
class RatificationRule:
    quorum_percent: int  # 0..100: share of the eligible that must take part
    majority: Majority
    mode: Mode

    def __post_init__(self) -> None:
        # The rule is fixed before the vote opens; a bad one must fail then, not at the count.
        if isinstance(self.quorum_percent, bool) or not isinstance(self.quorum_percent, int):
            raise ValueError("quorum_percent must be a whole number")
        if not 0 <= self.quorum_percent <= 100:
            raise ValueError(f"quorum_percent must be 0..100, not {self.quorum_percent}")
        if self.majority not in MAJORITIES:
            raise ValueError(f"unknown majority {self.majority!r}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    eligible: int  # registered households (household mode) or verified residents, at close

    def __post_init__(self) -> None:
        if min(self.yes, self.no, self.abstain, self.eligible) < 0:
            raise ValueError("a tally cannot hold a negative count")

    @property
    def participants(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Outcome:
    status: Status
    turnout: Fraction  # participants / eligible (0 when eligible is 0)
    yes_share: Fraction  # yes / (yes + no) (0 when nobody voted yes or no)
    quorum_met: bool


def _majority_reached(majority: Majority, yes: int, no: int) -> bool:
    cast = yes + no
    if majority == "simple":
        return yes > no  # a tie does not change the convention
    if majority == "two_thirds":
        return 3 * yes >= 2 * cast
    return 4 * yes >= 3 * cast


def decide(rule: RatificationRule, tally: Tally) -> Outcome:
    """Adopted, rejected, or no quorum. A vote without its quorum says nothing about the text,
    so it is never reported as a rejection. Abstaining counts towards the quorum only."""
    participants, eligible = tally.participants, tally.eligible
    # Cross-multiplied so that 30% of 7 (2.1) needs 3 participants, with no rounding step.
    quorum_met = eligible > 0 and participants * 100 >= rule.quorum_percent * eligible
    cast = tally.yes + tally.no
    turnout = Fraction(participants, eligible) if eligible else Fraction(0)
    yes_share = Fraction(tally.yes, cast) if cast else Fraction(0)
    status: Status
    if not quorum_met:
        status = "no_quorum"
    elif cast and _majority_reached(rule.majority, tally.yes, tally.no):
        status = "adopted"
    else:
        # Everyone abstained (or the majority was missed): nobody asked for the change.
        status = "rejected"
    return Outcome(status=status, turnout=turnout, yes_share=yes_share, quorum_met=quorum_met)


def tally_votes(votes: Iterable[tuple[str, Choice]], eligible: int) -> Tally:
    """Count (ballot key, choice) pairs in the order they were cast; the last pair for a key
    is the one that counts, as a voter may change their vote until the close."""
    final: dict[str, Choice] = {}
    for key, choice in votes:
        if choice not in CHOICES:
            raise ValueError(f"unknown choice {choice!r}")
        final[key] = choice
    counts = dict.fromkeys(CHOICES, 0)
    for choice in final.values():
        counts[choice] += 1
    return Tally(yes=counts["yes"], no=counts["no"], abstain=counts["abstain"], eligible=eligible)


def ballot_key(mode: Mode, user_id: int, household_id: int | None) -> str:
    """Whose ballot this is: the resident's own, or their household's (one per household,
    which any member may cast or change). A resident who moves votes for the new household;
    the old household's ballot stays with the old household."""
    if mode == "resident":
        return f"u:{user_id}"
    if mode == "household":
        if household_id is None:
            raise ValueError("a household vote needs the voter's household")
        return f"h:{household_id}"
    raise ValueError(f"unknown mode {mode!r}")


def percent(f: Fraction) -> str:
    """A share as a percentage with one decimal, rounded half up: 2/3 → "66.7", 1/2 → "50.0".
    Exactly none and exactly all read "0" and "100"; a share that is neither never rounds to
    them (it reads "0.1" or "99.9"), so a page cannot claim everyone voted when one did not."""
    if f < 0:
        raise ValueError("a share cannot be negative")
    if f == 0:
        return "0"
    if f == 1:
        return "100"
    tenths = math.floor(f * 1000 + Fraction(1, 2))
    if 0 < f < 1:
        tenths = min(max(tenths, 1), 999)
    return f"{tenths // 10}.{tenths % 10}"
