"""Moderation's notices to authors: hidden pending review, hidden, restored, redacted,
warned, suspended, and an appeal's outcome; and to the committee, an appeal to decide."""

from __future__ import annotations

from participation.core.errors import N_
from participation.moderation.queries import entry_slugs
from participation.notifications.kinds import register_kind, register_target

register_kind(
    "moderation.hidden_pending",
    N_(
        "Something you posted is hidden while the committee reviews reports about it. You "
        "still see it, with a note; you will be told what the committee decides."
    ),
)
register_kind(
    "moderation.hidden",
    N_(
        "The committee hid something you posted; the community's moderation log says why. "
        "You may appeal once."
    ),
)
register_kind(
    "moderation.restored", N_("Something you posted is shown again: the committee kept it.")
)
register_kind(
    "moderation.redacted",
    N_("The committee removed personal information from something you posted."),
)
register_kind(
    "moderation.warned",
    N_("The committee asks you to keep to the community's rules in what you post."),
)
register_kind(
    "moderation.suspended",
    N_("The committee suspended you from posting in %(community)s for %(days)s days."),
)
register_kind("moderation.appeal_filed", N_("An appeal waits for a decision by someone else."))
register_kind(
    "moderation.appeal_upheld", N_("Your appeal was decided: the decision stands. %(reason)s")
)
register_kind(
    "moderation.appeal_overturned",
    N_("Your appeal was decided: the decision is reversed. %(reason)s"),
)

# A notice about an action links to where its author may appeal against it.
register_target("entry_id", route="moderation:appeal_form", slugs=entry_slugs)
