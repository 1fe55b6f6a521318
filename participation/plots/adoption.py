"""Adoption (认领): a team asks for a plot for a term; the committee approves or declines (or the
community approves automatically); later requests wait in line; terms are renewed, plots
released or handed over.

One active adoption per plot, one pending request per plot, and one open request per team and
plot are partial UNIQUE indexes (migration 0006), so parallel requests cannot break them; on
PostgreSQL the plot row is also locked, so a request sees the ones before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

import participation.plots.notices  # noqa: F401 - registers the notice kinds sent here
from participation.audit.services import record
from participation.communities.queries import get_standing, plot_settings
from participation.core.db import transaction
from participation.core.errors import N_, Conflict, Invalid, NotAllowed
from participation.core.permissions import Actor, Standing, can, require
from participation.core.text import clean_line
from participation.notifications.services import notify
from participation.plots.models import Adoption
from participation.plots.plot_state import CLOSED_PLOT, locked_plot, settle_plot, tell_committee
from participation.plots.queries import (
    adoption_subject,
    community_adoption,
    community_plot,
    community_team,
    member_ids,
    team_to_lead,
)
from participation.plots.rules import (
    NICKNAME_MAX,
    OPEN_REQUESTS,
    AdoptionStatus,
    AdoptionSubject,
    EndReason,
    adoption_end,
    check_term,
)

ACTIVE = AdoptionStatus.ACTIVE.value
PENDING = AdoptionStatus.PENDING.value
WAITLISTED = AdoptionStatus.WAITLISTED.value


async def request_adoption(
    actor: Actor, community_id: int, plot_id: int, team_id: int, term_months: int, *, now: datetime
) -> Adoption:
    """A team leader asks for a plot. Asking again returns the same request."""
    team = await team_to_lead(actor, community_id, team_id)
    plot = await community_plot(community_id, plot_id)
    term = check_term(term_months)
    if plot.status in CLOSED_PLOT:
        raise Invalid(N_("This plot is not open for adoption at the moment."))
    settings = await plot_settings(community_id)
    for _attempt in range(3):
        try:
            async with transaction() as conn:
                await locked_plot(conn, plot.id)
                mine = (
                    await Adoption.filter(
                        plot_id=plot.id, team_id=team.id, status__in=[*OPEN_REQUESTS, ACTIVE]
                    )
                    .using_db(conn)
                    .first()
                )
                if mine is not None:
                    return mine
                taken = (
                    await Adoption.filter(plot_id=plot.id, status__in=[ACTIVE, PENDING])
                    .using_db(conn)
                    .exists()
                )
                if taken:
                    status = WAITLISTED
                elif settings.auto_approve_adoptions:
                    status = ACTIVE
                else:
                    status = PENDING
                adoption = await Adoption.create(
                    plot_id=plot.id,
                    team_id=team.id,
                    status=status,
                    term_months=term,
                    requested_by_id=actor.user_id,
                    requested_at=now,
                    starts_at=now if status == ACTIVE else None,
                    ends_at=adoption_end(now, term) if status == ACTIVE else None,
                    using_db=conn,
                )
                await settle_plot(conn, plot.id, community_id, now)
                if status == PENDING:
                    await tell_committee(conn, community_id, plot, now)
                return adoption
        except IntegrityError:
            continue  # a parallel request won the plot: look again
    raise Conflict()


async def _tell_team(
    conn: BaseDBAsyncClient, team_id: int, kind: str, now: datetime, **payload: object
) -> None:
    for user_id in await member_ids(conn, team_id):
        await notify(conn, user_id, kind, now=now, **payload)


async def _committee(actor: Actor, community_id: int) -> None:
    require("plots.manage", actor, await get_standing(actor.user_id, community_id))


async def decide_adoption(
    actor: Actor,
    community_id: int,
    adoption_id: int,
    approve: bool,
    reason: str,
    *,
    now: datetime,
) -> Adoption:
    """The committee approves a request (the plot must be free) or declines it with a reason."""
    await _committee(actor, community_id)
    adoption = await community_adoption(community_id, adoption_id)
    why = clean_line(reason, max_length=500, allow_empty=True)
    if why is None or (not approve and not why):
        raise Invalid(N_("Please give the team a reason."), field="reason")
    async with transaction() as conn:
        plot = await locked_plot(conn, adoption.plot_id)
        if approve:
            if plot.status in CLOSED_PLOT:
                raise Invalid(N_("This plot is not open for adoption at the moment."))
            if await Adoption.filter(plot_id=plot.id, status=ACTIVE).using_db(conn).exists():
                raise Invalid(N_("Another team holds this plot; this request stays in line."))
            changes: dict[str, object] = {
                "status": ACTIVE,
                "starts_at": now,
                "ends_at": adoption_end(now, adoption.term_months),
            }
        else:
            changes = {"status": AdoptionStatus.DECLINED.value}
        try:
            changed = (
                await Adoption.filter(id=adoption.id, status__in=OPEN_REQUESTS)
                .using_db(conn)
                .update(decided_by_id=actor.user_id, decided_at=now, reason=why, **changes)
            )
        except IntegrityError:
            raise Conflict() from None
        if not changed:
            raise Conflict()
        if approve:  # whoever else was pending now waits behind the adopting team
            await (
                Adoption.filter(plot_id=plot.id, status=PENDING)
                .using_db(conn)
                .update(status=WAITLISTED)
            )
        await settle_plot(conn, plot.id, community_id, now)
        await _tell_team(
            conn,
            adoption.team_id,
            "plots.adoption_approved" if approve else "plots.adoption_declined",
            now,
            plot_id=plot.id,
            plot=plot.name,
            reason=why,
        )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.approve_adoption" if approve else "plots.decline_adoption",
            target=f"adoption:{adoption.id}",
            at=now,
            after={"plot_id": plot.id, "team_id": adoption.team_id, "reason": why},
        )
    return await community_adoption(community_id, adoption_id)


@dataclass(frozen=True)
class _Held:
    """An adoption with the actor's standing and its subject, as its rules are asked."""

    adoption: Adoption
    actor: Actor
    standing: Standing
    subject: AdoptionSubject

    def may(self, rule: str) -> bool:
        return can(rule, self.actor, self.standing, self.subject)

    @property
    def as_committee(self) -> bool:
        """Whether the actor acts as the committee rather than as a leader of the team (a
        leader who is also on the committee acts for the team)."""
        return not can("teams.lead", self.actor, self.standing, self.subject.team)


