"""The notices page: each notice as a sentence in the reader's language, with a link to what
it is about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.core.errors import N_
from participation.notifications.models import Notification
from participation.plots.models import Plot, Team
from participation.proposals.models import Proposal
from participation.voting.models import VotingRound

LATEST = 50

# Each kind's sentence (untranslated; the payload fills its %(...)s parts). Unknown kinds,
# from a newer release, read as a plain "something happened".
MESSAGES: dict[str, str] = {
    "proposal.status": N_("Your proposal has a new status."),
    "proposal.co_author_invited": N_("You are invited to co-author a proposal."),
    "voting.funded": N_("Your project was funded by the neighbourhood vote."),
    "teams.join_request": N_("Someone asks to join %(team)s."),
    "teams.joined": N_("You are now a member of %(team)s."),
    "teams.join_declined": N_("%(team)s did not take in new members this time."),
    "plots.adoption_request": N_("A team asks to adopt %(plot)s."),
    "plots.adoption_approved": N_("Your team may now care for %(plot)s."),
    "plots.adoption_declined": N_("Your team's request for %(plot)s was declined: %(reason)s"),
    "plots.released": N_("The committee released your team's plot: %(reason)s"),
    "plots.handed_over": N_("%(plot)s has been handed over to your team."),
    "plots.rota": N_("You are on the care rota for the week of %(week)s."),
    "plots.rota_this_week": N_("This week you are on the care rota for %(plot)s."),
    "plots.lapse_warning": N_("%(plot)s has had no care logged for %(days)s days."),
    "plots.term_ending": N_(
        "Your team's care of %(plot)s ends on %(ends_on)s: renew it on the plot's page, or let "
        "another team take over."
    ),
    "plots.release_prompt": N_(
        "%(plot)s has had no care for a long time: please decide whether to release it."
    ),
}
FALLBACK = N_("Something changed that concerns you.")


@dataclass(frozen=True)
class Notice:
    message: str  # untranslated
    params: dict[str, str]
    created_at: datetime
    unread: bool
    link: tuple[str, dict[str, str]] | None  # route name and its parameters


async def latest_notices(user_id: int) -> list[Notice]:
    """Unread notices first, then the rest; newest first within each (by when they happened:
    rows are not always written in that order, e.g. jobs that catch up, or the demo's past)."""
    newest_first = ("-created_at", "-id")
    unread = (
        await Notification.filter(user_id=user_id, read_at__isnull=True)
        .order_by(*newest_first)
        .limit(LATEST)
    )
    rows = list(unread)
    if len(rows) < LATEST:
        rows += (
            await Notification.filter(user_id=user_id, read_at__isnull=False)
            .order_by(*newest_first)
            .limit(LATEST - len(rows))
        )
    slugs = await _community_slugs(rows)
    notices = []
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        message = MESSAGES.get(row.kind, FALLBACK)
        params = {key: str(value) for key, value in payload.items()}
        try:
            message % params
        except (KeyError, ValueError, TypeError):
            message, params = FALLBACK, {}
        notices.append(
            Notice(message, params, row.created_at, row.read_at is None, _link(payload, slugs))
        )
    return notices


async def _community_slugs(rows: list[Notification]) -> dict[tuple[str, int], str]:
    """The community slug of each object the notices point at, a query per kind of object."""
    wanted: dict[str, set[int]] = {"plot": set(), "team": set(), "proposal": set(), "round": set()}
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        for key, value in _targets(payload):
            wanted[key].add(value)
    slugs: dict[tuple[str, int], str] = {}
    models = {"plot": Plot, "team": Team, "proposal": Proposal, "round": VotingRound}
    for key, ids in wanted.items():
        if ids:
            for found in await models[key].filter(id__in=ids).values("id", "community__slug"):
                slugs[(key, found["id"])] = found["community__slug"]
    return slugs


def _targets(payload: dict[str, object]) -> list[tuple[str, int]]:
    found = []
    for key, target in (
        ("plot_id", "plot"),
        ("team_id", "team"),
        ("proposal_id", "proposal"),
        ("proposal", "proposal"),
        ("round_id", "round"),
    ):
        value = payload.get(key)
        if isinstance(value, int):
            found.append((target, value))
    return found


def _link(
    payload: dict[str, object], slugs: dict[tuple[str, int], str]
) -> tuple[str, dict[str, str]] | None:
    routes = {
        "plot": ("plots:detail", "plot_id"),
        "team": ("teams:detail", "team_id"),
        "proposal": ("proposals:detail", "proposal_id"),
        "round": ("voting:round", "round_id"),
    }
    for target, value in _targets(payload):
        slug = slugs.get((target, value))
        if slug is not None:
            route, param = routes[target]
            return route, {"slug": slug, param: str(value)}
    return None
