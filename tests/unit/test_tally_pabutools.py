"""Cross-check of ``participation.voting.tally`` against pabutools, the reference library of
participatory-budgeting rules (GPL-3; installed for tests only, never imported by the app).

What is compared, on seeded random instances:

1. ``greedy`` against ``greedy_utilitarian_welfare`` with ``Cost_Sat`` (satisfaction = cost,
   so its "satisfaction per yuan" is the number of votes), on 300 instances: the funded
   projects and their order.
2. ``equal_shares`` against ``completion_by_rule_combination`` of
   ``method_of_equal_shares`` (``Cost_Sat``, ``voter_budget_increment=1``) then
   ``greedy_utilitarian_welfare`` (``Cost_Sat``), on 300 instances: the funded projects and
   their order (equal shares' first, then the completion's), and which ones equal shares chose.
   pabutools' Add1 starts from ``budget / voters`` where equalshares.net, and ``tally``, start
   from ``budget // voters`` whole yuan, and pabutools does not skip Add1 when every project
   fits; so these instances have a budget that is a multiple of the number of voters (at
   least one voter) and projects that cost more, together, than the budget. Both stop Add1 at
   the first outcome where no project with a vote fits in the leftover.
3. A single equal-shares run with ``budget / voters`` each (no Add1, no completion) against
   ``method_of_equal_shares`` without increment, on 300 instances with any budget: the
   projects funded and their order. This goes through ``tally``'s internal ``_Count.select``.

Ties are broken alike: pabutools is given a tie-breaking rule that sorts by lower cost, then
more votes, then the place in the lot, which is ``tally``'s order for equal shares; greedy
only ever breaks ties between equal vote counts, where it reduces to ``tally``'s lower cost,
then lot.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import pytest

try:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat
    from pabutools.election import Instance as PabuInstance
    from pabutools.election import Project as PabuProject
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )
    from pabutools.tiebreaking import TieBreakingRule
except ImportError as error:  # fail, never skip: CI must not pass without the cross-check
    raise ImportError(
        "pabutools is needed for this cross-check; install the test-only packages listed in "
        "tests/requirements-pabutools.txt (see the commands at its top)"
    ) from error

from participation.voting import tally
from participation.voting.tally import Instance, Project, equal_shares, greedy

INSTANCES = 300


def random_instance(rng: random.Random, *, budget_multiple_of_voters: bool) -> Instance:
    ids = rng.sample(range(1, 100), rng.randint(1, 7))
    costs = {project_id: rng.randint(1, 30) for project_id in ids}
    popularity = {project_id: rng.random() for project_id in ids}
    voters = rng.randint(1, 15)
    ballots = tuple(
        frozenset(p for p in ids if rng.random() < popularity[p]) for _ in range(voters)
    )
    lot = ids[:]
    rng.shuffle(lot)
    total = sum(costs.values())
    if budget_multiple_of_voters:
        # below the total cost, so that Add1 runs; at least one yuan each
        budget = voters * rng.randint(1, max(1, (total - 1) // voters))
        if budget >= total:
            costs[ids[0]] += budget - total + 1
    else:
        budget = rng.randint(0, total + 10)
    return Instance(
        budget=budget,
        projects=tuple(Project(p, cost) for p, cost in costs.items()),
        ballots=ballots,
        lot=tuple(lot),
    )


def in_pabutools(vote: Instance) -> tuple[PabuInstance, ApprovalProfile, TieBreakingRule]:
    projects = {p.id: PabuProject(str(p.id), p.cost) for p in vote.projects}
    pabu_instance = PabuInstance(projects.values(), budget_limit=vote.budget)
    profile = ApprovalProfile(
        [ApprovalBallot(projects[p] for p in ballot) for ballot in vote.ballots],
        instance=pabu_instance,
    )
    votes = {p: sum(p in ballot for ballot in vote.ballots) for p in projects}
    cost = {p.id: p.cost for p in vote.projects}
    lot = {p: place for place, p in enumerate(vote.lot)}

    def key(_instance: Any, _profile: Any, project: PabuProject) -> tuple[int, int, int]:
        p = int(project.name)
        return (cost[p], -votes[p], lot[p])

    return pabu_instance, profile, TieBreakingRule(key)


def ids(allocation: Any) -> tuple[int, ...]:
    return tuple(int(project.name) for project in allocation)


def voted_for(vote: Instance, winners: tuple[int, ...]) -> tuple[int, ...]:
    """pabutools' greedy steps fund projects nobody voted for if they fit; ours never do.
    Such projects have the lowest ratio of votes to cost, so pabutools takes them last: leaving
    them out of its result gives exactly what ours must be."""
    supported = {p for ballot in vote.ballots for p in ballot}
    return tuple(w for w in winners if w in supported)


@pytest.mark.parametrize("seed", range(INSTANCES))
def test_greedy_agrees_with_pabutools(seed):
    vote = random_instance(random.Random(seed), budget_multiple_of_voters=False)
    pabu_instance, profile, ties = in_pabutools(vote)
    expected = greedy_utilitarian_welfare(
        pabu_instance, profile, sat_class=Cost_Sat, tie_breaking=ties
    )
    assert greedy(vote).winners == voted_for(vote, ids(expected))


@pytest.mark.parametrize("seed", range(INSTANCES))
def test_equal_shares_with_add1_and_completion_agrees_with_pabutools(seed):
    vote = random_instance(random.Random(10_000 + seed), budget_multiple_of_voters=True)
    pabu_instance, profile, ties = in_pabutools(vote)
    by_mes = method_of_equal_shares(
        pabu_instance, profile, sat_class=Cost_Sat, tie_breaking=ties, voter_budget_increment=1
    )
    completed = completion_by_rule_combination(
        pabu_instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [
            {"sat_class": Cost_Sat, "tie_breaking": ties, "voter_budget_increment": 1},
            {"sat_class": Cost_Sat, "tie_breaking": ties},
        ],
    )
    outcome = equal_shares(vote)
    assert outcome.winners == voted_for(vote, ids(completed))
    chosen_by_mes = tuple(
        w for w in outcome.winners if outcome.project(w).chosen_by == "equal_shares"
    )
    assert chosen_by_mes == ids(by_mes)


@pytest.mark.parametrize("seed", range(INSTANCES))
def test_one_equal_shares_run_agrees_with_pabutools(seed):
    vote = random_instance(random.Random(20_000 + seed), budget_multiple_of_voters=False)
    pabu_instance, profile, ties = in_pabutools(vote)
    expected = method_of_equal_shares(pabu_instance, profile, sat_class=Cost_Sat, tie_breaking=ties)
    count = tally._Count(vote)
    selection = count.select(Fraction(vote.budget, len(vote.ballots)), spend_limit=None)
    assert selection is not None
    assert tuple(count.ids[c] for c in selection.winners) == ids(expected)