async def _held(actor: Actor, community_id: int, adoption_id: int, rule: str) -> _Held:
    """The adoption, if ``rule`` lets the actor act on it."""
    adoption = await community_adoption(community_id, adoption_id)
    held = _Held(
        adoption,
        actor,
        await get_standing(actor.user_id, community_id),
        await adoption_subject(adoption),
    )
    if not held.may(rule):
        raise NotAllowed()
    return held


async def withdraw_request(
    actor: Actor, community_id: int, adoption_id: int, *, now: datetime
) -> None:
    adoption = (await _held(actor, community_id, adoption_id, "plots.withdraw")).adoption
    async with transaction() as conn:
        await locked_plot(conn, adoption.plot_id)
        changed = (
            await Adoption.filter(id=adoption.id, status__in=OPEN_REQUESTS)
            .using_db(conn)
            .update(status=AdoptionStatus.WITHDRAWN.value, decided_at=now)
        )
        if not changed:
            raise Conflict()
        await settle_plot(conn, adoption.plot_id, community_id, now)


async def release(
    actor: Actor, community_id: int, adoption_id: int, reason: str, *, now: datetime
) -> None:
    """The team gives the plot back, or the committee takes it back (say, after a lapse);
    the next team in line moves up."""
    held = await _held(actor, community_id, adoption_id, "plots.release")
    adoption, as_committee = held.adoption, held.as_committee
    why = clean_line(reason, max_length=500, allow_empty=True)
    if why is None or (as_committee and not why):
        raise Invalid(N_("Please give the team a reason."), field="reason")
    async with transaction() as conn:
        await locked_plot(conn, adoption.plot_id)
        changed = (
            await Adoption.filter(id=adoption.id, status=ACTIVE)
            .using_db(conn)
            .update(
                status=AdoptionStatus.ENDED.value,
                ended_at=now,
                end_reason=EndReason.RELEASED.value,
                reason=why,
            )
        )
        if not changed:
            raise Conflict()
        await settle_plot(conn, adoption.plot_id, community_id, now)
        if as_committee:
            await _tell_team(
                conn, adoption.team_id, "plots.released", now, plot_id=adoption.plot_id, reason=why
            )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.release",
            target=f"adoption:{adoption.id}",
            at=now,
            after={"plot_id": adoption.plot_id, "team_id": adoption.team_id, "reason": why},
        )


