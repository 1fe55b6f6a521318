"""Who may do what with a community's conventions, registered once: drafting and amending in
the open, the committee's consolidation, and the ratification vote."""

from __future__ import annotations

from dataclasses import dataclass
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


class Phase(StrEnum):
    DRAFTING = "drafting"
    CONSOLIDATION = "consolidation"
    RATIFICATION = "ratification"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


PHASE_LABELS: dict[Phase, str] = {
    Phase.DRAFTING: N_("Drafting: amendments welcome"),
    Phase.CONSOLIDATION: N_("Consolidation by the committee"),
    Phase.RATIFICATION: N_("Ratification vote"),
    Phase.ADOPTED: N_("Adopted by vote"),
    Phase.NOT_ADOPTED: N_("Not adopted"),
}

# The committee decides on amendments while the text is drafted and consolidated.
DECIDING = frozenset({Phase.DRAFTING, Phase.CONSOLIDATION})
# A finished cycle may start a revision from its last version.
REVISABLE = frozenset({Phase.ADOPTED, Phase.NOT_ADOPTED})


class AmendmentKind(StrEnum):
    CHANGE = "change"
    INSERT = "insert"
    DELETE = "delete"


class AmendmentStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ConventionSubject:
    phase: Phase


@dataclass(frozen=True)
class AmendmentSubject:
    author_id: int
    status: AmendmentStatus
    phase: Phase


@dataclass(frozen=True)
class RatificationSubject:
    """A ratification vote as its rules see it, for one voter at one moment."""

    window: Window
    household_mode: bool = False
    in_household: bool = False
    counted: bool = False
    paper_vote: bool = False  # the vote that counts for this voter was entered on paper


is_drafting = of_subject("is_drafting", lambda c: c.phase is Phase.DRAFTING)
is_revisable = of_subject("is_revisable", lambda c: c.phase in REVISABLE)
is_open_amendment = of_subject(
    "is_open_amendment",
    lambda a: a.status is AmendmentStatus.OPEN and a.phase in DECIDING,
)
is_amendment_author = about_subject(
    "is_amendment_author", lambda actor, a: a.author_id == actor.user_id
)
is_voting_now = of_subject("is_voting_now", lambda r: r.window is Window.OPEN and not r.counted)
fits_mode = of_subject("fits_mode", lambda r: not r.household_mode or r.in_household)
not_on_paper = of_subject("not_on_paper", lambda r: not r.paper_vote)

# Opening drafts, moving phases, deciding amendments, scheduling and counting votes.
can_manage = register("conventions.manage", is_committee | is_platform_admin)
can_decide = register("conventions.decide", can_manage & is_open_amendment)
can_revise = register("conventions.revise", can_manage & is_revisable)
can_propose = register("conventions.propose_amendment", is_verified_resident & is_drafting)
can_support = register(
    "conventions.support",
    is_verified_resident & is_open_amendment & ~is_amendment_author,
)
# The discussion of an amendment: verified residents and the committee, in any phase.
can_comment = register("conventions.comment", is_verified_resident | is_committee)
can_withdraw = register("conventions.withdraw_amendment", is_amendment_author & is_open_amendment)
can_vote = register(
    "conventions.vote", is_verified_resident & is_voting_now & fits_mode & not_on_paper
)
# Typing in a vote cast on paper at the community office: the community's committee.
can_enter_paper = register("conventions.enter_paper_vote", is_committee & is_voting_now)
can_count = register(
    "conventions.count",
    can_manage & of_subject("is_over", lambda r: r.window is Window.OVER and not r.counted),
)


PAPER_STANDS = N_(
    "Your vote was entered on paper at the community office; ask the office to change it."
)


def vote_refusal(actor: Actor, standing: Standing, subject: RatificationSubject) -> DomainError:
    """Why ``conventions.vote`` refuses this voter, in words for them (asked once refused)."""
    if not is_verified_resident(actor, standing):
        return NotAllowed(N_("Only verified residents of this community vote on its convention."))
    if subject.counted or subject.window is Window.OVER:
        return Invalid(N_("Voting has closed."))
    if subject.window is Window.NOT_YET:
        return Invalid(N_("Voting has not opened yet."))
    if not fits_mode(actor, standing, subject):
        return Invalid(N_("Households vote on this convention, and you are not in one yet."))
    return Conflict(PAPER_STANDS)


KIND_LABELS: dict[AmendmentKind, str] = {
    AmendmentKind.CHANGE: N_("Change this article"),
    AmendmentKind.INSERT: N_("Insert a new article after this one"),
    AmendmentKind.DELETE: N_("Delete this article"),
}

STATUS_LABELS: dict[AmendmentStatus, str] = {
    AmendmentStatus.OPEN: N_("Open for support"),
    AmendmentStatus.ACCEPTED: N_("Accepted by the committee"),
    AmendmentStatus.REJECTED: N_("Not accepted by the committee"),
    AmendmentStatus.WITHDRAWN: N_("Withdrawn by its author"),
}

MAJORITY_LABELS: dict[str, str] = {
    "simple": N_("Simple majority: more yes than no"),
    "two_thirds": N_("Two thirds of the yes and no votes"),
    "three_quarters": N_("Three quarters of the yes and no votes"),
}

MODE_LABELS: dict[str, str] = {
    "resident": N_("One vote per verified resident"),
    "household": N_("One vote per household"),
}

CHOICE_LABELS: dict[str, str] = {
    "yes": N_("Yes, adopt it"),
    "no": N_("No"),
    "abstain": N_("Abstain"),
}

OUTCOME_LABELS: dict[str, str] = {
    "adopted": N_("Adopted by vote"),
    "rejected": N_("Rejected by vote"),
    # A vote without its quorum says nothing about the text: never shown as a rejection.
    "no_quorum": N_("No decision: too few took part (quorum not reached)"),
}
