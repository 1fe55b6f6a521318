"""Counting a convention's ratification vote: quorum, majorities at their boundaries, ballot
keys by mode, changed votes and the percentages shown. No database."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from participation.conventions.ratification import (
    Choice,
    Majority,
    Outcome,
    RatificationRule,
    Tally,
    ballot_key,
    decide,
    percent,
    tally_votes,
)


def rule(quorum_percent: int = 0, majority: Majority = "simple") -> RatificationRule:
    return RatificationRule(quorum_percent=quorum_percent, majority=majority, mode="resident")


def tally(yes: int = 0, no: int = 0, abstain: int = 0, eligible: int = 100) -> Tally:
    return Tally(yes=yes, no=no, abstain=abstain, eligible=eligible)


# --- quorum --------------------------------------------------------------------------------------


def test_a_quorum_reached_exactly_is_met() -> None:
    outcome = decide(rule(30), tally(yes=3, eligible=10))
    assert outcome == Outcome(
        status="adopted", turnout=Fraction(3, 10), yes_share=Fraction(1), quorum_met=True
    )


def test_one_participant_short_of_the_quorum_is_no_quorum_not_rejected() -> None:
    outcome = decide(rule(30), tally(yes=2, eligible=10))
    assert outcome.status == "no_quorum"
    assert not outcome.quorum_met
    assert outcome.turnout == Fraction(1, 5)


def test_a_fractional_quorum_rounds_up_to_whole_participants() -> None:
    # 30% of 7 is 2.1 people: 2 are not enough, 3 are.
    assert decide(rule(30), tally(yes=2, eligible=7)).status == "no_quorum"
    assert decide(rule(30), tally(yes=3, eligible=7)).status == "adopted"


def test_a_failed_quorum_is_no_quorum_even_when_everyone_voted_no() -> None:
    assert decide(rule(50), tally(no=4, eligible=10)).status == "no_quorum"


def test_abstentions_make_the_quorum_but_not_the_majority() -> None:
    outcome = decide(rule(50), tally(yes=2, no=1, abstain=3, eligible=10))
    assert outcome.quorum_met
    assert outcome.turnout == Fraction(3, 5)
    assert outcome.yes_share == Fraction(2, 3)
    assert outcome.status == "adopted"
    # Without the abstainers the same yes and no votes would have missed the quorum.
    assert decide(rule(50), tally(yes=2, no=1, eligible=10)).status == "no_quorum"


def test_abstentions_do_not_dilute_a_majority() -> None:
    outcome = decide(rule(0, "three_quarters"), tally(yes=3, no=1, abstain=50))
    assert outcome.status == "adopted"
    assert outcome.yes_share == Fraction(3, 4)


def test_when_everyone_abstains_the_text_is_rejected() -> None:
    outcome = decide(rule(30), tally(abstain=10, eligible=10))
    assert outcome == Outcome(
        status="rejected", turnout=Fraction(1), yes_share=Fraction(0), quorum_met=True
    )


def test_with_nobody_eligible_there_is_no_quorum() -> None:
    outcome = decide(rule(0), tally(eligible=0))
    assert outcome == Outcome(
        status="no_quorum", turnout=Fraction(0), yes_share=Fraction(0), quorum_met=False
    )


def test_a_zero_quorum_is_met_by_nobody_but_nobody_adopts_anything() -> None:
    outcome = decide(rule(0), tally(eligible=10))
    assert outcome.quorum_met
    assert outcome.status == "rejected"


def test_a_full_quorum_needs_everyone() -> None:
    assert decide(rule(100), tally(yes=9, eligible=10)).status == "no_quorum"
    assert decide(rule(100), tally(yes=9, abstain=1, eligible=10)).status == "adopted"


# --- majorities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("majority", "yes", "no", "status"),
    [
        ("simple", 2, 1, "adopted"),
        ("simple", 1, 1, "rejected"),
        ("simple", 50, 50, "rejected"),
        ("simple", 51, 50, "adopted"),
        ("simple", 1, 0, "adopted"),
        ("simple", 0, 1, "rejected"),
        ("two_thirds", 2, 1, "adopted"),
        ("two_thirds", 3, 2, "rejected"),
        ("two_thirds", 200, 100, "adopted"),
        ("two_thirds", 199, 100, "rejected"),
        ("three_quarters", 3, 1, "adopted"),
        ("three_quarters", 2, 1, "rejected"),
        ("three_quarters", 74, 26, "rejected"),
        ("three_quarters", 75, 25, "adopted"),
    ],
)
def test_majorities_at_their_boundaries(majority: Majority, yes: int, no: int, status: str) -> None:
    assert decide(rule(0, majority), tally(yes=yes, no=no, eligible=1000)).status == status


def test_yes_share_is_exact() -> None:
    assert decide(rule(), tally(yes=2, no=1)).yes_share == Fraction(2, 3)


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"quorum_percent": -1},
        {"quorum_percent": 101},
        {"quorum_percent": 33.3},
        {"quorum_percent": True},
        {"majority": "unanimous"},
        {"mode": "owner"},
    ],
)
def test_a_rule_outside_the_known_ones_is_refused(fields: dict[str, Any]) -> None:
    values: dict[str, Any] = {"quorum_percent": 30, "majority": "simple", "mode": "household"}
    with pytest.raises(ValueError):
        RatificationRule(**(values | fields))


@pytest.mark.parametrize("quorum_percent", [0, 100])
def test_quorums_at_the_ends_of_the_range_are_allowed(quorum_percent: int) -> None:
    assert rule(quorum_percent).quorum_percent == quorum_percent


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        tally(yes=-1)


# --- ballots -------------------------------------------------------------------------------------


def test_ballot_keys_follow_the_mode() -> None:
    assert ballot_key("resident", 7, 3) == "u:7"
    assert ballot_key("resident", 7, None) == "u:7"
    assert ballot_key("household", 7, 3) == "h:3"


def test_a_household_vote_needs_a_household() -> None:
    with pytest.raises(ValueError):
        ballot_key("household", 7, None)


def test_household_members_share_one_ballot_whoever_casts_it_last() -> None:
    votes: list[tuple[str, Choice]] = [
        (ballot_key("household", 1, 10), "yes"),
        (ballot_key("household", 2, 10), "no"),
        (ballot_key("household", 3, 11), "yes"),
    ]
    assert tally_votes(votes, eligible=5) == Tally(yes=1, no=1, abstain=0, eligible=5)


def test_a_voter_who_moved_house_votes_for_the_new_household_only() -> None:
    # Resident 7 voted yes for household 10, then moved to household 11 and voted no there:
    # household 10 keeps its ballot, household 11 has its own.
    votes: list[tuple[str, Choice]] = [
        (ballot_key("household", 7, 10), "yes"),
        (ballot_key("household", 7, 11), "no"),
    ]
    assert tally_votes(votes, eligible=20) == Tally(yes=1, no=1, abstain=0, eligible=20)
    # In resident mode the same person has one ballot wherever they live.
    resident_votes: list[tuple[str, Choice]] = [
        (ballot_key("resident", 7, 10), "yes"),
        (ballot_key("resident", 7, 11), "no"),
    ]
    assert tally_votes(resident_votes, eligible=20) == Tally(yes=0, no=1, abstain=0, eligible=20)


def test_a_changed_vote_counts_only_as_the_last_choice() -> None:
    votes: list[tuple[str, Choice]] = [
        ("u:1", "yes"),
        ("u:2", "no"),
        ("u:1", "abstain"),
        ("u:1", "no"),
        ("u:3", "yes"),
    ]
    assert tally_votes(votes, eligible=10) == Tally(yes=1, no=2, abstain=0, eligible=10)


def test_no_votes_tally_to_zero() -> None:
    counted = tally_votes([], eligible=4)
    assert counted == Tally(yes=0, no=0, abstain=0, eligible=4)
    assert counted.participants == 0


def test_an_unknown_choice_is_refused() -> None:
    with pytest.raises(ValueError):
        tally_votes([("u:1", "maybe")], eligible=1)  # type: ignore[list-item]


def test_participants_include_abstainers() -> None:
    assert tally(yes=1, no=2, abstain=3).participants == 6


# --- percentages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(0), "0"),
        (Fraction(1), "100"),
        (Fraction(2, 3), "66.7"),
        (Fraction(1, 3), "33.3"),
        (Fraction(1, 2), "50.0"),
        (Fraction(3, 10), "30.0"),
        (Fraction(1, 8), "12.5"),
        (Fraction(1, 16), "6.3"),  # 6.25: half rounds up
        (Fraction(3, 16), "18.8"),  # 18.75
        (Fraction(1, 2000), "0.1"),  # 0.05
        (Fraction(11, 10), "110.0"),
    ],
)
def test_percentages_have_one_decimal_rounded_half_up(share: Fraction, text: str) -> None:
    assert percent(share) == text


def test_a_share_that_is_not_all_or_nothing_never_reads_as_100_or_0() -> None:
    assert percent(Fraction(9999, 10000)) == "99.9"
    assert percent(Fraction(1, 10000)) == "0.1"


def test_a_negative_share_is_refused() -> None:
    with pytest.raises(ValueError):
        percent(Fraction(-1, 2))
