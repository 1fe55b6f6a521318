"""How fast is the vote count on a large participatory-budgeting vote?

Run by hand: ``.venv/bin/python bench/tally_mes.py [--voters 50000] [--projects 100]
[--max-cost 80000] [--runs 3] [--seed 2024]``.

It builds one instance with a fixed seed: ``--projects`` projects whose costs are spread
evenly on a log scale from 2,000 yuan to ``--max-cost`` (neighbourhood micro-projects up to
larger works), and ``--voters`` ballots approving 3 to 10 projects each, drawn with skewed
popularity (the k-th most popular project weighs 1 / k^0.9). The budget is 32% of the total
cost of all projects. It then prints, median and range over ``--runs`` runs:

- the time of ``equal_shares`` (Method of Equal Shares, Add1, completion) and of ``greedy``;
- the number of fixed-budget equal-shares runs Add1 made, the final per-voter budget and how
  many of those runs had to be redone in exact arithmetic (floats could not settle a tie).

Add1 raises every voter's budget by one yuan per run, so the number of runs grows with the
per-voter budget in yuan: dearer projects (``--max-cost 300000``) mean many more runs.

Target (issue 4): ``equal_shares`` under 2 s for 50,000 ballots and 100 projects on the 2-core
development machine. Wall times drift with load on a shared machine: the time of a fixed
pure-Python loop is printed as a yardstick.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable
from fractions import Fraction

from participation.voting import tally
from participation.voting.tally import Instance, Outcome, Project, equal_shares, greedy


def build(voters: int, projects: int, max_cost: int, seed: int) -> Instance:
    rng = random.Random(seed)
    ids = list(range(1, projects + 1))
    low, high = math.log(2_000), math.log(max_cost)
    costs = {p: int(math.exp(rng.uniform(low, high))) // 100 * 100 for p in ids}
    by_popularity = ids[:]
    rng.shuffle(by_popularity)
    weight = {p: 1 / (rank + 1) ** 0.9 for rank, p in enumerate(by_popularity)}
    cumulative = []
    total_weight = 0.0
    for p in ids:
        total_weight += weight[p]
        cumulative.append(total_weight)
    ballots = []
    for _ in range(voters):
        size = rng.randint(3, min(10, projects))
        chosen: set[int] = set()
        while len(chosen) < size:
            chosen.update(rng.choices(ids, cum_weights=cumulative, k=size - len(chosen)))
        ballots.append(frozenset(chosen))
    lot = ids[:]
    rng.shuffle(lot)
    return Instance(
        budget=sum(costs.values()) * 32 // 100,
        projects=tuple(Project(p, cost) for p, cost in costs.items()),
        ballots=tuple(ballots),
        lot=tuple(lot),
    )


def timed(
    function: Callable[[Instance], Outcome], vote: Instance, runs: int
) -> tuple[list[float], Outcome]:
    times = []
    outcome = None
    for _ in range(runs):
        start = time.perf_counter()
        outcome = function(vote)
        times.append(time.perf_counter() - start)
    assert outcome is not None
    return times, outcome


def exact_reruns(vote: Instance, outcome: Outcome) -> int:
    """How many of the Add1 runs floats could not settle, counted again here."""
    if not vote.ballots or sum(project.cost for project in vote.projects) <= vote.budget:
        return 0
    count = tally._Count(vote)
    first = vote.budget // len(vote.ballots)
    reruns = 0
    for each in range(first, first + outcome.equal_shares_runs):
        try:
            count.run_quickly(Fraction(each), spend_limit=None)
        except tally._Uncertain:
            reruns += 1
    return reruns


def yardstick() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s (range {min(times):.3f}–{max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--max-cost", type=int, default=80_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    vote = build(args.voters, args.projects, args.max_cost, args.seed)
    total_cost = sum(project.cost for project in vote.projects)
    approvals = sum(len(ballot) for ballot in vote.ballots)
    print(
        f"{len(vote.ballots):,} ballots ({approvals / len(vote.ballots):.1f} approvals each), "
        f"{len(vote.projects)} projects costing {total_cost:,} yuan, budget {vote.budget:,} "
        f"({vote.budget / len(vote.ballots):.2f} yuan per voter)"
    )
    print(f"yardstick (5M-step Python loop): {yardstick():.3f} s")
    shares_times, shares = timed(equal_shares, vote, args.runs)
    greedy_times, by_greedy = timed(greedy, vote, args.runs)
    print(f"equal_shares: {summary(shares_times)}")
    print(
        f"  Add1: {shares.equal_shares_runs} fixed-budget runs, final budget "
        f"{shares.voter_budget} yuan per voter, {exact_reruns(vote, shares)} redone exactly"
    )
    by_rule = {
        rule: sum(1 for p in shares.projects if p.chosen_by == rule)
        for rule in ("equal_shares", "completion")
    }
    print(
        f"  funded {len(shares.winners)} projects ({by_rule['equal_shares']} by equal shares, "
        f"{by_rule['completion']} by completion), {shares.total_spent:,} yuan, "
        f"{shares.voters_with_a_funded_project:,} voters with a funded project"
    )
    print(f"greedy: {summary(greedy_times)}")
    print(
        f"  funded {len(by_greedy.winners)} projects, {by_greedy.total_spent:,} yuan, "
        f"{by_greedy.voters_with_a_funded_project:,} voters with a funded project"
    )


if __name__ == "__main__":
    main()
