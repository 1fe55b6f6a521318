"""Every capability's pages, in the order their routes are tried. A new capability is one
package under web/ (its ``routes``, and its ``SHAREABLE`` pages if any) and one line here."""

from __future__ import annotations

from types import ModuleType

import participation.capabilities  # noqa: F401 - every capability's notice kinds
from web import (
    accounts,
    communities,
    conventions,
    feeds,
    mail,
    moderation,
    opendata,
    plots,
    proposals,
    site,
    teams,
    voting,
)
from web.core.page_cache import Shareable

CAPABILITIES: tuple[ModuleType, ...] = (
    site,
    accounts,
    communities,
    proposals,
    voting,
    plots,
    teams,
    conventions,
    moderation,
    feeds,
    opendata,
    mail,
)

# The pages anonymous visitors share (web/core/page_cache.py), as each capability names them.
SHAREABLE: Shareable = {
    name: test
    for capability in CAPABILITIES
    for name, test in getattr(capability, "SHAREABLE", {}).items()
}
