"""Who may report, review, act and decide appeals, registered once; the fixed lists of
reasons and actions with their words."""

from __future__ import annotations

from dataclasses import dataclass

from participation.core.errors import N_
from participation.core.permissions import (
    about_subject,
    is_committee,
    is_member,
    is_platform_admin,
    of_subject,
    register,
)

REASONS: dict[str, str] = {
    "spam": N_("Spam or advertising"),
    "offensive": N_("Offensive or abusive"),
    "personal_info": N_("Personal information"),
    "off_topic": N_("Off topic"),
    "convention": N_("Breaks the community convention"),
    "misinformation": N_("Misinformation"),
    "other": N_("Something else"),
}

ACTIONS: dict[str, str] = {
    "auto_hide": N_("Hidden while the committee reviews it"),
    "hide": N_("Hidden"),
    "restore": N_("Shown again"),
    "redact": N_("Personal information removed"),
    "warn": N_("Author warned"),
    "suspend": N_("Author suspended from posting"),
    "appeal_upheld": N_("Appeal: the decision stands"),
    "appeal_overturned": N_("Appeal: the decision is reversed"),
}

ROLES: dict[str, str] = {
    "automatic": N_("automatic, after reports from residents"),
    "committee": N_("community committee"),
    "admin": N_("platform administrator"),
}

# What can be appealed: an item hidden or redacted, or a suspension.
APPEALABLE = frozenset({"auto_hide", "hide", "redact", "suspend"})

DEFAULT_THRESHOLD = 3
REPORT_TEXT_MAX = 500
NOTE_MAX = 1000
SUSPEND_DAYS_MAX = 90


@dataclass(frozen=True)
class ItemSubject:
    """A reported item as the rules see it."""

    author_id: int
    escalated: bool  # its author sits on the committee


@dataclass(frozen=True)
class EntrySubject:
    """An action in the log, as its appeal sees it."""

    subject_id: int | None  # whose content or posting it was about
    actor_id: int | None  # who acted (None: automatic)
    escalated: bool
    appealable: bool


not_own = about_subject("not_own", lambda actor, item: actor.user_id != item.author_id)
not_escalated = of_subject("not_escalated", lambda item: not item.escalated)
acted_on_me = about_subject(
    "acted_on_me", lambda actor, entry: entry.appealable and actor.user_id == entry.subject_id
)
# Four eyes: an appeal goes to someone other than the one who acted.
not_the_actor = about_subject("not_the_actor", lambda actor, entry: actor.user_id != entry.actor_id)

# Members of the community report what others posted there.
can_report = register("moderation.report", is_member & not_own)
# The queue and its actions: the committee, for items whose authors are not on it; the
# platform admin for all (committee members are not hidden into silence by each other).
can_review = register(
    "moderation.review", (is_committee & not_escalated & not_own) | is_platform_admin
)
# The committee's queue page itself.
can_see_queue = register("moderation.see_queue", is_committee | is_platform_admin)
can_appeal = register("moderation.appeal", acted_on_me)
can_decide_appeal = register(
    "moderation.decide_appeal",
    (is_committee & not_escalated & not_the_actor) | (is_platform_admin & not_the_actor),
)
