"""The notices of plots and volunteer teams, and the page each one links to."""

from __future__ import annotations

from participation.core.errors import N_
from participation.notifications.kinds import register_kind, register_target
from participation.plots.queries import plot_community_slugs, team_community_slugs

register_kind(
    "plots.adoption_request",
    N_("A team asks to adopt %(plot)s."),
)
register_kind(
    "plots.adoption_approved",
    N_("Your team may now care for %(plot)s."),
)
register_kind(
    "plots.adoption_declined",
    N_("Your team's request for %(plot)s was declined: %(reason)s"),
)
register_kind(
    "plots.released",
    N_("The committee released your team's plot: %(reason)s"),
)
register_kind(
    "plots.handed_over",
    N_("%(plot)s has been handed over to your team."),
)
register_kind(
    "plots.rota",
    N_("You are on the care rota for the week of %(week)s."),
)
register_kind(
    "plots.rota_this_week",
    N_("This week you are on the care rota for %(plot)s."),
)
register_kind(
    "plots.lapse_warning",
    N_("%(plot)s has had no care logged for %(days)s days."),
)
register_kind(
    "plots.term_ending",
    N_(
        "Your team's care of %(plot)s ends on %(ends_on)s: renew it on the plot's page, or let "
        "another team take over."
    ),
)
register_kind(
    "plots.release_prompt",
    N_("%(plot)s has had no care for a long time: please decide whether to release it."),
)
register_kind(
    "teams.join_request",
    N_("Someone asks to join %(team)s."),
)
register_kind(
    "teams.joined",
    N_("You are now a member of %(team)s."),
)
register_kind(
    "teams.join_declined",
    N_("%(team)s did not take in new members this time."),
)

register_target("plot_id", route="plots:detail", slugs=plot_community_slugs)
register_target("team_id", route="teams:detail", slugs=team_community_slugs)
