"""The notices page: each notice as a sentence in the reader's language, with a link to what
it is about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from participation.core.errors import N_
from participation.notifications.kinds import KINDS, TARGETS
from participation.notifications.models import Notification

LATEST = 50

# Unknown kinds (from a newer release, or a kind no longer sent) read as a plain "something
# happened".
FALLBACK = N_("Something changed that concerns you.")
# A notice about content moderation hides says no more than that.
ABOUT_HIDDEN = N_("This notice is about something the committee has hidden while it reviews it.")


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
    wanted = _wanted(rows)
    slugs = await _community_slugs(wanted)
    hidden = await _hidden(wanted)
    notices = []
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        if any(target in hidden for target in _targets(payload)):
            notices.append(Notice(ABOUT_HIDDEN, {}, row.created_at, row.read_at is None, None))
            continue
        message = KINDS.get(row.kind, FALLBACK)
        params = {key: str(value) for key, value in payload.items()}
        try:
            message % params
        except (KeyError, ValueError, TypeError):
            message, params = FALLBACK, {}
        notices.append(
            Notice(message, params, row.created_at, row.read_at is None, _link(payload, slugs))
        )
    return notices


def _targets(payload: dict[str, object]) -> list[tuple[str, int]]:
    """(payload key, id) of each registered target the payload names, in registration order."""
    return [(key, value) for key in TARGETS if isinstance(value := payload.get(key), int)]


def _wanted(rows: list[Notification]) -> dict[str, set[int]]:
    """The ids of the objects the notices point at, per payload key."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        for key, value in _targets(payload):
            wanted.setdefault(key, set()).add(value)
    return wanted


async def _hidden(wanted: dict[str, set[int]]) -> set[tuple[str, int]]:
    """(payload key, id) of the objects the notices point at that moderation hides."""
    found: set[tuple[str, int]] = set()
    for key, ids in wanted.items():
        ask = TARGETS[key].hidden
        if ask is not None:
            found |= {(key, hidden_id) for hidden_id in await ask(ids)}
    return found


async def _community_slugs(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The community slug of each object the notices point at: a query per kind of object."""
    slugs: dict[tuple[str, int], str] = {}
    for key, ids in wanted.items():
        for found_id, slug in (await TARGETS[key].slugs(ids)).items():
            slugs[(key, found_id)] = slug
    return slugs


def _link(
    payload: dict[str, object], slugs: dict[tuple[str, int], str]
) -> tuple[str, dict[str, str]] | None:
    for key, value in _targets(payload):
        slug = slugs.get((key, value))
        if slug is not None:
            target = TARGETS[key]
            return target.route, {"slug": slug, target.param: str(value)}
    return None
