"""Counting a participatory-budgeting vote: greedy by votes, and the Method of Equal Shares.

Pure: no I/O, no clock, no database. Costs and the budget are whole yuan, and every result
is exact (integers and ``fractions.Fraction``).

Ballots are approval sets. Two rules:

- ``greedy``: projects by votes, most first; each is funded if it still fits in what is left.
- ``equal_shares``: the Method of Equal Shares with cost utilities, as computed by
  equalshares.net (its compute tool's ``equalSharesFixedBudgetFractions``, ``equalSharesAdd1``
  with the options "integral" and "exhaustive", and ``utilitarianCompletion``): every voter
  gets an equal share of the budget; a project is funded when its supporters can pay for it,
  and among those the one whose cost can be split most evenly goes first. Then the per-voter
  budget is raised one yuan at a time while the outcome stays within the real budget (Add1),
  and what is still left goes to projects by votes.

Ties: in greedy and in the completion, between equal vote counts the cheaper project goes
first, then the one earlier in ``Instance.lot`` (a random order recorded when the vote
opened). Equal shares breaks equal effective vote counts by lower cost, then more votes, then
``lot``.

Speed: tens of thousands of ballots make exact arithmetic per voter far too slow, and Add1
repeats the whole count many times. Each equal-shares run is therefore first made on floats
with explicit bounds on their rounding: a float comparison is only acted on when the bounds
prove which side the exact values are on, and the first one they cannot settle (an exact tie,
say) sends the whole run to exact arithmetic over money classes. So no float alone decides
anything; the max payments, and every number the result shows, are exact.

Where this follows pabutools rather than equalshares.net: the Add1 loop calls an outcome
exhaustive when no *supported* project fits in the leftover; equalshares.net also counts
projects nobody approved, which equal shares can never fund, so its loop would not end when
such a project fits.
"""

from __future__ import annotations

import hashlib
import json
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, chain
from operator import itemgetter
from typing import Literal

ChosenBy = Literal["equal_shares", "completion", "greedy"]
Rule = Literal["equal_shares", "greedy"]


@dataclass(frozen=True)
class Project:
    id: int
    cost: int  # yuan, > 0


@dataclass(frozen=True)
class Instance:
    """What a vote is counted from: the budget, the projects, the ballots and the lot.

    ``ballots`` holds one approval set of project ids per voter (it may be empty);
    ``lot`` is every project id once, in the random order drawn for the last tie-break.
    """

    budget: int
    projects: tuple[Project, ...]
    ballots: tuple[frozenset[int], ...]
    lot: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError("the budget must not be negative")
        ids = [project.id for project in self.projects]
        known = frozenset(ids)
        if len(known) != len(ids):
            raise ValueError("project ids must be unique")
        if any(project.cost <= 0 for project in self.projects):
            raise ValueError("every project must cost more than 0 yuan")
        if len(self.lot) != len(ids) or frozenset(self.lot) != known:
            raise ValueError("the lot must list every project id exactly once")
        if not all(ballot <= known for ballot in self.ballots):
            raise ValueError("a ballot approves a project that is not in the vote")


@dataclass(frozen=True)
class Contribution:
    """What a project's supporters paid, together, towards a project equal shares funded."""

    project_id: int
    amount: Fraction


@dataclass(frozen=True)
class ProjectResult:
    """One project's result, with the numbers that explain it.

    ``budget_left_at_turn``: for greedy, and for the completion after equal shares, what
    was left of the budget when this project's turn came (``None`` if it had no turn,
    because equal shares had already funded it).

    ``supporters_money_left`` and ``supporters_paid_for``: for a project that equal shares
    did not fund, what its supporters still had together at the end of the final equal-shares
    run (to set against its cost), and what they had paid towards the projects equal shares
    funded, most money first. ``None`` and empty for greedy, and for projects equal shares funded.
    """

    id: int
    cost: int
    votes: int
    funded: bool
    chosen_by: ChosenBy | None
    budget_left_at_turn: int | None
    supporters_money_left: Fraction | None
    supporters_paid_for: tuple[Contribution, ...]

    @property
    def supporters_money_left_yuan(self) -> int | None:
        """Whole yuan, rounded down, for display."""
        if self.supporters_money_left is None:
            return None
        return math.floor(self.supporters_money_left)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    budget: int
    winners: tuple[int, ...]  # project ids in the order they were selected
    projects: tuple[ProjectResult, ...]  # in the order of ``Instance.projects``
    total_spent: int
    voters: int  # ballots, empty ones included
    voters_with_a_funded_project: int
    # Equal shares: each voter's budget in the final run (None for greedy, or without ballots).
    voter_budget: Fraction | None
    equal_shares_runs: int  # fixed-budget runs that Add1 computed (0 for greedy)

    def project(self, project_id: int) -> ProjectResult:
        for result in self.projects:
            if result.id == project_id:
                return result
        raise KeyError(project_id)

    @property
    def left_over(self) -> int:
        return self.budget - self.total_spent


