"""Co-authors: the author invites a verified neighbour by name; the neighbour accepts.

Accepted co-authors post progress updates like the author; the invitation is a notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

import participation.proposals.notices  # noqa: F401 - registers the notice kinds sent here
from participation.communities.queries import verified_member_named
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotFound
from participation.core.permissions import NO_STANDING, Actor, can
from participation.core.text import clean_line
from participation.notifications.services import notify
from participation.proposals.models import ProposalCoAuthor
from participation.proposals.queries import proposal_to_edit, visible_proposal
from participation.proposals.rules import InvitationSubject, Status

MAX_CO_AUTHORS = 5
CLOSED = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.COMPLETED})


async def invite_co_author(
    actor: Actor, community_id: int, proposal_id: int, name: str, *, now: datetime
) -> ProposalCoAuthor:
    proposal = await proposal_to_edit(actor, community_id, proposal_id)
    if Status(proposal.status) in CLOSED:
        raise Invalid(N_("This proposal is closed."))
    wanted = clean_line(name, max_length=40)
    if wanted is None:
        raise Invalid(N_("Please enter the name your neighbour uses here."), field="name")
    neighbour_id = await verified_member_named(community_id, wanted)
    if neighbour_id is None or neighbour_id == actor.user_id:
        raise Invalid(N_("No other verified resident here goes by that name."), field="name")
    if await ProposalCoAuthor.filter(proposal_id=proposal.id).count() >= MAX_CO_AUTHORS:
        raise Invalid(N_("A proposal can have at most 5 co-authors."), field="name")
    try:
        async with transaction() as conn:
            invitation = await ProposalCoAuthor.create(
                proposal_id=proposal.id, user_id=neighbour_id, invited_at=now, using_db=conn
            )
            await notify(
                conn, neighbour_id, "proposal.co_author_invited", now=now, proposal=proposal.id
            )
    except IntegrityError as exc:
        raise Conflict(N_("This neighbour is already invited.")) from exc
    return invitation


async def accept_co_authorship(
    actor: Actor, community_id: int, proposal_id: int, *, now: datetime
) -> None:
    proposal = await visible_proposal(actor, community_id, proposal_id)
    invitation = await ProposalCoAuthor.get_or_none(proposal_id=proposal.id, user_id=actor.user_id)
    # No invitation for this neighbour (or one already accepted) is nothing to accept: a 404.
    if invitation is None or not can(
        "proposals.accept_invitation", actor, NO_STANDING, _subject(invitation)
    ):
        raise NotFound()
    accepted = await ProposalCoAuthor.filter(id=invitation.id, accepted_at__isnull=True).update(
        accepted_at=now
    )
    if not accepted:
        raise NotFound()


def _subject(invitation: ProposalCoAuthor) -> InvitationSubject:
    return InvitationSubject(invitation.user_id, invitation.accepted_at is not None)


@dataclass(frozen=True)
class CoAuthorView:
    user_id: int
    name: str
    accepted: bool

    @property
    def subject(self) -> InvitationSubject:
        return InvitationSubject(self.user_id, self.accepted)


async def list_co_authors(proposal_id: int) -> list[CoAuthorView]:
    rows = (
        await ProposalCoAuthor.filter(proposal_id=proposal_id).select_related("user").order_by("id")
    )
    return [CoAuthorView(r.user_id, r.user.display_name, r.accepted_at is not None) for r in rows]