async def renew(
    actor: Actor, community_id: int, adoption_id: int, term_months: int, *, now: datetime
) -> Adoption:
    """Another term, counted from the end of the current one."""
    adoption = (await _held(actor, community_id, adoption_id, "plots.renew")).adoption
    term = check_term(term_months)
    if adoption.status != ACTIVE or adoption.ends_at is None:
        raise Invalid(N_("Only a current adoption can be renewed."))
    async with transaction() as conn:
        changed = (
            await Adoption.filter(id=adoption.id, status=ACTIVE, ends_at=adoption.ends_at)
            .using_db(conn)
            .update(ends_at=adoption_end(max(adoption.ends_at, now), term), term_reminded_at=None)
        )
        if not changed:
            raise Conflict()
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.renew",
            target=f"adoption:{adoption.id}",
            at=now,
            after={"term_months": term},
        )
    return await community_adoption(community_id, adoption_id)


async def hand_over(
    actor: Actor, community_id: int, adoption_id: int, to_team_id: int, *, now: datetime
) -> Adoption:
    """The adopting team passes the plot to another team for the rest of the term; a request
    of that team for the plot becomes the adoption."""
    adoption = (await _held(actor, community_id, adoption_id, "plots.hand_over")).adoption
    receiving = await community_team(community_id, to_team_id)
    if receiving.id == adoption.team_id:
        raise Invalid(N_("Please choose another team."), field="to_team_id")
    async with transaction() as conn:
        plot = await locked_plot(conn, adoption.plot_id)
        ended = (
            await Adoption.filter(id=adoption.id, status=ACTIVE)
            .using_db(conn)
            .update(
                status=AdoptionStatus.ENDED.value,
                ended_at=now,
                end_reason=EndReason.HANDED_OVER.value,
            )
        )
        if not ended:
            raise Conflict()
        handed = {
            "status": ACTIVE,
            "starts_at": now,
            "ends_at": adoption.ends_at,
            "decided_by_id": actor.user_id,
            "decided_at": now,
        }
        converted = (
            await Adoption.filter(plot_id=plot.id, team_id=receiving.id, status__in=OPEN_REQUESTS)
            .using_db(conn)
            .update(**handed)
        )
        if not converted:
            await Adoption.create(
                plot_id=plot.id,
                team_id=receiving.id,
                term_months=adoption.term_months,
                requested_by_id=actor.user_id,
                requested_at=now,
                using_db=conn,
                **handed,
            )
        await settle_plot(conn, plot.id, community_id, now)
        await _tell_team(
            conn, receiving.id, "plots.handed_over", now, plot_id=plot.id, plot=plot.name
        )
        await record(
            conn,
            actor_id=actor.user_id,
            community_id=community_id,
            action="plots.hand_over",
            target=f"adoption:{adoption.id}",
            at=now,
            after={"plot_id": plot.id, "from_team": adoption.team_id, "to_team": receiving.id},
        )
    current = await Adoption.get(plot_id=plot.id, status=ACTIVE)
    return current


async def set_nickname(
    actor: Actor, community_id: int, adoption_id: int, nickname: str, *, now: datetime
) -> None:
    """The adopting team names its plot (小名); the committee may clear a name that is not
    suitable (audited)."""
    held = await _held(actor, community_id, adoption_id, "plots.clear_nickname")
    adoption, as_committee = held.adoption, held.as_committee
    name = clean_line(nickname, max_length=NICKNAME_MAX, allow_empty=True)
    if name is None:
        raise Invalid(N_("Please keep the nickname under 40 characters."), field="nickname")
    if name and not held.may("plots.nickname"):
        raise NotAllowed()  # the committee moderates names; it does not choose them
    async with transaction() as conn:
        changed = (
            await Adoption.filter(id=adoption.id, status=ACTIVE)
            .using_db(conn)
            .update(nickname=name)
        )
        if not changed:
            raise Invalid(N_("Only a current adoption can have a nickname."))
        if as_committee:
            await record(
                conn,
                actor_id=actor.user_id,
                community_id=community_id,
                action="plots.clear_nickname",
                target=f"adoption:{adoption.id}",
                at=now,
                before={"nickname": adoption.nickname},
            )
