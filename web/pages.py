"""Every capability's pages, in the order their routes are tried. A new capability is one
package under web/ (its ``routes``, and its ``SHAREABLE`` pages if any) and one line here."""

from __future__ import annotations

from types import ModuleType

from web import accounts, communities, plots, proposals, site, teams, voting

CAPABILITIES: tuple[ModuleType, ...] = (
    site,
    accounts,
    communities,
    proposals,
    voting,
    plots,
    teams,
)
