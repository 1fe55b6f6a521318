"""The capabilities, wired together in one place: importing this module registers what each
one tells the others about itself (its notice kinds, its content for
moderation, its news for feeds, its open data). The web app and the jobs import it; a
new capability adds its line here."""

from __future__ import annotations

import participation.conventions.datasets
import participation.conventions.feeds
import participation.conventions.moderation
import participation.conventions.notices
import participation.moderation.datasets
import participation.moderation.notices
import participation.plots.datasets
import participation.plots.feeds
import participation.plots.moderation
import participation.plots.notices
import participation.proposals.datasets
import participation.proposals.feeds
import participation.proposals.moderation
import participation.proposals.notices
import participation.voting.datasets
import participation.voting.feeds
import participation.voting.notices  # noqa: F401 - imported for what they register
