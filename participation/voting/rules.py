"""Pure rules of a voting round: who may do what, when ballots count, what a ballot may hold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from participation.core.clock import Window
from participation.core.errors import N_, Conflict, DomainError, Invalid, NotAllowed
from participation.core.permissions import (
    Actor,
    Standing,
    about_subject,
    is_committee,
    is_platform_admin,
    is_verified_resident,
    of_subject,
    register,
)


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    TALLIED = "tallied"
    PUBLISHED = "published"


class VoteUnit(StrEnum):
    RESIDENT = "resident"
    HOUSEHOLD = "household"


class ResultRule(StrEnum):
    EQUAL_SHARES = "equal_shares"
    GREEDY = "greedy"


STATUS_LABELS: dict[RoundStatus, str] = {
    RoundStatus.DRAFT: N_("Being prepared"),
    RoundStatus.OPEN: N_("Open for voting"),
    RoundStatus.CLOSED: N_("Closed, being counted"),
    RoundStatus.TALLIED: N_("Counted, to be published"),
    RoundStatus.PUBLISHED: N_("Results published"),
}
RULE_LABELS: dict[ResultRule, str] = {
    ResultRule.EQUAL_SHARES: N_("Method of Equal Shares"),
    ResultRule.GREEDY: N_("Most votes first"),
}
# Published with every round: how ties between projects are broken, in this order.
TIE_BREAK = N_(
    "Ties: the cheaper project first, then the one with more votes, then the order drawn "
    "by lot when the round opened."
)

TITLE_MAX = 120
BUDGET_MAX_YUAN = 100_000_000
PROJECTS_MAX = 200


@dataclass(frozen=True)
class CountingBallot:
    """The ballot that counts for a voter in a round: their own, or their household's."""

    voter_id: int  # who cast it (online), or for whom it was typed in (paper)
    channel: str  # "online" or "paper"


@dataclass(frozen=True)
class RoundSubject:
    """A round as its rules see it, for one visitor at one moment (participation/voting/
    queries.py round_subject builds it; casting a ballot builds it from its own reads)."""

    status: RoundStatus
    vote_unit: VoteUnit = VoteUnit.RESIDENT
    window: Window = Window.NOT_YET  # where the moment asked about falls
    in_household: bool = False  # the visitor belongs to a household of the community
    ballot: CountingBallot | None = None  # the ballot that counts for the visitor, if any


is_prepared = of_subject("is_prepared", lambda r: r.status is not RoundStatus.DRAFT)
is_counted = of_subject("is_counted", lambda r: r.status is RoundStatus.TALLIED)
is_published = of_subject("is_published", lambda r: r.status is RoundStatus.PUBLISHED)
is_open_now = of_subject(
    "is_open_now", lambda r: r.status is RoundStatus.OPEN and r.window is Window.OPEN
)
# A household round takes one ballot per household: the voter must be in one.
fits_vote_unit = about_subject(
    "fits_vote_unit", lambda a, r: r.vote_unit is VoteUnit.RESIDENT or r.in_household
)
# Whichever ballot came first stands: a paper ballot is never changed online, and in a
# household only the member who voted changes the household's ballot.
may_change_ballot = about_subject(
    "may_change_ballot",
    lambda a, r: (
        r.ballot is None or (r.ballot.channel == "online" and r.ballot.voter_id == a.user_id)
    ),
)

# Preparing, opening, closing and counting, publishing rounds.
can_manage = register("voting.manage", is_committee | is_platform_admin)
# A round being prepared is for those who manage rounds; to anyone else it is not found.
can_see = register("voting.see", is_prepared | can_manage)
# Results once published; counted ones before that for those who manage rounds (to check them).
can_see_results = register("voting.see_results", is_published | (is_counted & can_manage))
can_vote = register(
    "voting.vote", is_verified_resident & is_open_now & fits_vote_unit & may_change_ballot
)
# Typing in the paper ballot of a resident who cannot vote online: the community's
# committee, not a platform admin.
can_enter_paper = register("voting.enter_paper_ballot", is_committee)


def window_refusal(subject: RoundSubject) -> Invalid | None:
    """Why no ballot counts in this round at the moment asked about, if none does."""
    if subject.status is not RoundStatus.OPEN:
        return Invalid(N_("This round is not open for voting."))
    if subject.window is Window.NOT_YET:
        return Invalid(N_("Voting has not opened yet."))
    if subject.window is Window.OVER:
        return Invalid(N_("Voting has closed."))
    return None


