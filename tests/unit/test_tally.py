"""Counting a vote: greedy by votes and the Method of Equal Shares, on cases worked out by hand,
then on random instances against a plain transcription of the rules (one Fraction per voter).
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import pytest

from participation.voting import tally
from participation.voting.tally import (
    Contribution,
    Instance,
    Outcome,
    Project,
    equal_shares,
    greedy,
    input_hash,
)


def instance(
    budget: int,
    costs: dict[int, int],
    ballots: list[set[int]],
    lot: tuple[int, ...] | None = None,
) -> Instance:
    return Instance(
        budget=budget,
        projects=tuple(Project(project_id, cost) for project_id, cost in costs.items()),
        ballots=tuple(frozenset(ballot) for ballot in ballots),
        lot=lot if lot is not None else tuple(costs),
    )


def spent_within_budget(outcome: Outcome, vote: Instance) -> bool:
    costs = {project.id: project.cost for project in vote.projects}
    return outcome.total_spent == sum(costs[w] for w in outcome.winners) <= vote.budget


def nothing_else_fits(outcome: Outcome, vote: Instance) -> bool:
    """No project that someone voted for is left out while it would still fit."""
    return all(
        project.id in outcome.winners
        or project.cost > outcome.left_over
        or not outcome.project(project.id).votes
        for project in vote.projects
    )


# Two neighbourhoods: six residents want projects 1 and 2, four want project 3 (all 50 yuan).
TWO_GROUPS = instance(100, {1: 50, 2: 50, 3: 50}, [{1, 2}] * 6 + [{3}] * 4)


def test_greedy_funds_the_most_voted_projects_that_fit():
    outcome = greedy(TWO_GROUPS)
    assert outcome.winners == (1, 2)
    assert outcome.total_spent == 100
    assert [(p.id, p.votes, p.funded, p.chosen_by) for p in outcome.projects] == [
        (1, 6, True, "greedy"),
        (2, 6, True, "greedy"),
        (3, 4, False, None),
    ]
    assert [p.budget_left_at_turn for p in outcome.projects] == [100, 50, 0]
    assert outcome.voters_with_a_funded_project == 6
    assert outcome.voter_budget is None
    assert outcome.project(3).supporters_money_left is None


def test_equal_shares_gives_the_smaller_group_its_share():
    # At 10 yuan each, the four residents of the second group have 40, short of 50; Add1
    # raises everyone's budget until they can pay (13 yuan each: 52), and the outcome then
    # costs exactly the budget. The first group's 6 x 13 = 78 pay 50 for project 1.
    outcome = equal_shares(TWO_GROUPS)
    assert outcome.winners == (1, 3)
    assert outcome.total_spent == 100
    assert outcome.voter_budget == 13
    assert outcome.equal_shares_runs == 4  # 10, 11, 12 and 13 yuan each
    assert [(p.id, p.funded, p.chosen_by) for p in outcome.projects] == [
        (1, True, "equal_shares"),
        (2, False, None),
        (3, True, "equal_shares"),
    ]
    assert outcome.voters_with_a_funded_project == 10
    left_out = outcome.project(2)
    assert left_out.supporters_money_left == 28  # 6 x (13 - 50/6)
    assert left_out.supporters_money_left_yuan == 28
    assert left_out.supporters_paid_for == (Contribution(1, Fraction(50)),)
    assert left_out.budget_left_at_turn == 0


def test_the_lot_breaks_a_tie_of_cost_and_votes():
    drawn_the_other_way = replace(TWO_GROUPS, lot=(2, 1, 3))
    assert greedy(drawn_the_other_way).winners == (2, 1)
    assert equal_shares(drawn_the_other_way).winners == (2, 3)


def test_explanation_of_a_project_left_out_in_exact_fractions():
    # 12 yuan among 3 voters: 4 each. Project 1 (10 yuan, all three) costs each 10/3, which
    # leaves the two supporters of project 2 (9 yuan) with 2/3 each: 4/3 together, short of 9.
    # 2 yuan are left over, and nothing else fits, so Add1 stops at once.
    vote = instance(12, {1: 10, 2: 9}, [{1, 2}, {1, 2}, {1}])
    outcome = equal_shares(vote)
    assert outcome.winners == (1,)
    assert outcome.voter_budget == 4
    assert outcome.equal_shares_runs == 1
    left_out = outcome.project(2)
    assert left_out.supporters_money_left == Fraction(4, 3)
    assert left_out.supporters_money_left_yuan == 1
    assert left_out.supporters_paid_for == (Contribution(1, Fraction(20, 3)),)
    assert left_out.budget_left_at_turn == 2
    assert outcome.project(1).supporters_money_left is None


def test_greedy_breaks_equal_votes_by_lower_cost_then_by_lot():
    cheaper_first = instance(40, {1: 30, 2: 20}, [{1, 2}, {1, 2}], lot=(1, 2))
    assert greedy(cheaper_first).winners == (2,)
    same_cost = instance(40, {1: 30, 2: 30}, [{1, 2}, {1, 2}], lot=(2, 1))
    assert greedy(same_cost).winners == (2,)


def test_equal_shares_breaks_equal_effective_votes_by_lower_cost():
    # Everything fits in the budget: one run with 12 / 4 = 3 yuan each. Both projects split
    # evenly among all four (effective vote count 4); the cheaper goes first.
    vote = instance(12, {1: 8, 2: 4}, [{1, 2}] * 4, lot=(1, 2))
    outcome = equal_shares(vote)
    assert outcome.winners == (2, 1)
    assert outcome.voter_budget == 3
    assert outcome.equal_shares_runs == 1


def test_equal_shares_breaks_equal_effective_votes_by_more_votes():
    # 3 yuan each. Project 2 takes all the money of its four supporters. Then projects 1 and
    # 3 (3 yuan each) can only be paid by voter 4, alone: effective vote count 1 for both;
    # project 3 has two votes (one from a voter with nothing left) and goes before 1,
    # although the lot lists 1 first.
    vote = instance(15, {1: 3, 2: 12, 3: 3}, [{2, 3}, {2}, {2}, {1, 3}, {2}], lot=(1, 2, 3))
    outcome = equal_shares(vote)
    assert outcome.winners == (2, 3)
    assert outcome.voter_budget == 3
    left_out = outcome.project(1)
    assert left_out.supporters_money_left == 0
    assert left_out.supporters_paid_for == (Contribution(3, Fraction(3)),)


def test_empty_ballots_count_as_voters_and_hold_their_share():
    # Four voters, two of whom approved nothing: 100 / 4 = 25 each (everything fits, so one
    # run), and the two supporters of project 1 have 50, short of 60: the completion funds it.
    vote = instance(100, {1: 60}, [{1}, {1}, set(), set()])
    outcome = equal_shares(vote)
    assert outcome.voters == 4
    assert outcome.voter_budget == 25
    assert outcome.winners == (1,)
    assert outcome.project(1).chosen_by == "completion"
    assert outcome.project(1).supporters_money_left == 50
    assert outcome.voters_with_a_funded_project == 2
    assert greedy(vote).winners == (1,)


def test_a_project_dearer_than_the_whole_budget_is_never_funded():
    # Ten voters with 10 yuan each; project 1 (101 yuan) has all ten votes, project 2 five.
    vote = instance(100, {1: 101, 2: 30}, [{1, 2}] * 5 + [{1}] * 5)
    by_greedy = greedy(vote)
    assert by_greedy.winners == (2,)
    assert by_greedy.project(1).budget_left_at_turn == 100
    by_shares = equal_shares(vote)
    assert by_shares.winners == (2,)
    dear = by_shares.project(1)
    assert not dear.funded
    assert dear.budget_left_at_turn == 70
    assert dear.supporters_money_left == 70
    assert dear.supporters_paid_for == (Contribution(2, Fraction(30)),)


def test_without_ballots_nothing_is_funded():
    vote = instance(60, {1: 30, 2: 50, 3: 20}, [], lot=(3, 1, 2))
    assert greedy(vote).winners == ()
    outcome = equal_shares(vote)
    assert outcome.winners == () and outcome.total_spent == 0
    assert outcome.voter_budget is None
    assert outcome.equal_shares_runs == 0
    assert [p.chosen_by for p in outcome.projects] == [None, None, None]
    assert outcome.voters_with_a_funded_project == 0


def test_a_project_nobody_voted_for_is_not_funded_however_cheap():
    vote = instance(100, {1: 60, 2: 10, 3: 5}, [{1}] * 3 + [{2}])
    for outcome in (greedy(vote), equal_shares(vote)):
        assert 3 not in outcome.winners and outcome.project(3).votes == 0
        assert set(outcome.winners) == {1, 2}


def test_the_budget_can_be_spent_to_the_last_yuan():
    # Ten voters with 10 yuan each: project 1 costs each 4, and then project 2 takes
    # exactly the 6 everyone has left.
    vote = instance(100, {1: 40, 2: 60}, [{1, 2}] * 10)
    for outcome in (greedy(vote), equal_shares(vote)):
        assert outcome.winners == (1, 2)
        assert outcome.total_spent == 100
        assert outcome.left_over == 0


def test_counting_again_gives_the_same_result_whatever_the_ballot_order():
    vote = random_instance(random.Random(7), voters=40, projects=8)
    shuffled = list(vote.ballots)
    random.Random(1).shuffle(shuffled)
    reordered = replace(vote, ballots=tuple(shuffled))
    assert equal_shares(vote) == equal_shares(vote) == equal_shares(reordered)
    assert greedy(vote) == greedy(reordered)
    assert input_hash(vote) == input_hash(reordered)


def test_input_hash_changes_when_a_ballot_changes():
    vote = instance(100, {1: 50, 2: 50}, [{1}, {1, 2}, {2}])
    changed = replace(vote, ballots=(frozenset({1}), frozenset({1}), frozenset({2})))
    assert input_hash(vote) != input_hash(changed)
    assert input_hash(vote) != input_hash(replace(vote, lot=(2, 1)))
    assert input_hash(vote) != input_hash(replace(vote, budget=101))
    assert len(input_hash(vote)) == 64


@pytest.mark.parametrize(
    ("costs", "ballots", "lot"),
    [
        ({1: 0}, [], (1,)),
        ({1: 10, 2: 10}, [], (1,)),
        ({1: 10}, [{2}], (1,)),
        ({1: 10}, [], (1, 1)),
    ],
)
def test_an_instance_that_cannot_be_counted_is_refused(costs, ballots, lot):
    with pytest.raises(ValueError):
        instance(100, costs, ballots, lot)


# Random instances, against a plain transcription of the rules with one Fraction per voter.


def random_instance(rng: random.Random, voters: int, projects: int) -> Instance:
    ids = rng.sample(range(1, 1000), projects)
    costs = {project_id: rng.randint(1, 40) for project_id in ids}
    popularity = {project_id: rng.random() for project_id in ids}
    ballots = [
        {project_id for project_id in ids if rng.random() < popularity[project_id]}
        for _ in range(voters)
    ]
    lot = ids[:]
    rng.shuffle(lot)
    budget = rng.randint(0, sum(costs.values()) + 10)
    return instance(budget, costs, ballots, tuple(lot))


def reference_equal_shares(vote: Instance) -> tuple[list[int], list[int], Fraction | None]:
    """Equal shares, Add1 and completion, written out plainly: (by MES, by completion, budget)."""
    cost = {project.id: project.cost for project in vote.projects}
    votes = {p: sum(p in ballot for ballot in vote.ballots) for p in cost}
    lot = {p: place for place, p in enumerate(vote.lot)}
    n = len(vote.ballots)

    def fixed_budget(each: Fraction) -> list[int]:
        money = [each] * n
        funded: list[int] = []
        while True:
            candidates = []
            for p in cost:
                supporters = [i for i, ballot in enumerate(vote.ballots) if p in ballot]
                if p in funded or not supporters or sum(money[i] for i in supporters) < cost[p]:
                    continue
                poorest_first = sorted(supporters, key=lambda i: money[i])
                paid, payers = Fraction(0), len(poorest_first)
                for i in poorest_first:
                    rho = (cost[p] - paid) / payers
                    if money[i] >= rho:
                        break
                    paid += money[i]
                    payers -= 1
                candidates.append((cost[p] / rho, p, rho))
            if not candidates:
                return funded
            best = max(effective for effective, _, _ in candidates)
            _, p, rho = min(
                (c for c in candidates if c[0] == best),
                key=lambda c: (cost[c[1]], -votes[c[1]], lot[c[1]]),
            )
            funded.append(p)
            for i, ballot in enumerate(vote.ballots):
                if p in ballot:
                    money[i] -= min(money[i], rho)

    def total(projects: list[int]) -> int:
        return sum(cost[p] for p in projects)

    by_mes: list[int] = []
    each: Fraction | None = None
    if n and total(list(cost)) <= vote.budget:
        each = Fraction(vote.budget, n)
        by_mes = fixed_budget(each)
    elif n:
        each = Fraction(vote.budget // n)
        by_mes = fixed_budget(each)
        while any(
            p not in by_mes and votes[p] and total(by_mes) + cost[p] <= vote.budget for p in cost
        ):
            more = fixed_budget(each + 1)
            if total(more) > vote.budget:
                break
            each, by_mes = each + 1, more
    completion: list[int] = []
    left = vote.budget - total(by_mes)
    for p in sorted(cost, key=lambda p: (-votes[p], cost[p], lot[p])):
        if p not in by_mes and votes[p] and cost[p] <= left:
            completion.append(p)
            left -= cost[p]
    return by_mes, completion, each


@pytest.mark.parametrize("seed", range(300))
def test_random_instances_follow_the_rules(seed):
    rng = random.Random(seed)
    vote = random_instance(rng, voters=rng.randint(0, 12), projects=rng.randint(1, 6))
    by_greedy = greedy(vote)
    by_shares = equal_shares(vote)
    for outcome in (by_greedy, by_shares):
        assert spent_within_budget(outcome, vote)
        assert nothing_else_fits(outcome, vote)  # greedy is maximal; shares + completion too

    by_mes, completion, each = reference_equal_shares(vote)
    assert by_shares.winners == tuple(by_mes + completion)
    assert by_shares.voter_budget == each
    assert [p.id for p in by_shares.projects if p.chosen_by == "equal_shares"] == [
        p.id for p in vote.projects if p.id in by_mes
    ]
    # What the supporters of a project left out had, plus what they paid, is their budget.
    for result in by_shares.projects:
        if result.chosen_by != "equal_shares":
            paid = sum(contribution.amount for contribution in result.supporters_paid_for)
            assert result.supporters_money_left is not None
            assert result.supporters_money_left + paid == result.votes * (each or 0)
            amounts = [contribution.amount for contribution in result.supporters_paid_for]
            assert amounts == sorted(amounts, reverse=True)


@pytest.mark.parametrize("seed", range(40))
def test_float_runs_agree_with_exact_runs_when_they_certify_themselves(seed):
    # Large, distinct costs make exact ties unlikely, so the float run should settle most
    # runs itself; whatever it settles must be what exact arithmetic gives.
    rng = random.Random(seed)
    ids = list(range(1, 13))
    costs = {project_id: rng.randint(1_000, 90_000) for project_id in ids}
    ballots = [{p for p in ids if rng.random() < 0.1 + 0.05 * (p % 5)} for _ in range(300)]
    count = tally._Count(instance(0, costs, ballots))
    each = Fraction(rng.randint(50, 500), rng.choice([1, 3, 7]))
    exact = count.run_exactly(each, spend_limit=None)
    quick = count.run_quickly(each, spend_limit=None)
    assert exact is not None and quick is not None
    assert quick.winners == exact.winners
    assert quick.max_payments == exact.max_payments
    assert quick.exhausted == exact.exhausted


@pytest.mark.parametrize("seed", range(10))
def test_float_runs_resumed_from_an_even_start_agree_with_fresh_exact_runs(seed):
    # Add1 runs again with one more yuan each; a float run starts where the previous one
    # stopped being "even" (nobody short of an equal split). Each must match a fresh count.
    rng = random.Random(seed)
    ids = list(range(1, 16))
    costs = {project_id: rng.randint(100, 1_500) for project_id in ids}
    ballots = [{p for p in ids if rng.random() < 0.05 + 0.04 * (p % 6)} for _ in range(400)]
    vote = instance(0, costs, ballots)
    count = tally._Count(vote)
    first = rng.randint(5, 20)
    for each in range(first, first + 8):
        resumed = count.select(Fraction(each), spend_limit=None)
        fresh = tally._Count(vote).run_exactly(Fraction(each), spend_limit=None)
        assert resumed == fresh
    assert count.even_start is not None and count.even_start.winners
