"""Pure rules of the micro-project lifecycle: who may move a proposal where, and when."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from participation.core.errors import N_
from participation.core.permissions import (
    about_subject,
    is_committee,
    is_platform_admin,
    is_verified_resident,
    of_subject,
    register,
)


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_CHANGES = "needs_changes"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SELECTED = "selected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: N_("Draft"),
    Status.SUBMITTED: N_("Waiting for committee review"),
    Status.NEEDS_CHANGES: N_("Needs changes"),
    Status.ACCEPTED: N_("Accepted for the ballot"),
    Status.REJECTED: N_("Not accepted"),
    Status.SELECTED: N_("Selected"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.COMPLETED: N_("Completed"),
    Status.WITHDRAWN: N_("Withdrawn"),
}

# Who moves a proposal: the author (and accepted co-authors) or the committee.
AUTHOR_MOVES: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.WITHDRAWN}),
    Status.NEEDS_CHANGES: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
}
COMMITTEE_MOVES: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.NEEDS_CHANGES}),
    Status.ACCEPTED: frozenset({Status.SELECTED, Status.REJECTED}),
    Status.SELECTED: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED}),
}
# A committee decision that residents will read must say why.
REASON_REQUIRED = frozenset({Status.REJECTED, Status.NEEDS_CHANGES})
EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.NEEDS_CHANGES})
PUBLIC = frozenset(Status) - {Status.DRAFT}
SUPPORTABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED})
UPDATABLE = frozenset({Status.SELECTED, Status.IN_PROGRESS, Status.COMPLETED})


def shown_progress(status: str, percent: int) -> int | None:
    """The progress percentage worth showing a reader, or None when it would mislead.

    The percentage is what the project's team reports (participation/proposals/tracking.py),
    not something derived from milestones. It says nothing once the project is completed (its
    status says that, and a stale 60 % beside "completed" reads as a contradiction), nor while
    it is still 0, which is also what a project nobody has reported on yet carries."""
    if Status(status) not in {Status.SELECTED, Status.IN_PROGRESS} or percent <= 0:
        return None
    return percent


DEFAULT_CATEGORIES: dict[str, str] = {
    "pocket_garden": N_("Pocket garden"),
    "balcony_flowers": N_("Balcony flowers"),
    "greening": N_("Greening"),
    "cleanup": N_("Cleanup"),
    "facilities": N_("Facilities"),
    "culture": N_("Culture"),
    "elderly_care": N_("Elderly care"),
    "other": N_("Other"),
}

TITLE_MAX = 120
BODY_MAX = 10_000
LOCATION_MAX = 200
COST_MAX_YUAN = 10_000_000


@dataclass(frozen=True)
class ProposalSubject:
    """A proposal as its rules see it (participation/proposals/queries.py builds it)."""

    author_id: int
    status: Status
    co_author_ids: frozenset[int] = frozenset()  # accepted co-authors


@dataclass(frozen=True)
class InvitationSubject:
    """An invitation to co-author a proposal: whom it invites, and whether they accepted."""

    invitee_id: int
    accepted: bool


is_author = about_subject("is_author", lambda a, p: a.user_id == p.author_id)
is_co_author = about_subject("is_co_author", lambda a, p: a.user_id in p.co_author_ids)
is_public = of_subject("is_public", lambda p: p.status in PUBLIC)
invited = about_subject("invited", lambda a, i: a.user_id == i.invitee_id and not i.accepted)

can_propose = register("proposals.propose", is_verified_resident)
can_support = register("proposals.support", is_verified_resident)
can_review = register("proposals.review", is_committee | is_platform_admin)
can_comment = register("proposals.comment", is_verified_resident | is_committee)
# Drafts are their author's alone; a proposal that cannot be seen is a 404, never a 403.
can_see = register("proposals.see", is_public | is_author)
# The text, photos, co-authors, submitting and withdrawing are the author's.
can_edit = register("proposals.edit", is_author)
# A funded project's team (author and accepted co-authors) and the committee keep its
# progress and milestones, and post updates that show at once.
can_track = register("proposals.track", is_author | is_co_author | is_committee | is_platform_admin)
# Other verified residents may post updates too; the committee publishes them.
can_post_update = register("proposals.post_update", can_track | is_verified_resident)
# An invitation to co-author is accepted by the neighbour it invites, once.
can_accept_invitation = register("proposals.accept_invitation", invited)


def author_may_move(current: Status, target: Status) -> bool:
    return target in AUTHOR_MOVES.get(current, frozenset())


def committee_may_move(current: Status, target: Status) -> bool:
    return target in COMMITTEE_MOVES.get(current, frozenset())