def input_hash(instance: Instance) -> str:
    """SHA-256 of a canonical form of the instance: what a stored result was counted from.

    Projects are taken by id and ballots as a sorted multiset, so the order they were loaded
    in does not matter; the lot keeps its order, since it decides ties.
    """
    canonical = {
        "format": "huakai-tally-1",
        "budget": instance.budget,
        "projects": sorted([project.id, project.cost] for project in instance.projects),
        "ballots": sorted(sorted(ballot) for ballot in instance.ballots),
        "lot": list(instance.lot),
    }
    text = json.dumps(canonical, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def greedy(instance: Instance) -> Outcome:
    """Projects by votes, most first (ties: lower cost, then ``lot``); fund each that still
    fits. A project nobody voted for is never funded."""
    count = _Count(instance)
    funded, left_at_turn = count.greedy_completion([], instance.budget)
    return count.outcome(
        "greedy",
        winners=funded,
        chosen_by=dict.fromkeys(funded, "greedy"),
        left_at_turn=left_at_turn,
        explanations={},
        voter_budget=None,
        runs=0,
    )


def equal_shares(instance: Instance) -> Outcome:
    """The Method of Equal Shares with cost utilities, Add1, then completion by votes.

    As on equalshares.net (completion "add1u", add1 options "integral" and "exhaustive"):

    1. Without ballots there is no one to share the budget among: only the completion runs.
    2. If all projects together fit in the budget, one run with ``budget / voters`` each.
    3. Otherwise each voter starts with ``budget // voters`` whole yuan. While the outcome
       is not exhaustive (a supported, unfunded project still fits in the leftover), run
       again with one more yuan each; keep the new outcome if it costs no more than the
       budget, else stop with the previous one.
    4. Fund what still fits, by votes (ties: lower cost, then ``lot``): "completion".
    """
    count = _Count(instance)
    voters = len(instance.ballots)
    budget = instance.budget
    selection: _Selection | None = None
    voter_budget: Fraction | None = None
    runs = 0
    if voters and sum(count.costs) <= budget:
        voter_budget = Fraction(budget, voters)
        selection = count.select(voter_budget, spend_limit=None)
        runs = 1
    elif voters:
        whole_yuan = budget // voters
        selection = count.select(Fraction(whole_yuan), spend_limit=None)
        runs = 1
        while selection is not None and not count.is_exhaustive(selection):
            trial = count.select(Fraction(whole_yuan + 1), spend_limit=budget)
            runs += 1
            if trial is None:
                break
            whole_yuan += 1
            selection = trial
        voter_budget = Fraction(whole_yuan)
    by_equal_shares = [] if selection is None else selection.winners
    completed, left_at_turn = count.greedy_completion(
        by_equal_shares, budget - sum(count.costs[c] for c in by_equal_shares)
    )
    chosen_by: dict[int, ChosenBy] = dict.fromkeys(by_equal_shares, "equal_shares")
    chosen_by.update(dict.fromkeys(completed, "completion"))
    by_equal_shares_set = set(by_equal_shares)
    not_by_equal_shares = [c for c in range(len(count.ids)) if c not in by_equal_shares_set]
    explanations: dict[int, tuple[Fraction, tuple[Contribution, ...]]]
    if selection is None or voter_budget is None:
        explanations = dict.fromkeys(not_by_equal_shares, (Fraction(0), ()))
    else:
        explanations = count.explain(selection, voter_budget, not_by_equal_shares)
    return count.outcome(
        "equal_shares",
        winners=by_equal_shares + completed,
        chosen_by=chosen_by,
        left_at_turn=left_at_turn,
        explanations=explanations,
        voter_budget=voter_budget,
        runs=runs,
    )


# A bound on the relative error of one rounded float operation (twice the unit roundoff).
_ROUNDING = 2.0**-52


class _Uncertain(Exception):
    """Floats could not settle a comparison for sure: count this run exactly instead."""


@dataclass
class _Selection:
    """What one fixed-budget equal-shares run funded (project positions, in order)."""

    winners: list[int]
    max_payments: list[Fraction]  # rho of each winner: what each supporter paid, at most
    exhausted: list[list[int]]  # per winner, the voters who paid all they had left
    spent: int


@dataclass
class _Progress:
    """Where a float run stands at the start of a round (see ``run_quickly``)."""

    voter_budget: Fraction
    money: list[float]
    error: float
    ceiling: dict[int, float]
    in_race: list[int]
    winners: list[int]
    max_payments: list[Fraction]
    unit: int
    paid_in_units: dict[int, int]
    spent: int


@dataclass
class _Estimate:
    """A project's effective vote count, bounded from float money (see ``run_quickly``)."""

    project: int
    amounts: tuple[float, ...]  # the money of its supporters, in ``approvers`` order
    low: float
    high: float
    exact: int | None  # the count itself when it is an integer known exactly
    rich: int  # supporters who can pay the max payment
    rich_from: float  # the least float money among them
    poor_below: float  # the most float money among the others (0.0 if none has any)
    even: bool = False  # nobody, not even a voter with nothing left, short of an equal split


def _estimate(project: int, cost: int, amounts: tuple[float, ...], error: float) -> _Estimate:
    """Bound the effective vote count of a project whose supporters hold ``amounts``.

    The supporters with less than the max payment rho pay all they have, the others rho.
    Raise ``_Uncertain`` unless every supporter's money is clearly on one side of rho.
    """
    count = len(amounts)
    equal_split = cost / count
    # Only supporters below twice an equal split are sorted; if rho turns out to be higher
    # than that, everyone is.
    bar = equal_split * (1 + 4 * _ROUNDING) + error
    ceiling = 2 * bar
    low = sorted([amount for amount in amounts if amount < ceiling])
    if not low or low[0] >= bar:
        # Nobody is short of an equal split: rho is cost / count, and so is the count.
        rich_from = low[0] if low else ceiling
        return _Estimate(project, amounts, count, count, count, count, rich_from, 0.0, even=True)
    poor = _count_poor(cost, count, low)
    if poor == len(low) < count:
        ceiling = math.inf
        low = sorted(amounts)
        poor = _count_poor(cost, count, low)
    rich = count - poor
    if rich == 0:
        raise _Uncertain
    rich_from = low[poor] if poor < len(low) else ceiling
    poor_below = low[poor - 1] if poor else 0.0
    poor_total = math.fsum(low[:poor])
    need = cost - poor_total
    if need <= 0:
        raise _Uncertain
    rho = need / rich
    exact: int | None
    if poor_total == 0:
        # Everyone short of rho has nothing left: rho is cost / rich, the count is rich.
        exact = rich
        rho_error = 2 * _ROUNDING * rho
        low_count = high_count = float(rich)
    else:
        exact = None
        rho_error = 2 * ((poor * error + _ROUNDING * (cost + poor_total)) / rich + _ROUNDING * rho)
        if poor_below + error >= rho - rho_error:
            raise _Uncertain
        low_count = cost / (rho + rho_error) * (1 - 2 * _ROUNDING)
        high_count = cost / (rho - rho_error) * (1 + 2 * _ROUNDING)
    if rich_from - error <= rho + rho_error:
        raise _Uncertain
    return _Estimate(project, amounts, low_count, high_count, exact, rich, rich_from, poor_below)


def _count_poor(cost: int, count: int, low: list[float]) -> int:
    """How many of the sorted ``low`` amounts are short of the max payment (in floats).

    Paying ``min(amount, x)`` each, the supporters raise a sum that grows with ``x``; the
    poor are those below the first amount at which that sum reaches the cost.
    """
    below = [0.0, *accumulate(low)]

    def raised_at(j: int) -> float:
        return below[j] + low[j] * (count - j)

    return bisect_left(range(len(low)), float(cost), key=raised_at)


def _gatherer(indices: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """A function that picks ``values[i]`` for every i in ``indices``, in one C-level call."""
    if not indices:
        return lambda values: ()
    if len(indices) == 1:
        (only,) = indices
        return lambda values: (values[only],)
    return itemgetter(*indices)


class _Count:
    """An instance in positions: projects 0..m-1 in ``Instance.projects`` order, voters with a
    non-empty ballot 0..v-1 (empty ballots count towards the number of voters only)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.ids = [project.id for project in instance.projects]
        self.costs = [project.cost for project in instance.projects]
        position = {project_id: index for index, project_id in enumerate(self.ids)}
        lot_place = {project_id: place for place, project_id in enumerate(instance.lot)}
        self.ballots = [
            tuple(map(position.__getitem__, ballot)) for ballot in instance.ballots if ballot
        ]
        self.approvers: list[list[int]] = [[] for _ in self.ids]
        add_to = [approvers.append for approvers in self.approvers]
        for voter, positions in enumerate(self.ballots):
            for c in positions:
                add_to[c](voter)
        self.votes = [len(approvers) for approvers in self.approvers]
        projects = range(len(self.ids))
        self.by_votes = sorted(
            projects, key=lambda c: (-self.votes[c], self.costs[c], lot_place[self.ids[c]])
        )
        tie_order = sorted(
            projects, key=lambda c: (self.costs[c], -self.votes[c], lot_place[self.ids[c]])
        )
        self.tie_rank = [0] * len(self.ids)
        for rank, c in enumerate(tie_order):
            self.tie_rank[c] = rank
        self.supported = [c for c in projects if self.votes[c] > 0]
        self.gather = [_gatherer(approvers) for approvers in self.approvers]
        # The end of the longest run of rounds so far in which nobody was short of an equal
        # split: a float run with a higher per-voter budget starts from there.
        self.even_start: _Progress | None = None

    def greedy_completion(self, funded: list[int], left: int) -> tuple[list[int], dict[int, int]]:
        """Projects funded by votes from what is ``left``, and what was left at each one's turn."""
        already = set(funded)
        chosen: list[int] = []
        left_at_turn: dict[int, int] = {}
        for c in self.by_votes:
            # Nobody asked for a project without votes: it gets no turn, however cheap.
            if c in already or not self.votes[c]:
                continue
            left_at_turn[c] = left
            if self.costs[c] <= left:
                chosen.append(c)
                left -= self.costs[c]
        return chosen, left_at_turn

    def is_exhaustive(self, selection: _Selection) -> bool:
        left = self.instance.budget - selection.spent
        funded = set(selection.winners)
        return not any(c not in funded and self.costs[c] <= left for c in self.supported)

    def select(self, voter_budget: Fraction, spend_limit: int | None) -> _Selection | None:
        """What one fixed-budget run funds, or None once that costs over ``spend_limit``."""
        try:
            return self.run_quickly(voter_budget, spend_limit)
        except _Uncertain:
            return self.run_exactly(voter_budget, spend_limit)

    def run_quickly(self, voter_budget: Fraction, spend_limit: int | None) -> _Selection | None:
        """One fixed-budget run on floats that proves every decision it takes.

        Each voter's money is a float, and ``error`` bounds how far any of them is from the
        exact amount. Every comparison that decides something (can the supporters afford a
        project, who pays all they have, which project goes next) is made with explicit
        bounds on the rounding of every step; when the bounds do not separate the two sides,
        an exact tie for instance, it raises ``_Uncertain`` and the run is counted exactly.
        The only ties settled here are between effective vote counts known to be equal
        integers (when no supporter with money left is short of the max payment).

        The max payment rho of each funded project is computed exactly (a voter short of it
        has the per-voter budget less the max payments of the projects they paid for), so
        ``error`` grows by one rounding per payment and does not compound.
        """
        costs = self.costs
        approvers = self.approvers
        gather = self.gather
        tie_rank = self.tie_rank
        ballots = self.ballots
        per_voter = float(voter_budget)
        start = self.even_start
        raise_by = -1 if start is None else voter_budget - start.voter_budget
        if start is not None and raise_by >= 0 and raise_by.denominator == 1:
            # Up to there, each voter has ``raise_by`` more than in the run that got there,
            # and that run's decisions stand: whoever could pay an equal split still can.
            if spend_limit is not None and start.spent > spend_limit:
                return None
            step = float(raise_by)
            money = [amount + step for amount in start.money]
            error = start.error + _ROUNDING * per_voter
            ceiling = dict(start.ceiling)
            in_race = list(start.in_race)
            winners = list(start.winners)
            max_payments = list(start.max_payments)
            unit = start.unit
            paid_in_units = dict(start.paid_in_units)
            spent = start.spent
        else:
            money = [per_voter] * len(ballots)
            error = 0.0 if per_voter == voter_budget else _ROUNDING * per_voter
            # An upper bound on each project's effective vote count, which never rises.
            ceiling = {c: float(self.votes[c]) for c in self.supported}
            in_race = list(self.supported)
            winners = []
            max_payments = []
            # Max payments so far, as whole numbers of 1 / unit yuan.
            unit = voter_budget.denominator
            paid_in_units = {}
            spent = 0
        exhausted: list[list[int]] = [[] for _ in winners]
        even_so_far = True
        while in_race:
            in_race.sort(key=ceiling.__getitem__, reverse=True)
            if even_so_far:
                round_start = _Progress(
                    voter_budget,
                    money,
                    error,
                    dict(ceiling),
                    list(in_race),
                    list(winners),
                    list(max_payments),
                    unit,
                    dict(paid_in_units),
                    spent,
                )
            best_low = -1.0
            visited: list[_Estimate] = []
            unaffordable: set[int] = set()
            for c in in_race:
                if ceiling[c] < best_low:
                    break
                amounts = gather[c](money)
                cost = costs[c]
                total = sum(amounts)
                slack = 2 * len(amounts) * (error + _ROUNDING * total)
                if total + slack < cost:
                    unaffordable.add(c)
                    even_so_far = self.keep_even_start(even_so_far, round_start)
                    continue
                if total - slack < cost:
                    raise _Uncertain
                estimate = _estimate(c, cost, amounts, error)
                if not estimate.even:
                    even_so_far = self.keep_even_start(even_so_far, round_start)
                ceiling[c] = estimate.high
                visited.append(estimate)
                best_low = max(best_low, estimate.low)
            if unaffordable:
                in_race = [c for c in in_race if c not in unaffordable]
            if not visited:
                break
            leader = max(visited, key=lambda estimate: estimate.low)
            tied = [leader]
            for other in visited:
                if other is leader or other.high < leader.low:
                    continue
                if leader.exact is not None and other.exact == leader.exact:
                    tied.append(other)
                else:
                    raise _Uncertain
            chosen = min(tied, key=lambda estimate: tie_rank[estimate.project])
            winner = chosen.project
            spent += costs[winner]
            if spend_limit is not None and spent > spend_limit:
                return None
            supporters = approvers[winner]
            amounts = chosen.amounts
            rich_from = chosen.rich_from
            rho = Fraction(costs[winner], chosen.rich)
            short: list[int] = []
            if chosen.exact is None:
                # Supporters short of rho pay what they have left: the per-voter budget less
                # the max payments of the projects they paid for so far.
                short = [
                    v
                    for v, amount in zip(supporters, amounts, strict=True)
                    if 0.0 < amount < rich_from
                ]
                approved = Counter(chain.from_iterable(map(ballots.__getitem__, short)))
                short_money = len(short) * voter_budget.numerator * (
                    unit // voter_budget.denominator
                ) - sum(paid_in_units[w] * approved[w] for w in winners if w in approved)
                rho = (costs[winner] - Fraction(short_money, unit)) / chosen.rich
            margin = Fraction(error)
            if not Fraction(chosen.poor_below) + margin < rho < Fraction(rich_from) - margin:
                raise _Uncertain
            rho_float = float(rho)
            if not rho_float < rich_from:
                raise _Uncertain
            winners.append(winner)
            max_payments.append(rho)
            exhausted.append(short)
            if unit % rho.denominator:
                finer = math.lcm(unit, rho.denominator)
                paid_in_units = {w: units * (finer // unit) for w, units in paid_in_units.items()}
                unit = finer
            paid_in_units[winner] = rho.numerator * (unit // rho.denominator)
            in_race.remove(winner)
            # Every supporter's float money is now certainly on its side of rich_from: those
            # at or above it pay rho, the others all they have.
            for v, amount in zip(supporters, amounts, strict=True):
                if amount >= rich_from:
                    money[v] = amount - rho_float
                elif amount:
                    money[v] = 0.0
            error += _ROUNDING * (2 * per_voter + rho_float)
        if even_so_far:
            self.even_start = _Progress(
                voter_budget,
                list(money),
                error,
                dict(ceiling),
                list(in_race),
                list(winners),
                list(max_payments),
                unit,
                dict(paid_in_units),
                spent,
            )
        return _Selection(winners, max_payments, exhausted, spent)

    def keep_even_start(self, even_so_far: bool, round_start: _Progress) -> bool:
        """Keep ``round_start`` as the place to start later float runs from, once."""
        if even_so_far:
            round_start.money = list(round_start.money)
            self.even_start = round_start
        return False

    def run_exactly(self, voter_budget: Fraction, spend_limit: int | None) -> _Selection | None:
        """One fixed-budget run in exact arithmetic, over money classes.

        Voters who approved the same funded projects so far hold the same money, so they
        share a money class, and classes, not voters, carry money: class ``k`` holds
        ``money[k] / denominators[epoch[k]]`` yuan per member.

        Each round visits the projects still in the race in decreasing order of their previous
        effective vote count, which can only fall as voters spend, and stops as soon as that
        is below the best one found this round (equalshares.net's pruning). Effective vote
        counts are kept as ``(float, Fraction)``: rounding to float is monotonic, so the float
        orders all but near-equal values and the exact Fraction settles the rest.
        """
        costs = self.costs
        approvers = self.approvers
        tie_rank = self.tie_rank
        denominators = [voter_budget.denominator]
        scale = [1]  # scale[e] * denominators[e] == the current unit's denominator
        money = [voter_budget.numerator]
        epoch = [0]
        voter_class = [0] * len(self.ballots)
        class_of = voter_class.__getitem__
        previous: dict[int, tuple[float, Fraction]] = {
            c: (float(self.votes[c]), Fraction(self.votes[c])) for c in self.supported
        }
        in_race = list(self.supported)
        winners: list[int] = []
        max_payments: list[Fraction] = []
        exhausted: list[list[int]] = []
        spent = 0
        while in_race:
            unit = denominators[-1]
            in_race.sort(key=previous.__getitem__, reverse=True)
            best: tuple[float, Fraction] | None = None
            tied: list[tuple[int, Counter[int], int, int]] = []
            unaffordable: set[int] = set()
            for c in in_race:
                if best is not None and previous[c] < best:
                    break
                counts = Counter(map(class_of, approvers[c]))
                amounts = [(money[k] * scale[epoch[k]], members) for k, members in counts.items()]
                cost = costs[c] * unit
                if sum(amount * members for amount, members in amounts) < cost:
                    unaffordable.add(c)
                    continue
                # The smallest max payment rho with sum(min(money, rho)) == cost, as
                # rho = need / (rich * unit): supporters with less than rho pay all they
                # have ("poor"), the others ("rich") pay rho each.
                rich = len(approvers[c])
                need = cost
                while True:
                    still_rich = []
                    poor_members = 0
                    poor_money = 0
                    for amount, members in amounts:
                        if amount * rich < need:
                            poor_money += amount * members
                            poor_members += members
                        else:
                            still_rich.append((amount, members))
                    if not poor_members:
                        break
                    need -= poor_money
                    rich -= poor_members
                    amounts = still_rich
                effective = Fraction(costs[c] * rich * unit, need)
                key = (float(effective), effective)
                previous[c] = key
                if best is None or key > best:
                    best = key
                    tied = [(c, counts, rich, need)]
                elif key == best:
                    tied.append((c, counts, rich, need))
            if unaffordable:
                in_race = [c for c in in_race if c not in unaffordable]
            if not tied:
                break
            winner, counts, rich, need = min(tied, key=lambda t: tie_rank[t[0]])
            spent += costs[winner]
            if spend_limit is not None and spent > spend_limit:
                return None
            winners.append(winner)
            max_payments.append(Fraction(need, rich * unit))
            in_race.remove(winner)
            # Pay: rho is need / (rich * unit); count money in that finer unit from now on.
            scale = [factor * rich for factor in scale]
            scale.append(1)
            denominators.append(unit * rich)
            now = len(denominators) - 1
            remap: dict[int, int] = {}
            paying_all: set[int] = set()
            for k in counts:
                amount = money[k] * scale[epoch[k]]
                if amount == 0:
                    remap[k] = k
                    continue
                if amount <= need:
                    paying_all.add(k)
                remap[k] = len(money)
                money.append(amount - need if amount > need else 0)
                epoch.append(now)
            exhausted.append([v for v in approvers[winner] if voter_class[v] in paying_all])
            for v in approvers[winner]:
                voter_class[v] = remap[voter_class[v]]
        return _Selection(winners, max_payments, exhausted, spent)

    def explain(
        self, selection: _Selection, voter_budget: Fraction, projects: list[int]
    ) -> dict[int, tuple[Fraction, tuple[Contribution, ...]]]:
        """For each of ``projects``: what its supporters had left at the end of the run that
        made ``selection``, and what they had paid towards each project it funded.

        A voter pays the max payment of every funded project they approved, until the one
        where they pay all they have left (``selection.exhausted``); so the payers in full
        are counted with bit sets, and only the exhausted voters are looked at one by one.
        Amounts are in whole units of ``1 / unit`` yuan, a common denominator.
        """
        unit = math.lcm(
            voter_budget.denominator, *(rho.denominator for rho in selection.max_payments)
        )
        per_voter = voter_budget.numerator * (unit // voter_budget.denominator)
        shares = [rho.numerator * (unit // rho.denominator) for rho in selection.max_payments]
        size = len(self.ballots)
        members = {c: _bits(self.approvers[c], size) for c in {*projects, *selection.winners}}
        wanted = set(projects)
        paid: dict[int, dict[int, int]] = {c: {} for c in projects}
        share_of: dict[int, int] = {}
        out_of_money = 0
        for w, share, exhausted in zip(selection.winners, shares, selection.exhausted, strict=True):
            for v in exhausted:
                last = per_voter - sum(share_of.get(u, 0) for u in self.ballots[v])
                for c in self.ballots[v]:
                    if c in wanted:
                        paid[c][w] = paid[c].get(w, 0) + last
            out_of_money |= _bits(exhausted, size)
            in_full = members[w] & ~out_of_money
            for c in projects:
                payers = (members[c] & in_full).bit_count()
                if payers:
                    paid[c][w] = paid[c].get(w, 0) + payers * share
            share_of[w] = share
        explanations = {}
        order = {w: place for place, w in enumerate(selection.winners)}
        for c in projects:
            left = Fraction(per_voter * self.votes[c] - sum(paid[c].values()), unit)
            contributions = sorted(
                ((w, Fraction(units, unit)) for w, units in paid[c].items() if units),
                key=lambda item: (-item[1], order[item[0]]),
            )
            explanations[c] = (
                left,
                tuple(Contribution(self.ids[w], amount) for w, amount in contributions),
            )
        return explanations

    def outcome(
        self,
        rule: Rule,
        *,
        winners: list[int],
        chosen_by: dict[int, ChosenBy],
        left_at_turn: dict[int, int],
        explanations: dict[int, tuple[Fraction, tuple[Contribution, ...]]],
        voter_budget: Fraction | None,
        runs: int,
    ) -> Outcome:
        funded = set(winners)
        results = []
        for c, project_id in enumerate(self.ids):
            money_left, paid_for = explanations.get(c, (None, ()))
            results.append(
                ProjectResult(
                    id=project_id,
                    cost=self.costs[c],
                    votes=self.votes[c],
                    funded=c in funded,
                    chosen_by=chosen_by.get(c),
                    budget_left_at_turn=left_at_turn.get(c),
                    supporters_money_left=money_left,
                    supporters_paid_for=paid_for,
                )
            )
        funded_ids = frozenset(self.ids[c] for c in winners)
        return Outcome(
            rule=rule,
            budget=self.instance.budget,
            winners=tuple(self.ids[c] for c in winners),
            projects=tuple(results),
            total_spent=sum(self.costs[c] for c in winners),
            voters=len(self.instance.ballots),
            voters_with_a_funded_project=sum(
                1 for ballot in self.instance.ballots if not funded_ids.isdisjoint(ballot)
            ),
            voter_budget=voter_budget,
            equal_shares_runs=runs,
        )


def _bits(indices: list[int], size: int) -> int:
    """The set ``indices`` (each below ``size``) as an int with those bits set."""
    digits = bytearray(b"0") * size
    for index in indices:
        digits[index] = 49  # "1"
    digits.reverse()
    return int(digits, 2) if size else 0