def vote_refusal(actor: Actor, standing: Standing, subject: RoundSubject) -> DomainError:
    """Why ``voting.vote`` refuses this voter this round, worded for them; asked only once
    the rule has refused."""
    if not is_verified_resident(actor, standing):
        return NotAllowed()
    closed = window_refusal(subject)
    if closed is not None:
        return closed
    if not fits_vote_unit(actor, standing, subject):
        return Invalid(N_("Households vote in this round, and you are not in one yet."))
    if subject.ballot is not None and subject.ballot.channel == "paper":
        return Conflict(
            N_("A paper ballot was entered for you; it stands and cannot be changed online.")
        )
    return Conflict(N_("Someone in your household has already voted; a household has one ballot."))


@dataclass(frozen=True)
class BallotRules:
    budget_yuan: int
    min_projects: int = 0
    max_projects: int = 0  # 0: no maximum
    min_spend_percent: int = 0


def check_ballot(costs: Sequence[int], rules: BallotRules) -> None:
    """Raise Invalid, worded for the voter, unless the chosen projects' ``costs`` fit the rules.

    The same check serves the no-JS form, the htmx running total and the stored ballot.
    """
    total = sum(costs)
    if not costs:
        raise Invalid(N_("Please tick at least one project."), field="projects")
    if total > rules.budget_yuan:
        raise Invalid(
            N_(
                "Your choices cost ¥%(total)s, more than the budget of ¥%(budget)s. "
                "Please untick a project."
            ),
            field="projects",
            total=f"{total:,}",
            budget=f"{rules.budget_yuan:,}",
        )
    if rules.min_projects and len(costs) < rules.min_projects:
        raise Invalid(
            N_("Please tick at least %(count)s of the projects."),
            field="projects",
            count=str(rules.min_projects),
        )
    if rules.max_projects and len(costs) > rules.max_projects:
        raise Invalid(
            N_("Please tick at most %(count)s of the projects."),
            field="projects",
            count=str(rules.max_projects),
        )
    least = -(-rules.budget_yuan * rules.min_spend_percent // 100)  # rounded up, exactly
    if total < least:
        raise Invalid(
            N_(
                "Your choices cost ¥%(total)s; please choose projects worth at least "
                "¥%(least)s (%(percent)s%% of the budget)."
            ),
            field="projects",
            total=f"{total:,}",
            least=f"{least:,}",
            percent=str(rules.min_spend_percent),
        )


def price_ballot(
    on_ballot: Mapping[int, int], chosen: Iterable[int], rules: BallotRules
) -> dict[int, int]:
    """The ticked projects (each once) with their costs, if they are on this ballot and fit
    its rules; Invalid otherwise. The ballot, the no-JS form and the running total all use it."""
    picked = set(chosen)
    if not picked <= on_ballot.keys():
        raise Invalid(N_("Please choose projects from this ballot."), field="projects")
    costs = {project_id: on_ballot[project_id] for project_id in picked}
    check_ballot(list(costs.values()), rules)
    return costs


def check_round_settings(
    *,
    budget_yuan: int,
    opens_at: datetime,
    closes_at: datetime,
    min_projects: int,
    max_projects: int,
    min_spend_percent: int,
) -> None:
    if not 0 < budget_yuan <= BUDGET_MAX_YUAN:
        raise Invalid(N_("Please give the budget in whole yuan."), field="budget_yuan")
    if closes_at <= opens_at:
        raise Invalid(N_("Voting must close after it opens."), field="closes_at")
    if max_projects and min_projects > max_projects:
        raise Invalid(
            N_("The least number of projects cannot be above the most."), field="min_projects"
        )
    if not 0 <= min_spend_percent <= 100:
        raise Invalid(
            N_("The share of the budget to spend is a percentage from 0 to 100."),
            field="min_spend_percent",
        )


def voter_key(unit: VoteUnit, user_id: int, household_id: int | None) -> str:
    """Who a ballot belongs to: the resident, or their household (one ballot each)."""
    if unit is VoteUnit.HOUSEHOLD:
        if household_id is None:
            raise Invalid(N_("Households vote in this round, and you are not in one yet."))
        return f"household:{household_id}"
    return f"user:{user_id}"
