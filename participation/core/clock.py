"""The system's clock. Rules never read it (they take ``now``); services are handed ``now``
by their caller; the app reads it through its own clock (web/core/clock.py), which tests set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Window(StrEnum):
    """Where a moment falls in a period that opens and closes (a vote, say)."""

    NOT_YET = "not_yet"
    OPEN = "open"
    OVER = "over"


def window_at(now: datetime, opens_at: datetime, closes_at: datetime) -> Window:
    """From opening (inclusive) to closing (exclusive): a vote cast at ``closes_at`` is late."""
    if now < opens_at:
        return Window.NOT_YET
    if now >= closes_at:
        return Window.OVER
    return Window.OPEN
